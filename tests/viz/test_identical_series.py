"""Series identical on the figure are drawn so that both stay visible, and say so."""

from pathlib import Path

import numpy as np
import pytest

from kobai.landscape import descend, get_function
from kobai.viz import descent as D
from kobai.viz import descent_surface as S
from kobai.viz import style
from kobai.viz.studies import numerics
from kobai.viz.style import identical_to


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list:
    kept: list = []
    real = style.save_figure

    def keep(fig, path, *, formats=("png",)):  # type: ignore[no-untyped-def]
        kept.append(fig)
        return real(fig, path, formats=formats)

    monkeypatch.setattr(style, "save_figure", keep)
    return kept


def test_identical_means_indistinguishable_on_the_axis() -> None:
    a = np.linspace(1.0, 0.0, 50)
    assert identical_to({"a": a, "b": a + 1e-4, "c": a + 0.1}) == {"b": "a"}
    # on a log axis: within 0.4 % of the decades spanned
    g = np.geomspace(1.0, 1e-8, 30)
    assert identical_to({"f": g, "b": g * 1.01}, log=True) == {"b": "f"}
    assert identical_to({"f": g, "b": g * 2}, log=True) == {}
    assert identical_to({"short": a[:10], "long": a}) == {}
    paths = {"p": np.c_[a, a], "q": np.c_[a, a]}
    assert identical_to(paths) == {"q": "p"}


def test_textbook_adam_over_adam_is_dashed_and_named(tmp_path: Path, figures: list) -> None:
    f = get_function("rosenbrock")
    runs = descend(f, ["adam", "textbook-adam", "sgd"], steps=40)
    D.plot_race(f, runs, tmp_path / "race", formats=("png",))
    fig = figures[0]
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[1].endswith("(dashed: identical to adam)")
    assert not texts[0].endswith(")") or "identical" not in texts[0]
    assert "identical" not in texts[2]
    contour, values = fig.axes[:2]
    styles = [line.get_linestyle() for line in values.lines[:3]]
    assert styles == ["-", "--", "-"]


def test_forward_and_backward_differences_both_show() -> None:
    h = np.geomspace(1e-1, 1e-8, 8)
    forward = 0.5 * h + 1e-16 / h
    fig = numerics.error_against_step(
        h, {"forward": forward, "backward": forward * 1.001, "central": h**2}, title="t"
    )
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "backward difference (dashed: identical to forward)" in labels
    assert "forward difference" in labels and "central difference" in labels


def test_a_formulas_view_follows_its_paths_and_promises_no_star(
    tmp_path: Path, figures: list
) -> None:
    f = get_function("x**2 + 3*sin(y)")
    runs = descend(f, ["sgd", "momentum"], steps=100)
    assert max(tr.points[:, 1].max() for tr in runs.values()) > f.bounds[1][1]  # they leave it
    D.plot_race(f, runs, tmp_path / "race", formats=("png",))
    fig = figures[0]
    contour = fig.axes[0]
    top = max(tr.points[:, 1].max() for tr in runs.values())
    assert contour.get_ylim()[1] >= top and contour.get_ylim()[0] <= f.bounds[1][0]
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "start" in texts and "global minimum" not in texts
    rosen = get_function("rosenbrock")
    D.plot_race(rosen, descend(rosen, ["adam"], steps=5), tmp_path / "r", formats=("png",))
    assert "global minimum" in [t.get_text() for t in figures[1].legends[0].get_texts()]
    assert figures[1].axes[0].get_xlim() == pytest.approx(rosen.bounds[0])  # nothing to follow


def test_a_path_behind_a_wall_of_the_surface_is_hidden() -> None:
    from kobai.viz.style import pyplot

    x = np.linspace(-2, 2, 81)
    X, Y = np.meshgrid(x, x)
    H = np.where(np.abs(Y) < 0.2, 3.0, 0.0)  # a wall along y = 0 on a flat floor
    ax = pyplot().figure().add_subplot(projection="3d")
    ax.set(xlim=(-2, 2), ylim=(-2, 2), zlim=(0, 3))
    ax.view_init(elev=15, azim=-90)  # looking from y < 0 towards the wall
    xs = np.linspace(-1, 1, 5)
    front = S.hidden_by_surface(ax, (X, Y, H), xs, np.full(5, -1.0), np.full(5, 0.01))
    behind = S.hidden_by_surface(ax, (X, Y, H), xs, np.full(5, 1.0), np.full(5, 0.01))
    assert not front.any() and behind.all()


def test_one_dimensional_labels_of_a_runaway_run_do_not_pile_up(tmp_path: Path) -> None:
    from kobai.viz.style import pyplot

    f = get_function("quadratic")
    run = descend(f, ["sgd"], lr=2.1, steps=40)["sgd"]
    fig, ax = pyplot().subplots()
    D._one_dimensional_panel(ax, f, run, "C0", annotate=4, tangents=3)
    fig.canvas.draw()
    names = [t for t in ax.texts if t.get_text().startswith("x")]
    boxes = [t.get_window_extent() for t in names]
    assert len(names) == 1  # x0..x3 sit within a few pixels of each other at this scale
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    calm = descend(f, ["sgd"], lr=0.1, steps=10)["sgd"]
    fig, ax = pyplot().subplots()
    D._one_dimensional_panel(ax, f, calm, "C0", annotate=4, tangents=3)
    assert [t.get_text() for t in ax.texts if t.get_text().startswith("x")] == [
        "x₀", "x₁", "x₂", "x₃"
    ]  # fmt: skip
