"""README.ja.md runs as written: its Python runs, and every kobai command line parses."""

import re
import shlex
from pathlib import Path

from kobai.cli.main import build_parser
from kobai.i18n import get_language

README = Path(__file__).resolve().parents[2] / "README.ja.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_python_runs_and_leaves_english(capsys) -> None:  # type: ignore[no-untyped-def]
    (code,) = blocks("python")
    exec(compile(code, "README.ja.md", "exec"), {})
    assert capsys.readouterr().out == "学習曲線\n"
    assert get_language() == "en"


def test_every_command_line_parses_with_its_options() -> None:
    parser = build_parser()
    lines = [
        part.split("#")[0].strip()
        for block in blocks("bash")
        for line in block.splitlines()
        for part in line.split("&&")
        if part.strip().startswith("kobai ")
    ]
    assert len(lines) >= 12
    for line in lines:
        args = parser.parse_args(shlex.split(line)[1:])
        assert args.command, line
    assert parser.parse_args(["--lang", "ja", "train"]).lang == "ja"
    assert parser.parse_args(["descend", "--lang", "ja"]).lang == "ja"
