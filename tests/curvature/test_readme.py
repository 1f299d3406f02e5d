"""The README's curvature section runs as written."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Curvature")
    return text[start : text.index("\n## ", start + 1)]


def test_the_python_block_runs():
    (block,) = re.findall(r"```python\n(.*?)```", _section(), flags=re.S)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["top"].eigenvalues.shape == (3,)
    grid, values = namespace["density"].grid, namespace["density"].density
    mass = float(np.sum(0.5 * (values[1:] + values[:-1]) * np.diff(grid)))
    assert abs(mass - 1) < 1e-6


def test_the_commands_are_real_options():
    (block,) = re.findall(r"```bash\n(.*?)```", _section(), flags=re.S)
    from kobai.cli.main import build_parser

    parser = build_parser()
    for line in block.strip().splitlines():
        words = line.split()
        assert words[0] == "kobai"
        parser.parse_args(words[1:])
