"""The loss landscape of a trained run, read from its run directory (Li et al. 2018).

:func:`landscape_of_run` computes everything the pictures of ``kobai landscape`` show: a
1-D slice along a filter-normalised random direction, the linear interpolation from the
initial to the final parameters, and a 2-D surface either over two filter-normalised random
directions (``mode="random"``) or over the plane of the two principal components of the
training trajectory, with the trajectory projected on it (``mode="pca"``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kobai.autograd import Tensor, no_grad
from kobai.files import atomic_writer
from kobai.landscape.directions import Direction, model_state, random_directions
from kobai.landscape.network import (
    LossLine,
    LossSurface,
    interpolate,
    loss_line,
    loss_surface,
    symmetric_grid,
)
from kobai.landscape.trajectory import (
    PCAResult,
    RunTrajectory,
    epoch_checkpoints,
    flatten,
    initial_state,
    load_trajectory,
    pca_directions,
    unflatten,
)
from kobai.validation import check_int

MODES = ("auto", "random", "pca")
SPLITS = ("train", "test")
# The PCA plane covers the trajectory with this margin on every side (share of its extent).
MARGIN = 0.2


@dataclass
class RunLandscape:
    """The numbers behind the landscape pictures of one run.

    Attributes
    ----------
    mode : {"random", "pca"}
        What spans the plane of ``surface``.
    line : LossLine
        Along a filter-normalised random direction through the final parameters.
    interpolation : LossLine
        From the initial (alpha 0) to the final (alpha 1) parameters.
    surface : LossSurface
        Around the final parameters, at (0, 0).
    axis_labels : (str, str)
        Names of the plane's axes (with the explained variance in ``"pca"`` mode).
    trajectory : ndarray of shape (n_epochs + 1, 2) or None
        The training path projected on the plane (``"pca"`` mode), epoch 0 first.
    epochs : list of int
        The epochs of ``trajectory``'s rows.
    explained_variance_ratio : ndarray of shape (2,) or None
    initial_rebuilt : bool
        The initial parameters were rebuilt from ``config.json``'s seed (no epoch-0
        checkpoint in the run directory).
    title : str
        What was trained, e.g. ``"mlp:256,128 on mnist, adam"``.
    samples : int
        Size of the fixed data subset evaluated at every point.
    seconds : float
        Time the whole computation took.
    """

    mode: str
    line: LossLine
    interpolation: LossLine
    surface: LossSurface
    axis_labels: tuple[str, str]
    trajectory: np.ndarray | None = None
    epochs: list[int] = field(default_factory=list)
    explained_variance_ratio: np.ndarray | None = None
    initial_rebuilt: bool = False
    title: str = ""
    samples: int = 0
    seconds: float = 0.0

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write every array to an ``.npz`` file (read back with ``np.load``)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        arrays = {
            "line_alphas": self.line.alphas, "line_loss": self.line.loss,
            "line_metric": self.line.metric, "interpolation_alphas": self.interpolation.alphas,
            "interpolation_loss": self.interpolation.loss,
            "interpolation_metric": self.interpolation.metric, "xs": self.surface.xs,
            "ys": self.surface.ys, "loss": self.surface.loss, "metric": self.surface.metric,
            "mode": np.array(self.mode), "metric_name": np.array(self.surface.metric_name),
            "axis_labels": np.array(self.axis_labels),
        }  # fmt: skip
        if self.trajectory is not None:
            arrays["trajectory"] = self.trajectory
            arrays["epochs"] = np.array(self.epochs)
        if self.explained_variance_ratio is not None:
            arrays["explained_variance_ratio"] = self.explained_variance_ratio
        with atomic_writer(target) as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]
        return target


def landscape_of_run(
    run_dir: str | os.PathLike[str],
    *,
    resolution: int = 41,
    extent: float = 1.0,
    samples: int = 1000,
    seed: int = 0,
    mode: str = "auto",
    split: str = "train",
    norm: str = "filter",
    ignore_bias_bn: bool = True,
    batch_size: int | None = None,
    memory_limit: int | None = None,
    max_seconds: float | None = None,
    progress: Callable[[int], Any] | None = None,
) -> RunLandscape:
    """Compute the loss landscape of the run in ``run_dir`` around its final parameters.

    Parameters
    ----------
    run_dir : path
        Written by ``kobai train`` (``config.json`` and ``checkpoint.npz``).
    resolution : int, default 41
        Points per axis of the surface and of the two lines.
    extent : float, default 1.0
        ``mode="random"``: the plane and the slice span [-extent, extent] times the
        filter-normalised directions. ``mode="pca"``: the plane spans ``extent`` times the
        box around the trajectory (with a 20% margin); the slice still spans [-extent, extent].
    samples : int, default 1000
        Size of the fixed subset of ``split`` evaluated at every point (drawn with ``seed``).
    seed : int, default 0
        Draws the subset and the random directions: same seed, same picture.
    mode : {"auto", "random", "pca"}, default "auto"
        ``"pca"`` needs per-epoch checkpoints (``kobai train --save-every-epoch``);
        ``"auto"`` takes ``"pca"`` when they are there, else ``"random"``.
    split : {"train", "test"}, default "train"
    norm : {"filter", "layer", "none"}, default "filter"
        See :func:`~kobai.landscape.directions.normalize_direction`.
    ignore_bias_bn : bool, default True
        Zero direction for biases and BatchNorm parameters, as the paper (also in the PCA
        of the trajectory).
    batch_size : int, optional
        Samples per forward pass (default: all ``samples`` at once).
    memory_limit : int, optional
        Bytes; larger grids are refused (default: half of the physical memory).
    max_seconds : float, optional
        Refuse a surface whose estimated time (from the time of the 1-D slice) is longer.
    progress : callable, optional
        Called with the number of surface points done after each row.

    Returns
    -------
    RunLandscape

    Notes
    -----
    The initial parameters come from ``checkpoints/epoch_0000.npz`` when the run has it;
    otherwise the model is rebuilt from ``config.json`` with
    :func:`kobai.models.runs.build`, which draws the same initial weights from the run's
    seed (``RunLandscape.initial_rebuilt`` says which).
    """
    from kobai.models.runs import load_run

    start_time = time.perf_counter()
    folder = _run_folder(run_dir)
    mode = _resolve_mode(mode, folder)
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    grid = symmetric_grid(extent, resolution)
    check_int("samples", samples, low=1)
    # Read the path first: a run without per-epoch checkpoints fails before any work.
    trajectory = load_trajectory(folder) if mode == "pca" else None
    run = load_run(folder)
    subset_rng, direction_rng = (np.random.default_rng(s) for s in _seeds(seed))
    job = _Job(run.model, run.loss, _subset(run.data, split, samples, subset_rng),
               run.data.task, batch_size)  # fmt: skip
    _check_memory(job.model, job.data[0], resolution**2 + 3 * resolution, batch_size,
                  memory_limit)  # fmt: skip
    d1, d2 = random_directions(
        job.model, 2, rng=direction_rng, norm=norm, ignore_bias_bn=ignore_bias_bn
    )
    tick = time.perf_counter()
    line = job.line(d1, grid)
    _check_time(time.perf_counter() - tick, resolution, max_seconds)
    final = model_state(job.model)
    if trajectory is None:
        start, rebuilt = initial_state(folder)
    else:
        start, rebuilt = trajectory.states[0], trajectory.initial_rebuilt
    alphas = np.union1d(np.linspace(-0.5, 1.5, resolution), [0.0, 1.0])
    path = job.interpolate(start, final, alphas)
    surface, labels, coordinates, ratio = _plane(
        job, trajectory, final, (d1, d2), grid, extent, progress, norm=norm, ignore=ignore_bias_bn
    )
    config = run.config
    return RunLandscape(
        mode, line, path, surface, labels, trajectory=coordinates,
        epochs=trajectory.epochs if trajectory is not None else [],
        explained_variance_ratio=ratio, initial_rebuilt=rebuilt,
        title=f"{config.model} on {config.data}, {config.optimizer}",
        samples=len(job.data[0]), seconds=time.perf_counter() - start_time,
    )  # fmt: skip


def _plane(
    job: _Job,
    trajectory: RunTrajectory | None,
    final: Direction,
    random: tuple[Direction, Direction],
    grid: np.ndarray,
    extent: float,
    progress: Any,
    *,
    norm: str,
    ignore: bool,
) -> tuple[LossSurface, tuple[str, str], np.ndarray | None, np.ndarray | None]:
    """The surface over the random or the PCA plane, its axis names, the projected path and
    the explained variance ratios."""
    if trajectory is None:
        labels = (f"direction 1 ({norm}-normalised)", f"direction 2 ({norm}-normalised)")
        return job.surface(list(random), grid, grid, progress), labels, None, None
    d1, d2, pca = _pca_plane(job.model, trajectory.states, final, ignore)
    xs, ys = (_covering_grid(pca.coordinates[:, k], extent, len(grid)) for k in (0, 1))
    ratio = pca.explained_variance_ratio
    labels = (f"PC1: {ratio[0]:.1%} of variance", f"PC2: {ratio[1]:.1%} of variance")
    return job.surface([d1, d2], xs, ys, progress), labels, pca.coordinates, ratio


@dataclass
class _Job:
    """The model, loss and fixed data every picture of one landscape evaluates."""

    model: Any
    loss: Any
    data: tuple[np.ndarray, np.ndarray]
    task: str
    batch_size: int | None

    def line(self, direction: Direction, alphas: np.ndarray) -> LossLine:
        return loss_line(self.model, self.loss, self.data, direction, alphas, task=self.task,
                         batch_size=self.batch_size)  # fmt: skip

    def interpolate(self, start: Direction, end: Direction, alphas: np.ndarray) -> LossLine:
        return interpolate(self.model, self.loss, self.data, start, end, alphas,
                           task=self.task, batch_size=self.batch_size)  # fmt: skip

    def surface(
        self, directions: list[Direction], xs: np.ndarray, ys: np.ndarray, progress: Any
    ) -> LossSurface:
        return loss_surface(self.model, self.loss, self.data, directions, xs, ys,
                            task=self.task, batch_size=self.batch_size,
                            progress=progress)  # fmt: skip


def find_runs(root: str | os.PathLike[str] = "runs") -> list[Path]:
    """The run directories of ``kobai train`` under ``root``, the most recent last.

    A run directory holds a ``config.json`` and a ``history.json``; they are ordered by the
    time their history was last written.
    """
    folder = Path(root)
    if not folder.is_dir():
        return []
    found = [
        d
        for d in folder.iterdir()
        if (d / "config.json").is_file() and (d / "history.json").is_file()
    ]
    return sorted(found, key=lambda d: ((d / "history.json").stat().st_mtime, d.name))


def _run_folder(run_dir: str | os.PathLike[str]) -> Path:
    folder = Path(run_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"no run directory at {folder}")
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder} is not a run directory (no config.json)")
    if not (folder / "checkpoint.npz").is_file():
        raise FileNotFoundError(
            f"{folder} has no checkpoint.npz: its run has not finished an epoch"
        )
    return folder


def _resolve_mode(mode: str, folder: Path) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode != "auto":
        return mode
    saved = [e for e, _ in epoch_checkpoints(folder) if e > 0]
    return "pca" if len(saved) >= 2 else "random"


def _seeds(seed: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(check_int("seed", seed, low=0)).spawn(2)


def _subset(data: Any, split: str, samples: int, rng: np.random.Generator) -> tuple[Any, Any]:
    x, y = (data.x_train, data.y_train) if split == "train" else (data.x_test, data.y_test)
    if samples >= len(x):
        return x, y
    keep = np.sort(rng.choice(len(x), size=samples, replace=False))
    return x[keep], y[keep]


def _pca_plane(
    model: Any, states: list[dict[str, np.ndarray]], final: dict[str, np.ndarray], ignore: bool
) -> tuple[Direction, Direction, PCAResult]:
    """The two PCA directions of the trajectory about the final point, as parameter dicts,
    and the whole PCA (coordinates, explained variance ratios)."""
    like = {name: p.data for name, p in model.named_parameters()}
    points = flatten(states, list(like))
    origin = flatten([final], list(like))[0]
    if ignore:
        one_d = np.concatenate([np.full(a.size, a.ndim <= 1) for a in like.values()])
        points[:, one_d] = 0.0
        origin[one_d] = 0.0
    pca = pca_directions(points, origin=origin)
    d1, d2 = (unflatten(c, like) for c in pca.components)
    return d1, d2, pca


def _covering_grid(values: np.ndarray, scale: float, resolution: int) -> np.ndarray:
    low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    centre, half = (low + high) / 2, (high - low) / 2 * (1 + MARGIN)
    return centre + symmetric_grid(scale * max(half, 1e-12), resolution)


def _check_memory(
    model: Any, x: np.ndarray, points: int, batch_size: int | None, limit: int | None
) -> int:
    need = memory_needed(model, x, points=points, batch_size=batch_size)
    allowed = default_memory_limit() if limit is None else int(limit)
    if need > allowed:
        raise ValueError(
            f"a landscape of {points:,} points on {len(x):,} samples would need "
            f"{_size(need)} of memory, more than the {_size(allowed)} allowed; lower the "
            f"resolution, the samples or the batch size"
        )
    return need


def _check_time(seconds: float, resolution: int, limit: float | None) -> None:
    estimate = seconds / resolution * resolution**2
    if limit is not None and estimate > limit:
        raise ValueError(
            f"a {resolution} x {resolution} landscape would take about {_duration(estimate)} "
            f"({1000 * seconds / resolution:.1f} ms per point), more than the "
            f"{_duration(limit)} allowed; lower the resolution or the samples"
        )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.2g} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def memory_needed(model: Any, x: np.ndarray, *, points: int, batch_size: int | None = None) -> int:
    """Bytes a landscape of ``points`` points on the samples ``x`` needs.

    The data, four copies of one batch's activations (measured by a forward pass of one
    sample), the three outputs kept of the first layer for every sample, and the results.
    """
    per_sample = _activation_bytes(model, x[:1])
    batch = len(x) if batch_size is None else min(int(batch_size), len(x))
    return int(x.nbytes + 4 * per_sample * batch + 3 * per_sample * len(x) + 16 * points)


def _activation_bytes(model: Any, sample: np.ndarray) -> int:
    sizes: list[int] = []
    hooks = [
        m.register_forward_hook(lambda _m, _i, out: sizes.append(int(out.data.nbytes)))
        for m in model.modules()
        if not any(True for _ in m.children())
    ]
    was_training = model.training
    try:
        model.eval()
        with no_grad():
            model(Tensor(sample))
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    return max(sum(sizes), int(sample.nbytes))


def default_memory_limit() -> int:
    """Half of the machine's physical memory (8 GiB where it cannot be read)."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // 2
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**28 else f"{n / 2**20:.1f} MiB"
