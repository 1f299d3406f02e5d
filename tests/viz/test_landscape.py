"""Figures of loss landscapes: what is drawn, on which scale, with which labels."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from kobai.viz import landscape as L
from kobai.viz import style

PNG = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 2000
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every figure saved, kept for inspection."""
    kept: list = []
    real = style.save_figure

    def keep(fig, path, *, formats=("png",)):  # type: ignore[no-untyped-def]
        kept.append(fig)
        return real(fig, path, formats=formats)

    monkeypatch.setattr(style, "save_figure", keep)
    return kept


def line(loss: np.ndarray) -> SimpleNamespace:
    alphas = np.linspace(-1, 1, len(loss))
    return SimpleNamespace(alphas=alphas, loss=loss, metric=1 - loss / loss.max(),
                           metric_name="accuracy")  # fmt: skip


def surface(loss: np.ndarray) -> SimpleNamespace:
    ny, nx = loss.shape
    return SimpleNamespace(xs=np.linspace(-1, 1, nx), ys=np.linspace(-2, 2, ny), loss=loss,
                           metric=np.zeros_like(loss), metric_name="accuracy")  # fmt: skip


def bowl(n: int = 9, scale: float = 1.0) -> np.ndarray:
    x, y = np.meshgrid(np.linspace(-1, 1, n), np.linspace(-2, 2, n))
    return 0.1 + scale * (x**2 + y**2)


def test_slice_draws_loss_and_accuracy_on_two_axes(tmp_path: Path, figures: list) -> None:
    values = np.linspace(-1, 1, 11) ** 2 + 0.5
    files = L.plot_loss_line(line(values), tmp_path / "slice", title="A slice",
                             formats=("png", "svg"))  # fmt: skip
    assert [f.suffix for f in files] == [".png", ".svg"] and files[1].stat().st_size > 0
    width, height = png_size(files[0])
    assert width > 400 and height > 300
    loss_ax, metric_ax = figures[0].axes
    np.testing.assert_array_equal(loss_ax.lines[0].get_ydata(), values)
    assert loss_ax.get_yscale() == "linear" and loss_ax.get_title() == "A slice"
    assert metric_ax.get_ylabel() == "accuracy" and loss_ax.get_ylabel() == "loss"
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["loss", "accuracy"]


def test_interpolation_marks_both_ends_and_uses_a_log_scale_for_decades(
    tmp_path: Path, figures: list
) -> None:
    values = np.geomspace(2.3, 0.01, 11)
    L.plot_interpolation(line(values), tmp_path / "interp", formats=("png",))
    ax = figures[0].axes[0]
    assert ax.get_yscale() == "log" and "log" in ax.get_ylabel()
    marks = [t.get_text() for t in ax.texts]
    assert marks == ["initial", "final"]
    assert [v.get_xdata()[0] for v in ax.lines[1:]] == [0.0, 1.0]


def test_contour_with_the_training_path(tmp_path: Path, figures: list) -> None:
    path = np.array([[-0.8, -1.5], [-0.5, -0.4], [-0.2, 0.1], [0.0, 0.0]])
    files = L.plot_loss_contour(
        surface(bowl()), tmp_path / "contour", axis_labels=("PC1: 80.0% of variance",
        "PC2: 15.0% of variance"), trajectory=path, epochs=[0, 1, 2, 3], title="Plane",
    )  # fmt: skip
    png_size(files[0])
    ax = figures[0].axes[0]
    assert ax.get_xlabel() == "PC1: 80.0% of variance" and ax.get_title() == "Plane"
    drawn = ax.lines[0]
    np.testing.assert_array_equal(drawn.get_xdata(), path[:, 0])
    np.testing.assert_array_equal(drawn.get_ydata(), path[:, 1])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["training path (per epoch)", "initial parameters", "trained model"]
    assert [t.get_text() for t in ax.texts] == ["1", "2"]


def test_contour_levels_are_logarithmic_when_the_loss_spans_decades(
    tmp_path: Path, figures: list
) -> None:
    L.plot_loss_contour(surface(bowl(scale=100.0)), tmp_path / "c", formats=("png",))
    colourbar = figures[0].axes[1]
    assert "log" in colourbar.get_ylabel()
    labels = [t.get_text() for t in colourbar.get_yticklabels()]
    assert "1" in labels and "100" in labels


def test_surface_is_3d_and_clips_outliers(tmp_path: Path, figures: list) -> None:
    loss = bowl()
    loss[0, 0] = 1e6
    loss[0, 1] = np.nan
    files = L.plot_loss_surface(surface(loss), tmp_path / "surface", axis_labels=("a", "b"))
    png_size(files[0])
    ax = figures[0].axes[0]
    assert ax.name == "3d" and ax.get_xlabel() == "a"
    cap = 10 * np.percentile(loss[np.isfinite(loss)], 75)
    assert ax.get_zlabel() == f"loss (clipped at {cap:.3g})"
    assert ax.get_zlim()[1] == pytest.approx(cap)


def test_no_finite_loss_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not finite anywhere"):
        L.plot_loss_surface(surface(np.full((3, 3), np.inf)), tmp_path / "s")
    with pytest.raises(ValueError, match="not finite anywhere"):
        L.plot_loss_contour(surface(np.full((3, 3), np.nan)), tmp_path / "c")


def test_all_four_pictures_of_a_run(tmp_path: Path) -> None:
    result = SimpleNamespace(
        mode="random", line=line(np.linspace(1, 2, 5)), interpolation=line(np.linspace(2, 1, 5)),
        surface=surface(bowl(5)), axis_labels=("d1", "d2"), trajectory=None, epochs=[],
        title="mlp on moons", samples=100,
    )  # fmt: skip
    written = L.plot_run_landscape(result, tmp_path, formats=("png",))
    assert sorted(written) == ["contour", "interpolation", "slice", "surface"]
    for files in written.values():
        png_size(files[0])


def test_epoch_numbers_never_overlap(tmp_path: Path, figures: list) -> None:
    # 30 epochs whose last twenty crowd around the trained model, as training slows down
    early = np.linspace([-1.5, -1.5], [-0.3, -0.2], 10)
    late = np.linspace([-0.3, -0.2], [0.0, 0.0], 21)[1:]
    path = np.vstack([early, late])
    L.plot_loss_contour(surface(bowl()), tmp_path / "c", trajectory=path,
                        epochs=list(range(len(path))), formats=("png",))  # fmt: skip
    ax = figures[0].axes[0]
    figures[0].canvas.draw()
    boxes = [t.get_window_extent() for t in ax.texts]
    assert 3 <= len(boxes) <= 9
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    star = ax.transData.transform([0.0, 0.0])
    assert all(not b.contains(*star) for b in boxes)


def test_the_floor_contours_lie_under_the_surface(tmp_path: Path, figures: list) -> None:
    L.plot_loss_surface(surface(bowl()), tmp_path / "s", formats=("png",))
    ax = figures[0].axes[0]
    assert ax.computed_zorder is False
    floor, surf = ax.collections[0], ax.collections[-1]
    assert floor.get_zorder() < surf.get_zorder()  # drawn first: the surface hides it
    assert ax.get_zlim()[0] < float(bowl().min())  # a floor below the lowest loss
