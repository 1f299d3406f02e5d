"""PCA of a parameter trajectory (Li et al. 2018, section 7) and trajectories of run dirs."""

import json
from pathlib import Path

import numpy as np
import pytest

from kobai.cli.main import main
from kobai.landscape.trajectory import (
    flatten,
    initial_state,
    load_trajectory,
    pca_directions,
    unflatten,
)
from kobai.models.runs import RunConfig, build
from kobai.train import load_checkpoint, save_checkpoint

TINY = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "3", "--quiet"]


def test_a_trajectory_in_a_plane_is_projected_exactly() -> None:
    rng = np.random.default_rng(0)
    origin, u, v = rng.standard_normal((3, 50))
    coefficients = rng.standard_normal((8, 2)) * [3.0, 0.5]
    coefficients[-1] = 0.0  # the trajectory ends at the origin (the final parameters)
    points = origin + coefficients @ np.stack([u, v])
    pca = pca_directions(points)
    assert pca.explained_variance_ratio.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(pca.inverse_transform(pca.coordinates), points, atol=1e-12)
    np.testing.assert_allclose(pca.components @ pca.components.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(pca.coordinates[-1], [0.0, 0.0], atol=1e-12)
    assert (pca.coordinates[0] <= 0).all()


def test_points_on_a_line_by_hand() -> None:
    direction = np.array([3.0, 4.0, 0.0]) / 5.0
    points = np.array([t * direction for t in (-2.0, -1.0, 0.0)]) + [1.0, 1.0, 1.0]
    pca = pca_directions(points, n_components=1)
    np.testing.assert_allclose(pca.explained_variance_ratio, [1.0])
    np.testing.assert_allclose(pca.coordinates[:, 0], [-2.0, -1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(np.abs(pca.components[0]), [0.6, 0.8, 0.0], atol=1e-12)


def test_explained_variance_matches_scikit_learn() -> None:
    decomposition = pytest.importorskip("sklearn.decomposition")
    points = np.random.default_rng(3).standard_normal((12, 30)) * np.linspace(3, 0.1, 30)
    ours = pca_directions(points, origin=points[-1], n_components=3)
    theirs = decomposition.PCA(n_components=3).fit(points - points[-1])
    np.testing.assert_allclose(
        ours.explained_variance_ratio, theirs.explained_variance_ratio_, rtol=1e-10
    )
    np.testing.assert_allclose(np.abs(ours.components), np.abs(theirs.components_), atol=1e-8)


def test_pca_bad_input() -> None:
    with pytest.raises(ValueError, match="at least 3 points, got 2"):
        pca_directions(np.ones((2, 4)))
    with pytest.raises(ValueError, match="all the same"):
        pca_directions(np.ones((5, 4)))
    with pytest.raises(ValueError, match="shape"):
        pca_directions(np.ones(4))
    with pytest.raises(ValueError, match="origin has shape"):
        pca_directions(np.eye(4), origin=np.zeros(3))


def test_flatten_and_unflatten_round_trip() -> None:
    state = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([7.0], np.float32)}
    flat = flatten([state, state], ["w", "b"])
    assert flat.shape == (2, 7) and flat.dtype == np.float64
    back = unflatten(flat[0], state)
    assert all(np.array_equal(back[k], state[k]) and back[k].dtype == np.float32 for k in state)
    with pytest.raises(ValueError, match="8 entries"):
        unflatten(np.zeros(8), state)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("runs")
    assert main(["train", *TINY, "--save-every-epoch", "--out", str(root), "--name", "saved"]) == 0
    assert main(["train", *TINY, "--out", str(root), "--name", "plain"]) == 0
    return root


def test_load_trajectory_rebuilds_the_initial_parameters_from_the_seed(runs: Path) -> None:
    folder = runs / "saved"
    zero_file = folder / "checkpoints" / "epoch_0000.npz"
    saved_start = load_checkpoint(zero_file)["model"]  # written by fit before epoch 1
    hidden = zero_file.with_name("hidden.npz")
    zero_file.rename(hidden)
    try:
        trajectory = load_trajectory(folder)
    finally:
        hidden.rename(zero_file)
    assert trajectory.epochs == [0, 1, 2, 3] and trajectory.initial_rebuilt
    config = RunConfig.from_dict(json.loads((folder / "config.json").read_text()))
    rebuilt = build(config).model.state_dict()
    assert all(np.array_equal(trajectory.states[0][k], rebuilt[k]) for k in rebuilt)
    # the model rebuilt from the seed is exactly the one the run started from
    assert all(np.array_equal(saved_start[k], rebuilt[k]) for k in rebuilt)
    last = load_checkpoint(folder / "checkpoints" / "epoch_0003.npz")["model"]
    assert all(np.array_equal(trajectory.states[-1][k], last[k]) for k in last)
    assert not np.array_equal(trajectory.states[0]["1.weight"], last["1.weight"])


def test_an_epoch_zero_checkpoint_is_used_when_there_is_one(runs: Path) -> None:
    folder = runs / "saved"
    zero_file = folder / "checkpoints" / "epoch_0000.npz"
    original = zero_file.read_bytes()
    zero = {
        k: v + 1.0
        for k, v in load_checkpoint(folder / "checkpoints/epoch_0001.npz")["model"].items()
    }
    save_checkpoint(zero_file, {"epoch": 0, "model": zero})
    try:
        state, rebuilt = initial_state(folder)
        trajectory = load_trajectory(folder)
    finally:
        zero_file.write_bytes(original)
    assert not rebuilt and not trajectory.initial_rebuilt and trajectory.epochs == [0, 1, 2, 3]
    assert all(np.array_equal(state[k], zero[k]) for k in zero)


def test_a_run_without_per_epoch_checkpoints_says_how_to_get_them(runs: Path) -> None:
    with pytest.raises(ValueError, match=r"has 0 per-epoch.*kobai train --save-every-epoch"):
        load_trajectory(runs / "plain")
    with pytest.raises(FileNotFoundError, match="not a run directory"):
        load_trajectory(runs)
