"""examples/notebooks/: up to date, stripped, and every notebook runs from a fresh kernel."""

import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))


def builder():
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", ROOT / "scripts" / "build_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_source_has_an_english_and_a_japanese_notebook():
    names = {p.name for p in NOTEBOOKS}
    for stem in ("000_", "001_", "002_", "003_", "004_", "autoencoders"):
        english = [n for n in names if n.startswith(stem) and not n.endswith(".ja.ipynb")]
        assert len(english) == 1, stem
        assert english[0].replace(".ipynb", ".ja.ipynb") in names


def test_committed_notebooks_are_what_the_builder_writes_and_carry_no_outputs():
    files = builder().paths()
    assert sorted(files) == NOTEBOOKS
    for path, text in files.items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name}: run scripts/build_notebooks.py"
        )
        for cell in json.loads(text)["cells"]:
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


def test_both_editions_share_their_code_and_the_japanese_one_is_japanese():
    for path in NOTEBOOKS:
        if path.name.endswith(".ja.ipynb"):
            continue
        en = json.loads(path.read_text(encoding="utf-8"))["cells"]
        ja = json.loads(
            path.with_name(path.name.replace(".ipynb", ".ja.ipynb")).read_text("utf-8")
        )["cells"]
        assert [c["source"] for c in en if c["cell_type"] == "code"] == [
            c["source"] for c in ja if c["cell_type"] == "code"
        ]
        prose = "".join("".join(c["source"]) for c in ja if c["cell_type"] == "markdown")
        assert sum("\u3040" <= ch <= "\u30ff" for ch in prose) > 50, path.name  # kana


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_from_a_fresh_kernel(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    # The kernel imports kobai from this checkout, whatever is installed.
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    )
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    images = [
        o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    svgs = [
        o
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "image/svg+xml" in o.get("data", {})
    ]
    assert images or svgs, f"{path.name} shows no figure"
    print(f"{path.name}: {elapsed:.1f} s", file=sys.stderr)
