"""The README's sweep section runs as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Sweeps")
    return text[start : text.index("\n## ", start + 1)]


def test_the_commands_are_real_options_and_the_plan_is_the_example() -> None:
    from kobai.cli.main import build_parser
    from kobai.sweep import read_plan

    (block,) = re.findall(r"```bash\n(.*?)```", _section(), flags=re.S)
    parser = build_parser()
    for line in block.strip().splitlines():
        words = line.split("#")[0].split()
        assert words[0] == "kobai"
        parser.parse_args(words[1:])
    plan = read_plan(ROOT / "examples" / "sweeps" / "moons.toml")
    assert len(plan.cells()) == 75 and [a.name for a in plan.axes] == ["optimizer", "lr"]


def test_the_python_block_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(ROOT / "examples" / "sweeps", tmp_path / "examples" / "sweeps")
    monkeypatch.chdir(tmp_path)
    (block,) = re.findall(r"```python\n(.*?)```", _section(), flags=re.S)
    exec(compile(block, "README.md", "exec"), {})
    # The table's vectorised sha256, as printed.
    assert capsys.readouterr().out.split()[-1].startswith("7df080e406f9a914")
