"""The landscape of a run directory: random and PCA planes, interpolation, refusals."""

from pathlib import Path

import numpy as np
import pytest

from kobai.cli.main import main
from kobai.landscape.run_landscape import landscape_of_run, memory_needed
from kobai.models import MLP
from kobai.models.runs import load_run
from kobai.train import evaluate

TINY = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "3", "--quiet"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("runs")
    assert main(["train", *TINY, "--save-every-epoch", "--out", str(root), "--name", "saved"]) == 0
    assert main(["train", *TINY, "--out", str(root), "--name", "plain"]) == 0
    return root


def test_random_plane_centre_slice_and_interpolation_agree(runs: Path) -> None:
    result = landscape_of_run(runs / "plain", resolution=5, samples=100, seed=1)
    assert result.mode == "random" and result.trajectory is None and result.initial_rebuilt
    assert result.surface.loss.shape == (5, 5) and result.samples == 100
    centre = result.surface.loss[2, 2]
    assert result.line.loss[2] == pytest.approx(centre, rel=1e-6)
    final = int(np.flatnonzero(result.interpolation.alphas == 1.0)[0])
    assert result.interpolation.loss[final] == pytest.approx(centre, rel=1e-6)
    np.testing.assert_allclose(result.surface.loss[2], result.line.loss, rtol=1e-6)
    again = landscape_of_run(runs / "plain", resolution=5, samples=100, seed=1)
    np.testing.assert_array_equal(again.surface.loss, result.surface.loss)
    other = landscape_of_run(runs / "plain", resolution=5, samples=100, seed=2)
    assert not np.array_equal(other.surface.loss, result.surface.loss)


def test_all_samples_give_the_runs_own_training_loss(runs: Path) -> None:
    result = landscape_of_run(runs / "plain", resolution=3, samples=10_000)
    run = load_run(runs / "plain")
    expected = evaluate(run.model, (run.data.x_train, run.data.y_train), run.loss)
    assert result.samples == len(run.data.x_train)
    assert result.surface.loss[1, 1] == pytest.approx(expected["loss"], rel=1e-6)
    assert result.surface.metric[1, 1] == expected["accuracy"]


def test_pca_plane_holds_the_training_path(runs: Path, tmp_path: Path) -> None:
    result = landscape_of_run(runs / "saved", resolution=5, samples=100)
    assert result.mode == "pca" and result.epochs == [0, 1, 2, 3]
    assert result.trajectory is not None and result.trajectory.shape == (4, 2)
    np.testing.assert_allclose(result.trajectory[-1], [0.0, 0.0], atol=1e-9)
    ratio = result.explained_variance_ratio
    assert ratio is not None and ratio[0] >= ratio[1] > 0 and ratio.sum() <= 1 + 1e-9
    assert result.axis_labels[0] == f"PC1: {ratio[0]:.1%} of variance"
    xs, ys = result.surface.xs, result.surface.ys
    for k, axis in enumerate((xs, ys)):  # the plane covers the whole path
        assert axis[0] < result.trajectory[:, k].min() and axis[-1] > result.trajectory[:, k].max()
    saved = np.load(result.save(tmp_path / "numbers.npz"))
    np.testing.assert_array_equal(saved["loss"], result.surface.loss)
    np.testing.assert_array_equal(saved["epochs"], [0, 1, 2, 3])
    assert str(saved["mode"]) == "pca"


def test_pca_mode_without_per_epoch_checkpoints_says_how(runs: Path) -> None:
    with pytest.raises(ValueError, match="kobai train --save-every-epoch"):
        landscape_of_run(runs / "plain", mode="pca", resolution=3)


def test_not_a_run_directory(runs: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no run directory at"):
        landscape_of_run(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="is not a run directory"):
        landscape_of_run(tmp_path)


def test_grids_too_large_are_refused_with_the_memory_they_need(runs: Path) -> None:
    with pytest.raises(ValueError, match=r"would need \d+\.\d GiB of memory"):
        landscape_of_run(runs / "plain", resolution=200_000)
    with pytest.raises(ValueError, match=r"would need 0\.\d MiB of memory, more than the 0\.0 MiB"):
        landscape_of_run(runs / "plain", resolution=5, memory_limit=1000)
    with pytest.raises(
        ValueError,
        match=r"would take about [\d.e-]+ s \([\d.]+ ms per point\), more than the 1e-06 s",
    ):
        landscape_of_run(runs / "plain", resolution=41, max_seconds=1e-6)


def test_memory_estimate_counts_the_grid() -> None:
    model = MLP(2, [8], 2, rng=0)  # Flatten, Linear, ReLU, Linear: 2 + 8 + 8 + 2 floats
    x = np.zeros((10, 2), dtype=np.float32)
    small = memory_needed(model, x, points=1)
    assert memory_needed(model, x, points=1001) - small == 16 * 1000
    per_sample = 4 * (2 + 8 + 8 + 2)
    # the data, four batches of activations, three first-layer outputs kept, the results
    assert small == x.nbytes + 4 * per_sample * 10 + 3 * per_sample * 10 + 16


def test_bad_options(runs: Path) -> None:
    with pytest.raises(ValueError, match="mode must be one of auto, random, pca, got 'x'"):
        landscape_of_run(runs / "plain", mode="x")
    with pytest.raises(ValueError, match="split must be one of train, test"):
        landscape_of_run(runs / "plain", split="val")
    with pytest.raises(ValueError, match="samples must be an integer >= 1, got 0"):
        landscape_of_run(runs / "plain", samples=0)
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        landscape_of_run(runs / "plain", seed=-1)
