"""The code of README.md as a newcomer meets it: every block, its commands and its promises.

Every fenced block of README.md is run by ``tests/test_readme.py``, in the README's order, in
one scratch folder standing for a newcomer's clone (the repository's ``examples/``, ``scripts/``,
... linked into it) and, for Python, in one namespace (one interpreter session):

- ```` ```bash ```` blocks: every line is a shell command (``\\`` continues a line, ``#`` starts
  a comment) and must exit 0. Parts of a line joined by ``&&`` that cannot run in a test are
  skipped, each for the reason in :data:`SKIPPED`.
- ```` ```python ```` blocks: run statement by statement. An expression whose value is not None
  and that ends in a comment stating a value (a number, or text that starts as the value
  prints: ``x.grad  # array([3., 5., 7.], dtype=float32)``) must print as that comment; other
  comments (``# diag(6, 12)``), and a note in parentheses after a value
  (``# 0.93 (accuracy)``), are prose; doctest-style blocks (``>>>``) must print what the
  README shows.
- plain ```` ``` ```` blocks whose first line starts with ``$ `` are a command and its output:
  the command runs and its output must read as shown.

Numbers are compared to the digits the README shows (``0.9590`` means 0.95895 to 0.95905)
unless the block states a tolerance; durations (a number followed by ``s``) and timestamps
(``20261123-041543``) vary and are not compared.

A block can carry a marker, an HTML comment (invisible on GitHub) on the line before its
fence::

    <!-- readme-test: quick="--epochs 1" tolerance=0.01 -->

``quick`` is appended to every ``kobai`` command of a block too slow for the test suite (the
README shows the full command; the suite runs it with these settings); ``tolerance`` is the
absolute difference allowed between a number shown and the one computed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"<!--\s*readme-test:(?P<body>.*?)-->")
FENCE = re.compile(r"^```(?P<info>[\w-]*)\s*$")
# ``&&``-joined commands of the README that a test cannot run, and why.
SKIPPED = {
    "pip install": "the test environment is installed already",
    "python -m pytest": "it is this test suite",
    "kobai playground": "a server that runs until stopped (tests/web/test_cli_playground.py)",
    "ruff": "the lint job checks the repository itself",
    "mypy": "the lint job checks the repository itself",
}
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
DURATION = re.compile(r"[-+]?\d+(?:\.\d+)?(?= s\b)")
TIMESTAMP = re.compile(r"\d{8}-\d{6}")


@dataclass
class Block:
    """One fenced block of the README."""

    kind: str  # "bash", "python" or "output"
    line: int  # 1-based line of its first code line
    text: str
    quick: str = ""
    tolerance: float | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return f"line {self.line}: {first[:60]}"


def blocks(readme: Path) -> list[Block]:
    """Every ``bash``, ``python`` and ``$ command`` output block of ``readme``, in order."""
    lines = readme.read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        text = "\n".join(lines[i + 1 : end])
        kind = opening["info"] or ("output" if text.startswith("$ ") else "")
        if kind in ("bash", "python", "output"):
            found.append(_with_marker(Block(kind, i + 2, text), lines[i - 1] if i else ""))
        i = end + 1
    return found


def _with_marker(block: Block, previous: str) -> Block:
    marker = MARKER.search(previous)
    if marker:
        for key, value in (
            item.split("=", 1) for item in shlex.split(marker["body"]) if "=" in item
        ):
            if key == "quick":
                block.quick = value
            elif key == "tolerance":
                block.tolerance = float(value)
            else:
                raise ValueError(f"README line {block.line - 1}: unknown marker key {key!r}")
    return block


def commands(block: Block) -> list[tuple[str, list[str]]]:
    """The shell commands of a bash block (quick settings added) and the skipped parts."""
    joined = block.text.replace("\\\n", " ")
    out = []
    for raw in joined.splitlines():
        line = _strip_comment(raw).strip()
        if not line:
            continue
        kept, skipped = [], []
        for part in (p.strip() for p in line.split("&&")):
            reason = next((why for cmd, why in SKIPPED.items() if part.startswith(cmd)), None)
            if reason:
                skipped.append(f"{part}: {reason}")
            else:
                kept.append(quick(part, block.quick))
        if kept:
            out.append((" && ".join(kept), skipped))
        elif skipped:
            out.append(("", skipped))
    return out


def quick(command: str, settings: str) -> str:
    return f"{command} {settings}" if settings and command.startswith("kobai ") else command


def _strip_comment(line: str) -> str:
    # A '#' starts a comment outside quotes, as in the shell.
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def same_text(actual: str, expected: str, tolerance: float | None) -> str | None:
    """None if ``actual`` reads as ``expected`` (numbers within tolerance), else why not."""
    got = [line.rstrip() for line in actual.splitlines() if line.strip()]
    want = [line.rstrip() for line in expected.splitlines() if line.strip()]
    if len(got) != len(want):
        return f"{len(got)} lines of output, the README shows {len(want)}:\n{actual}"
    for g, w in zip(got, want, strict=True):
        problem = same_line(g, w, tolerance)
        if problem:
            return f"{problem}\n  README: {w}\n  actual: {g}"
    return None


def same_line(actual: str, expected: str, tolerance: float | None) -> str | None:
    actual, expected = (TIMESTAMP.sub("<time>", DURATION.sub("<s>", t)) for t in (actual, expected))
    if NUMBER.sub("#", actual).split() != NUMBER.sub("#", expected).split():
        return "the words differ"
    for a, e in zip(NUMBER.findall(actual), NUMBER.findall(expected), strict=True):
        allowed = tolerance if tolerance is not None else shown_precision(e)
        if abs(float(a) - float(e)) > allowed * (1 + 1e-9):
            return f"{a} is not {e} (allowed difference {allowed:g})"
    return None


def shown_precision(number: str) -> float:
    """Half a unit of the last digit shown: ``"0.9590"`` -> 5e-5, ``"3."`` -> 0.5."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def states_a_value(comment: str, printed: str) -> bool:
    """Whether a comment after an expression states its value (a number, or the start of how
    the value prints, ``array(``/``tensor(``/``[``) rather than describing it in prose."""
    head = re.match(r"[\w.]*\(|[\[{'\"]", printed)
    return bool(NUMBER.fullmatch(comment) or (head and comment.startswith(head.group())))
