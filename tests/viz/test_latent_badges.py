"""Class labels of the 2-D code scatter stay readable when the classes overlap."""

from pathlib import Path

import numpy as np
import pytest

from kobai.viz import autoencoder as A
from kobai.viz import style


def test_badges_of_crowded_classes_do_not_overlap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list = []
    real = style.save_figure
    monkeypatch.setattr(
        style, "save_figure", lambda fig, p, **k: kept.append(fig) or real(fig, p, **k)
    )
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 50)
    centres = np.array([[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.05, 5], [-5, 3], [0, 0],
                        [2, -4], [0.05, 0.05], [-3, -3]], dtype=float)  # fmt: skip
    codes = centres[labels] + rng.normal(0, 1, (500, 2))
    A.plot_latent_scatter({"autoencoder": codes, "PCA": codes * 2}, labels, tmp_path / "z")
    fig = kept[0]
    fig.canvas.draw()
    for ax in fig.axes[:2]:
        boxes = [t.get_bbox_patch().get_window_extent() for t in ax.texts]
        assert len(boxes) == 10
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_badges_already_apart_stay_on_their_medians() -> None:
    from kobai.viz.style import pyplot

    fig, ax = pyplot().subplots()
    ax.set(xlim=(0, 10), ylim=(0, 10))
    centres = np.array([[1.0, 1.0], [9.0, 9.0]])
    np.testing.assert_allclose(A.spread_badges(ax, centres), centres)
