"""``kobai --help`` lists every command without importing any; a command imports only itself."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from kobai.cli.main import SUMMARIES, build_parser, command_names


def _subcommands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_every_command_has_its_own_summary_line() -> None:
    full = {a.dest: a.help for a in _subcommands(build_parser())._choices_actions}
    assert set(full) == set(command_names())
    assert SUMMARIES == full


def test_help_lists_every_command_and_imports_none() -> None:
    code = (
        "import sys\n"
        "from kobai.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('kobai.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    text, loaded = out.stdout.split("LOADED")
    listed = " ".join(text.split())
    for name in command_names():
        assert f"{name} {' '.join(SUMMARIES[name].split())}" in listed, name
    assert loaded.strip() == "['kobai.cli.main', 'kobai.cli.options']"


def test_a_command_imports_only_its_own_module() -> None:
    code = (
        "import sys\n"
        "from kobai.cli.main import main\n"
        "rc = main(['--lang', 'en', 'gradcheck', '--filter', 'softmax'])\n"
        "print(rc, sorted(m for m in sys.modules if m.startswith('kobai.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    last = out.stdout.strip().splitlines()[-1]
    assert last == "0 ['kobai.cli.gradcheck', 'kobai.cli.main', 'kobai.cli.options']"


def test_reading_a_train_config_does_not_load_the_sweeps(tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text('optimizer = "adam"\n', encoding="utf-8")
    code = (
        "import sys\n"
        "from kobai.cli.options import read_toml\n"
        f"print(read_toml({str(config)!r}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('kobai.sweep') or m == 'sqlite3'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["{'optimizer': 'adam'}", "[]"]
