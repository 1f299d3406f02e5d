"""A single-neuron run that blows up stops there, says so, and keeps its figure readable."""

import warnings
from pathlib import Path

import numpy as np
import pytest

from kobai.cli.main import main
from kobai.data import make_single_neuron
from kobai.landscape.neuron import descend_neuron, loss_grid
from kobai.viz import neuron as V
from kobai.viz import style


def test_divergence_stops_the_run_with_finite_points() -> None:
    x, t = make_single_neuron(100, w=2.0, b=-1.0, activation="identity", noise=0.05, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow warnings on the way
        run = descend_neuron(x, t, (-1.5, 2.5), 5.0, 100, activation="identity")
    assert run.diverged_at == 2 and len(run.points) == 2 and np.isfinite(run.losses).all()
    assert run.status_text() == "diverged at step 2 (lr 5 too large)"
    calm = descend_neuron(x, t, (-1.5, 2.5), 0.1, 100, activation="identity")
    assert calm.diverged_at is None and len(calm.points) == 101 and calm.status_text() == ""


def test_the_figure_keeps_the_surface_and_names_the_divergence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: list = []
    real = style.save_figure
    monkeypatch.setattr(
        style, "save_figure", lambda fig, p, **k: kept.append(fig) or real(fig, p, **k)
    )
    x, t = make_single_neuron(100, w=2.0, b=-1.0, activation="identity", noise=0.05, rng=0)
    ws, bs = np.linspace(-2, 6, 31), np.linspace(-5, 3, 31)
    losses = loss_grid(x, t, ws, bs, "identity")
    run = descend_neuron(x, t, (-1.5, 2.5), 5.0, 100, activation="identity")
    V.plot_neuron_landscape(ws, bs, losses, run, tmp_path / "n", activation="identity")
    ax3, ax = kept[0].axes[:2]
    assert ax3.get_zlim() == pytest.approx((losses.min(), losses.max()))
    assert ax3.get_xlim() == pytest.approx((-2, 6))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("diverged at step 2 (lr 5 too large)" in label for label in labels)


def test_cli_says_which_mode_diverged(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["neuron", "--activation", "identity", "--lr", "5", "--grid", "21"]
    assert main([*args, "--out", str(tmp_path), "--formats", "png"]) == 0
    captured = capsys.readouterr()
    assert "full batch: diverged at step 2 (lr 5 too large); try --lr 0.5" in captured.out
    assert "nan" not in captured.out and "RuntimeWarning" not in captured.err
