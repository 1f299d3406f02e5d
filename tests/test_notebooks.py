"""examples/notebooks/: up to date, stripped, and every notebook runs from a fresh kernel."""

import importlib.util
import io
import json
import os
import sys
import time
import tokenize
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


def code_shape(source: list[str]) -> list[tuple[int, str]]:
    """A cell's tokens with every string literal and comment blanked: what must be the same
    in both editions (the Japanese one prints Japanese text)."""
    blank = {tokenize.STRING: "''", tokenize.COMMENT: ""}
    tokens = tokenize.generate_tokens(io.StringIO("".join(source)).readline)
    return [(t.type, blank.get(t.type, t.string)) for t in tokens if t.type != tokenize.COMMENT]


def test_both_editions_share_their_code_and_the_japanese_one_is_japanese():
    for path in NOTEBOOKS:
        if path.name.endswith(".ja.ipynb"):
            continue
        en = json.loads(path.read_text(encoding="utf-8"))["cells"]
        ja = json.loads(
            path.with_name(path.name.replace(".ipynb", ".ja.ipynb")).read_text("utf-8")
        )["cells"]
        en_code = [c["source"] for c in en if c["cell_type"] == "code"]
        ja_code = [c["source"] for c in ja if c["cell_type"] == "code"]
        # The Japanese edition sets the language at the end of its first code cell.
        assert ja_code[0][-1].startswith('kb.set_language("ja")'), path.name
        ja_code[0] = ja_code[0][:-1]
        ja_code[0][-1] = ja_code[0][-1].rstrip("\n")
        assert [code_shape(c) for c in en_code] == [code_shape(c) for c in ja_code], path.name
        prose = "".join("".join(c["source"]) for c in ja if c["cell_type"] == "markdown")
        assert sum("\u3040" <= ch <= "\u30ff" for ch in prose) > 50, path.name  # kana
        printed = "".join("".join(c) for c in ja_code)
        assert "largest" not in printed and "steps =" not in printed, path.name


#: What each notebook shows as rich output: figures as PNG (once each), the HTML tables of a
#: History, a model summary and a Tensor, and animations (a JavaScript player).
SHOWN = {
    "000_single_neuron": {"png": 2},
    "001_gradient_descent": {"png": 1, "kobai-history": 1, "kobai-tensor": 1},
    "002_learning_rate_and_minibatches": {"png": 1},
    "003_backprop_and_activations": {"png": 1, "kobai-summary": 1},
    "004_optimizers": {"png": 1, "animation": 1},
    "autoencoders": {"png": 1, "kobai-summary": 1, "kobai-history": 1},
}


def shown(cells: list) -> dict[str, int]:
    """How many PNG figures and kobai HTML tables the executed cells display."""
    counts: dict[str, int] = {}
    for output in (o for c in cells for o in c.get("outputs", [])):
        data = output.get("data", {})
        kinds = ["png"] if "image/png" in data else []
        html = data.get("text/html", "")
        kinds += [k for k in ("kobai-history", "kobai-summary", "kobai-tensor") if k in html]
        kinds += ["animation"] if 'class="anim-controls"' in html else []
        for kind in kinds:
            counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_from_a_fresh_kernel(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    # The kernel imports kobai from this checkout, whatever is installed.
    monkeypatch.delenv("MPLBACKEND", raising=False)  # ipykernel chooses its inline backend
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
    assert shown(notebook.cells) == SHOWN[path.name.split(".")[0]]
    print(f"{path.name}: {elapsed:.1f} s", file=sys.stderr)
    assert elapsed < 120, f"{path.name} took {elapsed:.0f} s to run"


def test_only_the_first_code_cell_carries_the_japanese_setup_even_when_repeated():
    cells = [("md", "a", "あ"), ("code", "x = 1\n"), ("md", "b", "い"), ("code", "x = 1\n")]
    build = builder()
    built = build.notebook(cells, "ja")["cells"]
    sources = ["".join(c["source"]) for c in built if c["cell_type"] == "code"]
    assert sources[0] == ("x = 1\n" + build.SETUP_JA).rstrip("\n")
    assert sources[1] == "x = 1"
