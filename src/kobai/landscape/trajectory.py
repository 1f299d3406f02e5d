"""The path of training through parameter space, and the plane that shows it best (PCA).

Li et al. (2018, section 7) show that a training trajectory projected on random directions
barely moves (two random directions in millions of dimensions are almost orthogonal to
everything), and plot it instead in the plane of the two principal components of the
differences :math:`\\theta_i - \\theta_n` between the checkpoints and the final point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kobai.landscape.directions import Direction
from kobai.validation import check_int

CHECKPOINT_FILE = re.compile(r"epoch_(\d+)\.npz$")
HOW_TO_SAVE = (
    "`kobai train` must save per-epoch checkpoints for a trajectory: train with "
    "`kobai train --save-every-epoch` (or fit(..., save_every_epoch=True))"
)


@dataclass
class PCAResult:
    """Principal components of a set of points about an origin.

    Attributes
    ----------
    components : ndarray of shape (n_components, n_features)
        Orthonormal directions, the first explaining the most variance.
    explained_variance_ratio : ndarray of shape (n_components,)
        Share of the points' total variance along each component.
    coordinates : ndarray of shape (n_points, n_components)
        ``(points - origin) @ components.T``: where each point lies in the plane.
    origin : ndarray of shape (n_features,)
    """

    components: np.ndarray
    explained_variance_ratio: np.ndarray
    coordinates: np.ndarray
    origin: np.ndarray

    def inverse_transform(self, coordinates: np.ndarray) -> np.ndarray:
        """The points of the plane at ``coordinates`` (n, n_components) -> (n, n_features)."""
        return self.origin + np.asarray(coordinates) @ self.components


def pca_directions(
    points: np.ndarray, *, origin: np.ndarray | None = None, n_components: int = 2
) -> PCAResult:
    r"""PCA of ``points - origin``: the plane in which a trajectory moves the most.

    The differences :math:`D = [\theta_0 - \theta_n; \dots; \theta_n - \theta_n]` are
    centred on their mean and decomposed, :math:`D - \bar D = U S V^\top` (NumPy's SVD, the
    computation of scikit-learn's ``PCA``); the components are the first rows of
    :math:`V^\top`, the explained variance ratios :math:`s_k^2 / \sum_j s_j^2`, and the
    coordinates the projections of the uncentred differences, so ``origin`` sits at (0, 0).
    If the points lie in a plane through ``origin`` the two ratios sum to 1 and
    :meth:`PCAResult.inverse_transform` gives the points back. Signs are chosen so that the
    first point has negative coordinates (training walks up and right to the origin).

    Parameters
    ----------
    points : ndarray of shape (n_points, n_features)
    origin : ndarray of shape (n_features,), optional
        Default: the last point (the final parameters of a trajectory).
    n_components : int, default 2

    Returns
    -------
    PCAResult

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 0.0], [3.0, 1.0, 0.0], [4.0, 4.0, 0.0]])
    >>> result = pca_directions(pts)
    >>> float(result.explained_variance_ratio.sum())
    1.0
    """
    x = np.asarray(points, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"points must have shape (n_points, n_features), got {x.shape}")
    n_components = check_int("n_components", n_components, low=1)
    if len(x) < n_components + 1:
        raise ValueError(
            f"{n_components} components need at least {n_components + 1} points, got {len(x)}"
        )
    centre = x[-1] if origin is None else np.asarray(origin, dtype=np.float64)
    if centre.shape != x.shape[1:]:
        raise ValueError(f"origin has shape {centre.shape}, the points have {x.shape[1:]}")
    diffs = x - centre
    _, s, vt = np.linalg.svd(diffs - diffs.mean(axis=0), full_matrices=False)
    total = float(np.sum(s * s))
    if total == 0.0:
        raise ValueError("the points are all the same: there is no direction to find")
    components = vt[:n_components]
    coordinates = diffs @ components.T
    flip = np.where(coordinates[0] > 0, -1.0, 1.0)
    return PCAResult(
        components * flip[:, None],
        (s[:n_components] ** 2) / total,
        coordinates * flip,
        centre,
    )


def flatten(states: Sequence[Mapping[str, np.ndarray]], names: Sequence[str]) -> np.ndarray:
    """Stack the arrays ``names`` of each state into one row per state (float64).

    Returns
    -------
    ndarray of shape (len(states), total size of the named arrays)
    """
    return np.stack(
        [np.concatenate([np.ravel(s[n]).astype(np.float64) for n in names]) for s in states]
    )


def unflatten(vector: np.ndarray, like: Mapping[str, np.ndarray]) -> Direction:
    """Cut a flat vector into arrays of the names, shapes and dtypes of ``like``."""
    out: Direction = {}
    start = 0
    for name, array in like.items():
        stop = start + array.size
        out[name] = vector[start:stop].reshape(array.shape).astype(array.dtype)
        start = stop
    if start != len(vector):
        raise ValueError(f"the vector has {len(vector)} entries, the arrays {start}")
    return out


@dataclass
class RunTrajectory:
    """The parameters of a run after every epoch.

    Attributes
    ----------
    epochs : list of int
        0 (the initial parameters) first.
    states : list of dict of str to ndarray
        Model state (parameters and buffers) at each epoch.
    initial_rebuilt : bool
        True when the run directory had no ``checkpoints/epoch_0000.npz`` and the initial
        model was rebuilt from ``config.json``'s seed.
    """

    epochs: list[int]
    states: list[dict[str, np.ndarray]]
    initial_rebuilt: bool


def epoch_checkpoints(run_dir: str | Path) -> list[tuple[int, Path]]:
    """The per-epoch checkpoints ``checkpoints/epoch_NNNN.npz`` of a run, by epoch."""
    folder = Path(run_dir) / "checkpoints"
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = CHECKPOINT_FILE.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def initial_state(run_dir: str | Path) -> tuple[dict[str, np.ndarray], bool]:
    """The parameters a run started from, and whether they had to be rebuilt.

    The run's ``checkpoints/epoch_0000.npz`` when it exists; otherwise the model is built
    again from ``config.json`` with :func:`kobai.models.runs.build`, which draws the initial
    weights from the run's seed and so gives the same numbers the run started from.

    Returns
    -------
    (dict of str to ndarray, bool)
        The state dict, and True when it was rebuilt.
    """
    from kobai.models.runs import RunConfig, build
    from kobai.train.checkpoint import load_checkpoint

    saved = dict(epoch_checkpoints(run_dir)).get(0)
    if saved is not None:
        return dict(load_checkpoint(saved)["model"]), False
    config = RunConfig.from_dict(_read_config(Path(run_dir)))
    return build(config).model.state_dict(), True


def _read_config(folder: Path) -> dict[str, Any]:
    import json

    config_file = folder / "config.json"
    if not config_file.is_file():
        raise FileNotFoundError(f"{folder} is not a run directory (no config.json)")
    try:
        values: dict[str, Any] = json.loads(config_file.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{config_file} is not valid JSON: {exc}") from None
    return values


def load_trajectory(run_dir: str | Path, *, min_epochs: int = 2) -> RunTrajectory:
    """The initial parameters and those saved after every epoch by ``save_every_epoch``.

    Parameters
    ----------
    run_dir : path
        A run directory written by ``kobai train --save-every-epoch`` or by
        ``fit(..., run_dir=..., save_every_epoch=True)``.
    min_epochs : int, default 2
        Fewer per-epoch checkpoints than this raise (a plane needs three points).

    Raises
    ------
    FileNotFoundError
        ``run_dir`` is not a run directory.
    ValueError
        It has fewer than ``min_epochs`` per-epoch checkpoints; the message says how to get
        them.
    """
    from kobai.train.checkpoint import load_checkpoint

    folder = Path(run_dir)
    _read_config(folder)
    saved = [(e, p) for e, p in epoch_checkpoints(folder) if e > 0]
    if len(saved) < min_epochs:
        raise ValueError(
            f"{folder} has {len(saved)} per-epoch checkpoint(s), a trajectory needs "
            f"{min_epochs}; {HOW_TO_SAVE}"
        )
    start, rebuilt = initial_state(folder)
    states = [start] + [dict(load_checkpoint(p)["model"]) for _, p in saved]
    return RunTrajectory([0] + [e for e, _ in saved], states, rebuilt)
