"""The sweep's figures with no path: the Figure, released from pyplot (a notebook shows it once),
its lines, labels and numbers those of the results; through ``SweepResults``' methods too."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kobai.sweep import SweepResults
from kobai.sweep import figures as sf

from .test_report import MEANS, synthetic

HALF = 4.303 * 0.01 / math.sqrt(3)  # the 95% half-width of three seeds 0.01 apart


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """pyplot with no figure open, in an empty folder; afterwards both are still so."""
    from kobai.viz.style import pyplot

    plt = pyplot()
    plt.close("all")
    monkeypatch.chdir(tmp_path)
    yield
    assert plt.get_fignums() == []  # released: the inline backend will not show it again
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_metric_by_a_numeric_axis_has_one_line_per_optimizer(released: None) -> None:
    from matplotlib.figure import Figure

    fig = synthetic().plot_metric_by_axis("lr")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["optimizer=sgd", "optimizer=adam"]
    sgd, adam = ax.lines
    assert sgd.get_xdata().tolist() == [0.01, 0.1, 1.0]
    assert sgd.get_ydata() == pytest.approx([0.9, 0.2, 0.25])
    assert adam.get_ydata() == pytest.approx([0.3, 0.1, 0.5])
    (band, _) = ax.collections  # the sgd band: mean -+ the 95% half-width
    lows = band.get_paths()[0].vertices[:, 1]
    assert lows.min() == pytest.approx(0.2 - HALF) and lows.max() == pytest.approx(0.9 + HALF)
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "lr"
    assert ax.get_ylabel() == "final val_loss"
    assert ax.get_title().startswith("val_loss against lr: mean and 95% interval")


def test_metric_by_a_categorical_axis_is_points_with_whiskers(released: None) -> None:
    fig = sf.plot_metric_by_axis(synthetic(), "optimizer")
    (ax,) = fig.axes
    points = ax.containers[0].lines[0]  # the errorbar's data line: the best lr of each
    assert points.get_xdata().tolist() == [0.0, 1.0] and points.get_ydata() == pytest.approx(
        [0.2, 0.1]
    )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sgd", "adam"]
    assert ax.get_legend().get_texts()[0].get_text() == "best over the other axes"


def test_heatmap_holds_the_means_and_marks_a_diverged_configuration(released: None) -> None:
    fig = synthetic(diverged=("adam", 0.1)).plot_heatmap("optimizer", "lr")
    ax, colorbar = fig.axes
    grid = ax.images[0].get_array()
    assert grid.shape == (2, 3)
    assert grid[0].tolist() == pytest.approx([0.9, 0.2, 0.25])
    assert grid[1, 0] == pytest.approx(0.3) and grid.mask[1, 1] and grid[1, 2] == pytest.approx(0.5)
    assert [t.get_text() for t in ax.texts] == ["0.9", "0.2", "0.25", "0.3", "diverged", "0.5"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.01", "0.1", "1"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("lr", "optimizer")
    assert colorbar.get_ylabel() == "mean final val_loss"


def test_learning_curves_from_histories_one_panel_per_optimizer(released: None) -> None:
    results = synthetic()
    # Epoch 1 at 1 + the final value, epoch 2 at the final value.
    histories = {r["key"]: [{"epoch": 1, "val_loss": 1 + r["metrics"]["val_loss"]},
                            {"epoch": 2, "val_loss": r["metrics"]["val_loss"]}]
                 for r in results}  # fmt: skip
    fig = sf.plot_learning_curves(results, histories)
    assert [ax.get_title() for ax in fig.axes] == ["optimizer=sgd", "optimizer=adam"]
    for ax, optimizer in zip(fig.axes, ("sgd", "adam"), strict=True):
        assert [line.get_label() for line in ax.lines] == ["lr=0.01", "lr=0.1", "lr=1.0"]
        for line, lr in zip(ax.lines, (0.01, 0.1, 1.0), strict=True):
            mean = MEANS[(optimizer, lr)]
            assert line.get_xdata().tolist() == [1, 2]
            assert line.get_ydata() == pytest.approx([1 + mean, mean])
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "val_loss"


def test_learning_curves_read_the_store_of_a_real_sweep(kill_reference: SweepResults) -> None:
    from kobai.viz.style import pyplot

    pyplot().close("all")
    fig = kill_reference.plot_learning_curves()
    assert pyplot().get_fignums() == []
    metric = sf.curve_metric({r["key"]: kill_reference.history(r["key"])
                              for r in kill_reference}, kill_reference.plan.metric)  # fmt: skip
    assert [ax.get_title() for ax in fig.axes] == ["optimizer=sgd", "optimizer=adam"]
    sgd_first = fig.axes[0].lines[0]  # sgd at lr 0.1: the mean of its two seeds per epoch
    assert sgd_first.get_label() == "lr=0.1" and len(fig.axes[0].lines) == 2
    cells = [r for r in kill_reference if r["config_key"] == "optimizer=sgd,lr=0.1"]
    per_seed = np.array([[row[metric] for row in kill_reference.history(r["key"])]
                         for r in cells])  # fmt: skip
    assert per_seed.shape == (2, 15)
    assert sgd_first.get_xdata().tolist() == list(range(1, 16))
    np.testing.assert_allclose(sgd_first.get_ydata(), per_seed.mean(axis=0), rtol=1e-12)


def test_with_a_path_the_png_and_svg_are_written(tmp_path: Path) -> None:
    written = synthetic().plot_heatmap("optimizer", "lr", tmp_path / "heat")
    assert [p.name for p in written] == ["heat.png", "heat.svg"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_axis_or_goal_is_one_clear_line() -> None:
    with pytest.raises(ValueError, match=r"^axis must be an axis of the sweep \(optimizer, lr\), "
                                         r"got 'momentum'$"):  # fmt: skip
        synthetic().plot_metric_by_axis("momentum")
    with pytest.raises(ValueError, match=r"^columns must be an axis of the sweep"):
        synthetic().plot_heatmap("optimizer", "batch_size")
    with pytest.raises(ValueError, match=r"goal must be one of"):
        synthetic().plot_metric_by_axis("lr", goal="lowest")


def test_learning_curves_mark_whole_epochs_only(released: None) -> None:
    results = synthetic()
    histories = {r["key"]: [{"epoch": e, "val_loss": 1.0 / e} for e in (1, 2, 3)]
                 for r in results}  # fmt: skip
    fig = sf.plot_learning_curves(results, histories)
    for ax in fig.axes:
        low, high = ax.get_xlim()
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        assert ticks == [1.0, 2.0, 3.0]
