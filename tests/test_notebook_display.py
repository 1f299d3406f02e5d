"""In a Jupyter kernel: a History, a model summary and a Tensor show as HTML, a figure function's
Figure shows once as a PNG (a sweep's too), the race animation as one JavaScript player (no still
picture beside it), and training shows a progress widget without warnings."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CELLS = [
    """
import numpy as np
import kobai as kb
from kobai import nn, optim
from kobai.viz import plot_learning_curves

rng = np.random.default_rng(0)
x = rng.normal(size=(64, 3)).astype(np.float32)
y = (x[:, 0] > 0).astype(np.int64)
model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=0))
history = kb.fit(model, (x[:48], y[:48]), val=(x[48:], y[48:]), loss=nn.CrossEntropyLoss(),
                 optimizer=optim.SGD(model.parameters(), lr=0.1), batch_size=8, epochs=3, rng=0)
""",
    "history",
    "nn.summary(model, (3,), print_fn=None)",
    "kb.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True) * 2",
    "plot_learning_curves(history)",
    "fig = plot_learning_curves(history)",
    "fig",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);",
    """
from kobai.landscape import descend, get_function
from kobai.viz import animate_race

f = get_function("himmelblau")
animate_race(f, descend(f, ["sgd", "adam"], steps=12), max_frames=6, dpi=40)
""",
    """
from kobai.sweep import SweepResults, parse_plan

plan = parse_plan({"base": {"data": "xor", "model": "mlp:4"},
                   "axes": {"optimizer": ["sgd", "adam"], "lr": [0.1, 1.0]}, "seeds": 2})
results = SweepResults([{"key": c.key, "config_key": c.config_key, **c.params, "status": "done",
                         "metrics": {"val_loss": c.params["lr"] + c.replicate / 10}}
                        for c in plan.cells()], ".", plan)
results.plot_heatmap("optimizer", "lr")
""",
]


def execute(cells: list[str], where: Path) -> list:
    """Run ``cells`` in a fresh kernel (the backend left to it, as Jupyter does); their outputs."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source.strip()) for source in cells]
    )
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "MPLBACKEND")}
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), saved["PYTHONPATH"] or ""])
    os.environ.pop("MPLBACKEND", None)  # ipykernel then chooses its inline backend
    try:
        client = nbclient.NotebookClient(
            notebook, timeout=300, kernel_name="python3",
            resources={"metadata": {"path": str(where)}},
        )  # fmt: skip
        client.execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return [cell.outputs for cell in notebook.cells]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> list:
    return execute(CELLS, tmp_path_factory.mktemp("display"))


def kinds(outputs: list) -> list[str]:
    """The richest MIME type of each display (or the stream's name)."""
    found = []
    for o in outputs:
        if o.output_type == "stream":
            found.append(o.name)
        elif o.output_type == "error":
            found.append("error")
        else:
            data = o.get("data", {})
            rich = [k for k in data if k != "text/plain"]
            found.append(rich[0] if rich else "text/plain")
    return found


def test_training_shows_a_progress_widget_and_no_warning(executed: list) -> None:
    pytest.importorskip("ipywidgets")
    assert "error" not in kinds(executed[0])
    assert "stderr" not in kinds(executed[0])  # no "IProgress not found" or any other
    assert "application/vnd.jupyter.widget-view+json" in kinds(executed[0])


def test_history_summary_and_tensor_show_as_html(executed: list) -> None:
    for index, css in ((1, "kobai-history"), (2, "kobai-summary"), (3, "kobai-tensor")):
        outputs = executed[index]
        assert kinds(outputs) == ["text/html"], index
        assert f'<div class="kobai-{css[6:]}">' in outputs[0]["data"]["text/html"]
    assert "History: 3 epochs" in executed[1][0]["data"]["text/html"]
    assert "<td>&lt;Mul&gt;</td>" in executed[3][0]["data"]["text/html"]


def test_a_returned_figure_shows_exactly_once(executed: list) -> None:
    assert kinds(executed[4]) == ["image/png"]
    assert kinds(executed[5]) == []  # assigned, not shown: pyplot does not show it either
    assert kinds(executed[6]) == ["image/png"]
    assert kinds(executed[7]) == ["image/png"]  # the kernel's backend is the inline one


def test_an_animation_shows_once_as_a_player_and_no_still_picture(executed: list) -> None:
    import re

    outputs = executed[8]
    assert kinds(outputs) == ["text/html"]
    html = outputs[0]["data"]["text/html"]
    frames = re.findall(r'frames\[(\d+)\] = "data:image/png;base64,', html)
    assert frames == ["0", "1", "2", "3", "4", "5"] and "new Animation(frames" in html


def test_a_sweep_figure_shows_once(executed: list) -> None:
    assert kinds(executed[9]) == ["image/png"]


def test_without_ipywidgets_training_shows_the_text_bar_without_a_warning(tmp_path: Path) -> None:
    hidden = 'import sys\nsys.modules["ipywidgets"] = None  # as if it were not installed'
    outputs = execute([hidden, CELLS[0]], tmp_path)[1]
    streams = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "error" not in kinds(outputs)
    assert "step" in streams and "IProgress" not in streams and "Warning" not in streams
