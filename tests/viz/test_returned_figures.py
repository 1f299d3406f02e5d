"""Figure functions given no path return the matplotlib Figure, released from pyplot: nothing
is written, no window is left open, and a notebook shows it once as the cell's value."""

import importlib
import inspect
import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from kobai.data import make_single_neuron
from kobai.landscape import descend, get_function, neuron
from kobai.models.anomaly import evaluate_detection
from kobai.train.history import History

MODULES = ("activations", "autoencoder", "curves", "derivatives", "descent", "descent_surface",
           "landscape", "neuron")  # fmt: skip
NOT_FIGURES = {"plot_values"}  # draws on an axes it is given


def figure_functions() -> list[tuple[str, object]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(f"kobai.viz.{name}")
        for attr, fn in vars(module).items():
            if (
                attr.startswith("plot_")
                and attr not in NOT_FIGURES
                and fn.__module__ == module.__name__
            ):
                found.append((attr, fn))
    return found


def test_every_figure_function_can_be_called_without_a_path() -> None:
    functions = dict(figure_functions())
    assert len(functions) == 20
    for name, fn in functions.items():
        params = inspect.signature(fn).parameters
        where = params.get("path") or params["out_dir"]
        assert where.default is None, name


def history() -> History:
    h = History()
    for e in (1, 2, 3):
        h.append_epoch({"epoch": e, "train_loss": 1 / e, "val_loss": 1.2 / e, "wall_time": e})
    return h


def line() -> SimpleNamespace:
    alphas = np.linspace(-1, 1, 9)
    return SimpleNamespace(alphas=alphas, loss=0.1 + alphas**2, metric=1 - alphas**2 / 2,
                           metric_name="accuracy")  # fmt: skip


def surface() -> SimpleNamespace:
    x, y = np.meshgrid(np.linspace(-1, 1, 9), np.linspace(-2, 2, 9))
    loss = 0.1 + x**2 + y**2
    return SimpleNamespace(xs=x[0], ys=y[:, 0], loss=loss, metric=np.zeros_like(loss),
                           metric_name="accuracy")  # fmt: skip


def detections() -> dict:
    rng = np.random.default_rng(0)
    normal, anomalous = rng.gamma(2.0, 1.0, 60), rng.gamma(2.0, 1.0, 20) + 2.0
    return {"autoencoder": evaluate_detection(normal, anomalous, threshold=3.0)}


def neuron_inputs() -> tuple:
    x, t = make_single_neuron(30, noise=0.05, rng=0)
    w, b = np.linspace(-2, 6, 21), np.linspace(-5, 3, 21)
    return w, b, neuron.loss_grid(x, t, w, b), neuron.descend_neuron(x, t, (-1.5, 2.5), 2.0, 10)


def calls() -> dict:
    from kobai.viz import (
        activations,
        autoencoder,
        curves,
        derivatives,
        descent,
        descent_surface,
        landscape,
    )
    from kobai.viz import neuron as neuron_figures

    f = get_function("himmelblau")
    runs = descend(f, ["sgd", "adam"], steps=5)
    quadratic = descend("quadratic", ["sgd"], lr=0.1, steps=5)
    images = np.random.default_rng(0).random((4, 8, 8))
    codes = np.random.default_rng(1).normal(size=(20, 2))
    table = [{"k": k, "autoencoder_mse": 1 / k, "pca_mse": 1.2 / k, "normal": str(k),
              "autoencoder_auc": 0.9, "pca_auc": 0.8} for k in (1, 2)]  # fmt: skip
    run = SimpleNamespace(line=line(), interpolation=line(), surface=surface(), title="t",
                          samples=100, axis_labels=("d1", "d2"), mode="random",
                          trajectory=None, epochs=None)  # fmt: skip
    return {
        "plot_activations": lambda: activations.plot_activations(names=["relu", "tanh"]),
        "plot_activation_derivatives": lambda: derivatives.plot_activation_derivatives(
            order=1, names=["tanh"]
        ),
        "plot_learning_curves": lambda: curves.plot_learning_curves(history()),
        "plot_race": lambda: descent.plot_race(f, runs),
        "plot_descent_1d": lambda: descent.plot_descent_1d(get_function("quadratic"), quadratic),
        "plot_surface": lambda: descent_surface.plot_surface(f, runs, n=21),
        "plot_loss_line": lambda: landscape.plot_loss_line(line()),
        "plot_interpolation": lambda: landscape.plot_interpolation(line()),
        "plot_loss_contour": lambda: landscape.plot_loss_contour(surface()),
        "plot_loss_surface": lambda: landscape.plot_loss_surface(surface()),
        "plot_run_landscape": lambda: landscape.plot_run_landscape(run),
        "plot_image_rows": lambda: autoencoder.plot_image_rows({"a": images, "b": images}),
        "plot_score_histograms": lambda: autoencoder.plot_score_histograms(detections()),
        "plot_roc_curves": lambda: autoencoder.plot_roc_curves(detections()),
        "plot_extremes": lambda: autoencoder.plot_extremes(images, np.arange(4.0), n=2),
        "plot_latent_scatter": lambda: autoencoder.plot_latent_scatter(
            {"autoencoder": codes}, np.arange(20) % 3
        ),
        "plot_reduction_errors": lambda: autoencoder.plot_reduction_errors(table),
        "plot_auc_by_class": lambda: autoencoder.plot_auc_by_class(table),
        "plot_neuron_landscape": lambda: neuron_figures.plot_neuron_landscape(*neuron_inputs()),
        "plot_batch_modes": lambda: neuron_figures.plot_batch_modes(
            *neuron_inputs()[:3], [neuron_inputs()[3]]
        ),
    }


def test_the_calls_below_cover_every_figure_function() -> None:
    assert sorted(calls()) == sorted(name for name, _ in figure_functions())


@pytest.mark.parametrize("name", sorted(calls()))
def test_without_a_path_a_figure_is_returned_drawn_and_released(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    from kobai.viz.style import pyplot

    plt = pyplot()
    plt.close("all")
    monkeypatch.chdir(tmp_path)
    result = calls()[name]()
    figures = list(result.values()) if isinstance(result, dict) else [result]
    assert figures and all(isinstance(fig, Figure) for fig in figures)
    assert plt.get_fignums() == []  # released: the inline backend will not show it again
    assert list(tmp_path.iterdir()) == []  # nothing written
    for fig in figures:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n" and len(buffer.getvalue()) > 1000


def test_a_graph_figure_is_released_too() -> None:
    import kobai as kb
    from kobai.viz.style import pyplot

    plt = pyplot()
    plt.close("all")
    w = kb.tensor(0.5, dtype="float64", requires_grad=True)
    fig = kb.viz.graph((w * 3.0).sigmoid(), params={"w": w}).figure()
    assert plt.get_fignums() == [] and len(fig.axes) == 1


def test_a_short_runs_epoch_axis_has_whole_epochs_only() -> None:
    from kobai.train.history import History
    from kobai.viz.curves import plot_learning_curves

    history = History()
    for epoch, loss in enumerate([0.9, 0.5, 0.3], start=1):
        history.append_epoch({"epoch": epoch, "train_loss": loss, "val_loss": loss + 0.1})
    fig = plot_learning_curves(history)
    ticks = [t for t in fig.axes[0].get_xticks() if 1 <= t <= 3]
    assert ticks == [1.0, 2.0, 3.0]
