"""Log axes of the study figures: tick labels that never overlap."""

import numpy as np

from kobai.viz.studies._axes import log_scale
from kobai.viz.studies.training import curves_by_epoch_and_time, mean_curves


def labels_and_overlaps(fig, axis):  # type: ignore[no-untyped-def]
    fig.canvas.draw()
    ticks = [*axis.get_major_ticks(), *axis.get_minor_ticks()]
    shown = [t.label1 for t in ticks if t.label1.get_visible() and t.label1.get_text()]
    boxes = [t.get_window_extent() for t in shown]
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    return sorted(t.get_text() for t in shown), overlaps


def test_a_time_axis_over_two_decades_labels_2_and_5_only() -> None:
    runs = {
        "full batch": {"y": np.array([2.3, 2.2, 2.1]), "time": np.array([0, 0.06, 0.12])},
        "stochastic": {"y": np.array([2.3, 1.0, 0.7]), "time": np.array([0, 2.0, 5.0])},
    }
    fig = curves_by_epoch_and_time(runs, ylabel="test loss", title="t")
    right = fig.axes[1]
    texts, overlaps = labels_and_overlaps(fig, right.xaxis)
    assert overlaps == 0
    assert {"0.1", "0.2", "0.5", "1", "2", "5"} <= set(texts)
    assert not any(t.startswith(("3", "4", "0.3", "0.4", "0.06")) for t in texts)


def test_wide_log_axes_label_powers_of_ten_only() -> None:
    from kobai.viz.style import pyplot

    fig, ax = pyplot().subplots()
    ax.plot([1e-6, 1e2], [1, 2])
    log_scale(ax, "x")
    texts, overlaps = labels_and_overlaps(fig, ax.xaxis)
    assert overlaps == 0 and "0.2" not in texts and "1e-06" in texts


def test_near_identical_mean_curves_are_named() -> None:
    mean = np.array([2.3, 1.2, 0.76])
    fig = mean_curves(
        {"test loss": {"adagrad": (mean, mean * 0), "rmsprop": (mean + 0.002, mean * 0),
                       "sgd": (mean + 1, mean * 0)}}, title="t",
    )  # fmt: skip
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["adagrad", "rmsprop (dashed: same as adagrad)", "sgd"]


def test_peak_labels_keep_off_the_curves_and_the_legend() -> None:
    from kobai.viz.activations import _panel
    from kobai.viz.style import pyplot

    x = np.linspace(-5, 5, 801)
    for name, side in (("sigmoid", "left"), ("tanh", "right")):
        fig, ax = pyplot().subplots()
        _panel(ax, name, x)
        fig.canvas.draw()
        (label,) = ax.texts
        assert label.get_horizontalalignment() == side  # tanh's curve rises through the right
        box = label.get_window_extent()
        assert not box.overlaps(ax.get_legend().get_window_extent())
        (f_line,) = [line for line in ax.lines if line.get_label() == "f(x)"]
        curve = ax.transData.transform(np.c_[x, f_line.get_ydata()])
        assert not any(box.contains(px, py) for px, py in curve)
