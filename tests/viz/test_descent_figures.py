"""Figures of descent, the single neuron and the activations: written, valid, labelled."""

from pathlib import Path

import numpy as np
import pytest

from kobai.data import make_single_neuron
from kobai.landscape import descend, get_function, neuron
from kobai.viz.activations import activation_curve, activation_names, plot_activations
from kobai.viz.animation import animate_race
from kobai.viz.descent import legend_label, plot_descent_1d, plot_race
from kobai.viz.descent_surface import plot_surface
from kobai.viz.neuron import plot_batch_modes, plot_neuron_landscape


def assert_png(path: Path, min_width: int = 300) -> tuple[int, int]:
    import matplotlib.image as mpimg

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = mpimg.imread(path)
    height, width = image.shape[:2]
    assert width >= min_width and height >= 200
    assert image[..., :3].std() > 0.05, "the picture is not blank"
    return width, height


def assert_svg(path: Path) -> None:
    text = path.read_text()
    assert text.startswith("<?xml") and "<svg" in text


def test_race_and_surface_write_png_and_svg(tmp_path: Path) -> None:
    f = get_function("himmelblau")
    runs = descend(f, ["sgd", "adam"], steps=15)
    race = plot_race(f, runs, tmp_path / "race")
    assert [p.suffix for p in race] == [".png", ".svg"]
    width, height = assert_png(race[0])
    assert width > height  # contours beside the value panel
    assert_svg(race[1])
    surface = plot_surface(f, runs, tmp_path / "surface", n=31, formats=("png",))
    assert_png(surface[0])


def test_race_with_a_diverged_run_and_negative_values(tmp_path: Path) -> None:
    f = get_function("x**2 - 2*y**2 + y**4")  # no known minima, negative values
    runs = descend(f, {"slow": {"name": "sgd", "lr": 0.01}, "wild": {"name": "sgd", "lr": 2.0}},
                   steps=30)  # fmt: skip
    assert runs["wild"].status == "diverged"
    paths = plot_race(f, runs, tmp_path / "custom", formats=("png",))
    assert_png(paths[0])


def test_legend_names_optimizer_hyper_parameters_and_status() -> None:
    runs = descend("quadratic", ["momentum", "sgd"], lr={"momentum": 0.1, "sgd": 3.0}, steps=30)
    assert legend_label(runs["momentum"]) == (
        "momentum (lr=0.1, momentum=0.9): unfinished (budget ended before nearing f*)"
    )
    assert legend_label(runs["sgd"]) == "sgd (lr=3): diverged at step 10 (left every bound)"


def test_one_dimensional_figure(tmp_path: Path) -> None:
    f = get_function("quadratic")
    runs = descend(f, ["sgd", "adam"], lr=0.1, steps=8)
    paths = plot_descent_1d(f, runs, tmp_path / "quadratic", formats=("png",))
    width, height = assert_png(paths[0])
    assert width > 2 * height  # one panel per optimiser


def test_animation_gif(tmp_path: Path) -> None:
    from PIL import Image

    f = get_function("bowl")
    runs = descend(f, ["sgd", "adam"], steps=6)
    path = animate_race(f, runs, tmp_path / "race.gif", max_frames=4, dpi=40)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 4
    with pytest.raises(ValueError, match="must end in .gif or .mp4"):
        animate_race(f, runs, tmp_path / "race.avi")


def test_neuron_figures(tmp_path: Path) -> None:
    x, t = make_single_neuron(50, noise=0.05, rng=0)
    w, b = np.linspace(-2, 6, 41), np.linspace(-5, 3, 41)
    losses = neuron.loss_grid(x, t, w, b)
    path = neuron.descend_neuron(x, t, (-1.5, 2.5), 2.0, 20)
    arrows = neuron.gradient_arrows(x, t, [(0.0, 0.0), (3.0, 1.0)])
    written = plot_neuron_landscape(w, b, losses, path, tmp_path / "neuron", arrows=arrows,
                                    true_params=(2, -1), formats=("png",))  # fmt: skip
    assert_png(written[0])
    modes = [neuron.descend_neuron(x, t, (-1.5, 2.5), 2.0, 20, batch_size=s, rng=0)
             for s in (None, 10, 1)]  # fmt: skip
    written = plot_batch_modes(w, b, losses, modes, tmp_path / "modes", formats=("png",))
    assert_png(written[0])


def test_activation_curves_and_gallery(tmp_path: Path) -> None:
    x = np.linspace(-4, 4, 81)
    _, sigmoid_slope = activation_curve("sigmoid", x)
    assert sigmoid_slope.max() == pytest.approx(0.25) and x[sigmoid_slope.argmax()] == 0.0
    _, tanh_slope = activation_curve("tanh", x)
    assert tanh_slope.max() == pytest.approx(1.0)
    softmax, softmax_slope = activation_curve("softmax", x)
    np.testing.assert_allclose(softmax, 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(softmax_slope, sigmoid_slope, rtol=1e-12)
    names = activation_names()
    assert "linear" not in names and {"sigmoid", "prelu", "log_softmax", "gelu"} <= set(names)
    paths = plot_activations(tmp_path / "act", names=["sigmoid", "tanh", "relu"])
    assert_png(paths[0])
    assert_svg(paths[1])
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        plot_activations(tmp_path / "bad", names=["swish"])
