"""Learning curves of one or several runs, against epoch and against wall time."""

from pathlib import Path

import numpy as np
import pytest

from kobai.train.history import History
from kobai.viz import curves as C
from kobai.viz import style


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list:
    kept: list = []
    real = style.save_figure

    def keep(fig, path, *, formats=("png",)):  # type: ignore[no-untyped-def]
        kept.append(fig)
        return real(fig, path, formats=formats)

    monkeypatch.setattr(style, "save_figure", keep)
    return kept


def history(losses: list[float], seconds: float, *, val: bool = True) -> History:
    h = History()
    for epoch, loss in enumerate(losses, start=1):
        row = {"epoch": epoch, "train_loss": loss, "train_accuracy": 1 - loss / 3}
        if val:
            row.update({"val_loss": loss * 1.1, "val_accuracy": 1 - loss / 2.5})
        row["wall_time"] = seconds * epoch
        h.append_epoch(row)
    return h


def test_one_run_as_kobai_train_draws_it(tmp_path: Path, figures: list) -> None:
    files = C.plot_learning_curves(
        history([1.0, 0.5, 0.4], 0.2), tmp_path / "lc", title="mlp on moons", formats=("png", "svg")
    )
    assert [f.name for f in files] == ["lc.png", "lc.svg"]
    assert files[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    loss_ax, acc_ax = figures[0].axes
    assert loss_ax.get_xlabel() == "epoch" and acc_ax.get_ylabel() == "accuracy"
    train, val = loss_ax.lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(val.get_ydata(), [1.1, 0.55, 0.44])
    assert train.get_linestyle() == "-" and val.get_linestyle() == "--"
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["train", "validation"]
    assert figures[0]._suptitle.get_text() == "mlp on moons"


def test_several_runs_against_wall_time(tmp_path: Path, figures: list) -> None:
    runs = {"sgd, lr=0.1": history([2.0, 1.0], 0.5), "adam, lr=0.001": history([2.0, 0.02], 1.5)}
    C.plot_learning_curves(runs, tmp_path / "cmp", x="time")
    loss_ax = figures[0].axes[0]
    assert loss_ax.get_xlabel() == "wall time (s)"
    np.testing.assert_allclose(loss_ax.lines[2].get_xdata(), [1.5, 3.0])
    assert loss_ax.lines[0].get_color() != loss_ax.lines[2].get_color()
    assert loss_ax.get_yscale() == "log"  # 2.0 down to 0.02 spans two decades
    legend = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert legend == ["sgd, lr=0.1", "adam, lr=0.001", "train", "validation"]


def test_runs_without_validation_or_time(tmp_path: Path) -> None:
    h = history([1.0, 0.9], 0.1, val=False)
    C.plot_learning_curves(h, tmp_path / "a")
    bare = History()
    bare.append_epoch({"epoch": 1, "train_loss": 1.0})
    with pytest.raises(ValueError, match="no wall_time column"):
        C.plot_learning_curves({"old": bare}, tmp_path / "b", x="time")
    with pytest.raises(ValueError, match="x must be one of epoch, time, got 'step'"):
        C.plot_learning_curves(h, tmp_path / "c", x="step")
    with pytest.raises(ValueError, match="no history"):
        C.plot_learning_curves({}, tmp_path / "d")


def config(**changes: object) -> dict:
    base = {"optimizer": "sgd", "lr": 0.1, "batch_size": 64, "model": "mlp:8", "seed": 0}
    return {**base, **changes}


def test_labels_name_the_optimiser_its_learning_rate_and_what_differs() -> None:
    assert C.describe_runs([config()], ["r"]) == ["sgd, lr=0.1, batch 64"]
    assert C.describe_runs([config(lr=0.1), config(lr=0.01)], ["a", "b"]) == [
        "sgd, lr=0.1",
        "sgd, lr=0.01",
    ]
    modes = [config(batch_size="full"), config(batch_size=32), config(batch_size=1)]
    assert C.describe_runs(modes, ["a", "b", "c"]) == [
        "sgd, lr=0.1, full batch",
        "sgd, lr=0.1, batch 32",
        "sgd, lr=0.1, stochastic (batch 1)",
    ]
    optimisers = [config(optimizer="momentum", lr=None), config(optimizer="adam", lr=None)]
    assert C.describe_runs(optimisers, ["a", "b"]) == ["momentum, lr=0.001", "adam, lr=0.001"]
    assert C.describe_runs([config(), config()], ["first", "second"]) == ["first", "second"]
    with pytest.raises(ValueError, match="2 configs but 1 names"):
        C.describe_runs([config(), config()], ["a"])


def test_held_out_name_and_long_legends_below_the_panels(tmp_path: Path, figures: list) -> None:
    C.plot_learning_curves(history([1.0, 0.5], 0.2), tmp_path / "one", held_out="test")
    assert [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()] == ["train", "test"]
    runs = {f"adam, lr=0.00{i}, batch 64, mlp:512,256, dropout=0.2": history([1.0, 0.5], 0.2)
            for i in range(1, 4)}  # fmt: skip
    C.plot_learning_curves(runs, tmp_path / "many", held_out="test")
    fig = figures[1]
    assert all(ax.get_legend() is None for ax in fig.axes)  # no panel is covered
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()][-2:] == ["train", "test"]
