"""Every block of README.md runs as written and shows what the README says it shows.

The rules (which blocks run, how a slow block is marked, how numbers are compared) are in
``tests/readme_blocks.py``. The blocks run in the README's order in one scratch folder, with
``kobai`` and ``python`` meaning this checkout; the files a newcomer brings (``mydata.csv``,
``digits.npy``) are made there first.
"""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .readme_blocks import SKIPPED, Block, blocks, commands, quick, same_text, states_a_value

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCKS = blocks(README)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A scratch folder standing for a newcomer's clone, the environment and one namespace."""
    folder = tmp_path_factory.mktemp("readme")
    # The README speaks from a clone: the repository's files are there to read (examples/...).
    for name in ("examples", "scripts", "docs", "bench", "src", "pyproject.toml"):
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    bin_dir = folder / ".bin"
    bin_dir.mkdir()
    for name, target in (("kobai", "-m kobai"), ("python", "")):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" {target} "$@"\n')
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT / "src"))
    env["PATH"] = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env["PATH"]])
    from kobai.data import load_mnist_subset, make_moons

    x, y = make_moons(300, noise=0.2, rng=0)
    rows = ["x1,x2,label", *(f"{a:.5f},{b:.5f},{c}" for (a, b), c in zip(x, y, strict=True))]
    (folder / "mydata.csv").write_text("\n".join(rows) + "\n")
    np.save(folder / "digits.npy", load_mnist_subset("test")[0][:5])
    return {"folder": folder, "env": env, "namespace": {"__name__": "__readme__"}}


def shell(command: str, clone: dict[str, Any]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command], cwd=clone["folder"], env=clone["env"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_readme_block(block: Block, clone: dict[str, Any]) -> None:
    if block.kind == "bash":
        ran = [c for c, _ in commands(block) if c]
        if not ran:
            pytest.skip("; ".join(s for _, skipped in commands(block) for s in skipped))
        for command in ran:
            done = shell(command, clone)
            assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
    elif block.kind == "output":
        first, _, expected = block.text.partition("\n")
        command = quick(first.removeprefix("$ ").strip(), block.quick)
        done = shell(command, clone)
        assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
        tolerance = float("inf") if block.quick else block.tolerance
        problem = same_text(done.stdout, expected, tolerance)
        assert problem is None, f"$ {command}: {problem}"
    else:
        run_python(block, clone)


def run_python(block: Block, clone: dict[str, Any]) -> None:
    namespace, here = clone["namespace"], os.getcwd()
    os.chdir(clone["folder"])
    try:
        if block.text.lstrip().startswith(">>>"):
            for source, expected in doctest_examples(block.text):
                value = evaluate(source, namespace)
                problem = same_text(repr(value), expected, block.tolerance)
                assert problem is None, f">>> {source}\n{problem}"
        else:
            run_statements(block, namespace)
    finally:
        os.chdir(here)


def run_statements(block: Block, namespace: dict[str, Any]) -> None:
    lines = block.text.splitlines()
    for stmt in ast.parse(block.text).body:
        source = ast.get_source_segment(block.text, stmt) or ""
        if not isinstance(stmt, ast.Expr):
            exec(compile(ast.Module([stmt], []), "README.md", "exec"), namespace)
            continue
        value = evaluate(source, namespace)
        last = lines[(stmt.end_lineno or 1) - 1]
        hash_at = last.find("#", stmt.end_col_offset or 0)
        # "# 0.9315 (held-out accuracy)": the value, then a note in parentheses
        comment = last[hash_at + 1 :].split(" (")[0].strip() if hash_at >= 0 else ""
        if value is not None and comment and states_a_value(comment, repr(value)):
            problem = same_text(repr(value), comment, block.tolerance)
            assert problem is None, f"README line {block.line + stmt.lineno - 1}: {problem}"


def evaluate(source: str, namespace: dict[str, Any]) -> Any:
    try:
        code = compile(source, "README.md", "eval")
    except SyntaxError:
        exec(compile(source, "README.md", "exec"), namespace)
        return None
    return eval(code, namespace)


def doctest_examples(text: str) -> list[tuple[str, str]]:
    """``(source, expected output)`` of each ``>>>`` example."""
    examples: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line.startswith(">>> "):
            examples.append((line[4:].split("  #")[0].strip(), ""))
        elif line.startswith("... ") and examples:
            source, _ = examples[-1]
            examples[-1] = (source + "\n" + line[4:], "")
        elif line.strip() and examples:
            source, out = examples[-1]
            examples[-1] = (source, (out + "\n" + line).strip())
    return examples


def test_the_extractor_finds_every_kind_of_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "text\n```bash\nkobai train --data moons \\\n    --model mlp:8   # a comment\n"
        "pip install . && kobai evaluate 'runs/a # b'\n```\n"
        '<!-- readme-test: quick="--epochs 1" tolerance=0.01 -->\n'
        "```bash\nkobai train\n```\n```python\nx = 1\n```\n"
        "```\n$ kobai train\ntest 0.9590\n```\n```\nnot code\n```\n"
    )
    found = blocks(readme)
    assert [(b.kind, b.line) for b in found] == [
        ("bash", 3), ("bash", 9), ("python", 12), ("output", 15)
    ]  # fmt: skip
    assert commands(found[0]) == [
        ("kobai train --data moons      --model mlp:8", []),
        ("kobai evaluate 'runs/a # b'", [f"pip install .: {SKIPPED['pip install']}"]),
    ]  # fmt: skip
    assert commands(found[1]) == [("kobai train --epochs 1", [])]
    assert found[1].tolerance == 0.01 and found[0].tolerance is None


def test_numbers_are_compared_to_the_digits_shown() -> None:
    assert same_text("test 0.95904\n", "test 0.9590", None) is None
    assert same_text("test 0.95906\n", "test 0.9590", None) is not None
    assert same_text("test 0.951\n", "test 0.9590", 0.01) is None
    assert same_text("time: 64.2 s for 15 epochs", "time: 10.1 s for 15 epochs", None) is None
    assert same_text("-> runs/20261203-071500", "-> runs/20261123-041543", None) is None
    assert same_text("train 0.9 accuracy", "train 0.9 loss", None) == (
        "the words differ\n  README: train 0.9 loss\n  actual: train 0.9 accuracy"
    )
    grad = "array([3., 5., 7.], dtype=float32)"
    assert same_text(grad, grad, None) is None


def test_prose_comments_are_not_values() -> None:
    assert states_a_value("0.9315", "0.9314999")
    assert states_a_value("array([3., 5., 7.], dtype=float32)", "array([3., 5., 7.])")
    assert not states_a_value("diag(6, 12)", "tensor([[ 6.,  0.],\n [ 0., 12.]])")
    assert not states_a_value("reverse mode: dy/dx", "None")
