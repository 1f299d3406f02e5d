"""The loss of a real network along lines and over planes in its parameter space.

Every picture here evaluates the model at points ``origin + c1 * d1 (+ c2 * d2)``: a 1-D
slice, a 2-D surface, or the linear interpolation from the initial to the final parameters
(origin: the initial state, direction: final minus initial). The model is evaluated in eval
mode, without an autograd graph, in large batches on fixed data; its arrays are overwritten
in place at every point (never rebuilt) and restored afterwards.

When the model is a ``Sequential`` whose first layer with parameters is a ``Linear`` or a
convolution, that layer's output is affine in its own parameters,
``f(x; W + c1 D1 + c2 D2) = f(x; W) + c1 f_0(x; D1) + c2 f_0(x; D2)``, so it is computed three
times in all and every point costs only the layers above it (for the default MNIST MLP that
skips 85% of the work).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.autograd import Tensor, no_grad
from kobai.landscape.directions import model_state
from kobai.validation import check_int, check_real


@dataclass
class LossLine:
    """Loss and metric along a line: ``origin + alphas[i] * direction``.

    Attributes
    ----------
    alphas : ndarray of shape (n,)
    loss : ndarray of shape (n,)
    metric : ndarray of shape (n,)
        Accuracy (classification) or R^2 (regression), named by ``metric_name``.
    metric_name : str
    """

    alphas: np.ndarray
    loss: np.ndarray
    metric: np.ndarray
    metric_name: str


@dataclass
class LossSurface:
    """Loss and metric over a plane: ``origin + xs[j] * d1 + ys[i] * d2``.

    Attributes
    ----------
    xs : ndarray of shape (nx,)
    ys : ndarray of shape (ny,)
    loss : ndarray of shape (ny, nx)
        Row ``i``, column ``j`` at ``(xs[j], ys[i])`` (the layout of ``plt.contour``).
    metric : ndarray of shape (ny, nx)
    metric_name : str
    """

    xs: np.ndarray
    ys: np.ndarray
    loss: np.ndarray
    metric: np.ndarray
    metric_name: str


def _affine_head(model: Any) -> tuple[list[Any], Any, list[Any]] | None:
    """(parameter-free prefix, first layer with parameters, the rest) when the fast path
    applies, else None."""
    from kobai import nn

    if not isinstance(model, nn.Sequential) or model._forward_hooks:
        return None
    modules = list(model.children())
    for i, module in enumerate(modules):
        if not any(True for _ in module.parameters()):
            if any(True for _ in module.buffers()) or module._forward_hooks:
                return None
            continue
        affine = isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d))
        own = {id(p) for p in module.parameters()}
        # A parameter shared with a later layer would move there but not here.
        shared = any(id(p) in own for m in modules[i + 1 :] for p in m.parameters())
        if not affine or module._forward_hooks or shared:
            return None
        return modules[:i], module, modules[i + 1 :]
    return None


class PlaneEvaluator:
    """Loss and metric of ``model`` at ``origin + sum_k c_k d_k``, on fixed data.

    Use as a context manager: the model's parameters, buffers and mode are restored on exit.

    Parameters
    ----------
    model : Module
    loss : callable
        ``loss(output, y)`` with mean reduction, e.g. ``nn.CrossEntropyLoss()``.
    data : (X, y)
        ndarrays of shape (n_samples, ...).
    origin : mapping of str to ndarray, optional
        Values of parameters and floating buffers (default: the model's current state);
        names it lacks keep the model's values.
    directions : sequence of mapping of str to ndarray
        Names it lacks have a zero direction.
    task : {"classification", "regression"}, optional
        Inferred from ``y``'s dtype.
    batch_size : int, optional
        Samples per forward pass (default: all of them at once).
    """

    def __init__(
        self,
        model: Any,
        loss: Any,
        data: tuple[Any, Any],
        *,
        origin: Mapping[str, np.ndarray] | None = None,
        directions: Sequence[Mapping[str, np.ndarray]] = (),
        task: str | None = None,
        batch_size: int | None = None,
    ) -> None:
        from kobai.train import metrics

        self.model, self.loss = model, loss
        self.x, self.y = np.asarray(data[0]), np.asarray(data[1])
        if len(self.x) != len(self.y) or len(self.x) == 0:
            raise ValueError(
                f"data needs as many X as y (> 0), got {len(self.x)} and {len(self.y)}"
            )
        self.task = task or metrics.infer_task(self.y)
        self.metric_name = "accuracy" if self.task == "classification" else "r2"
        self.targets = _targets(model)
        self.saved = {name: a.copy() for name, a in self.targets.items()}
        self.origin = {n: np.asarray(v) for n, v in (origin or self.saved).items()}
        self.directions = [dict(d) for d in directions]
        for mapping in (self.origin, *self.directions):
            _check_names(mapping, self.targets)
        size = len(self.x) if batch_size is None else int(batch_size)
        if size <= 0:
            raise ValueError(f"batch_size must be > 0, got {batch_size}")
        self.batches = [slice(i, i + size) for i in range(0, len(self.x), size)]
        self.was_training = bool(getattr(model, "training", False))
        self.head = _affine_head(model)
        self.heads: list[list[np.ndarray]] = []
        self.scratch: dict[str, np.ndarray] = {}
        self.tail = self.targets
        if self.head is not None:
            first = {id(p.data) for p in self.head[1].parameters()}
            self.tail = {n: a for n, a in self.targets.items() if id(a) not in first}

    def __enter__(self) -> PlaneEvaluator:
        self.model.eval()
        self._set(self.targets, (0.0,) * len(self.directions))
        if self.head is not None:
            self._precompute_head()
        return self

    def __exit__(self, *exc: Any) -> None:
        for name, value in self.saved.items():
            np.copyto(self.targets[name], value)
        self.model.train(self.was_training)
        self.heads = []

    def _set(self, names: Mapping[str, np.ndarray], coefficients: Sequence[float]) -> None:
        for name in names:
            target = self.targets[name]
            np.copyto(target, self.origin.get(name, self.saved[name]), casting="same_kind")
            for c, d in zip(coefficients, self.directions, strict=True):
                if c != 0.0 and name in d:
                    scratch = self.scratch.setdefault(name, np.empty_like(target))
                    np.multiply(d[name], c, out=scratch, casting="same_kind")
                    target += scratch

    def _precompute_head(self) -> None:
        prefix, layer, _ = self.head  # type: ignore[misc]
        names = {f"{_name_of(self.model, layer)}.{k}": p for k, p in layer.named_parameters()}
        with no_grad():
            for batch in self.batches:
                h: Any = Tensor(self.x[batch])
                for module in prefix:
                    h = module(h)
                outputs = [layer(h).data]
                for d in self.directions:
                    for name, p in names.items():
                        p.data[...] = d.get(name, 0.0)
                    outputs.append(layer(h).data)
                self.heads.append(outputs)
        self._set(names, (0.0,) * len(self.directions))

    def __call__(self, *coefficients: float) -> tuple[float, float]:
        """Loss and metric at ``origin + sum_k coefficients[k] * directions[k]``."""
        from kobai.train import metrics

        if len(coefficients) != len(self.directions):
            raise ValueError(
                f"{len(self.directions)} coefficient(s) expected, got {len(coefficients)}"
            )
        self._set(self.tail, coefficients)
        total, outputs = 0.0, []
        # Far from the minimum the loss may overflow: that is a value to plot (inf), not a
        # warning to print.
        with no_grad(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for i, batch in enumerate(self.batches):
                out = self._forward(i, batch, coefficients)
                total += float(self.loss(Tensor(out), self.y[batch]).item()) * len(out)
                outputs.append(out)
        output = np.concatenate(outputs)
        score = metrics.compute(self.task, output, self.y)[self.metric_name]
        return total / len(self.y), score

    def _forward(self, i: int, batch: slice, coefficients: Sequence[float]) -> np.ndarray:
        if self.head is None:
            return np.asarray(self.model(Tensor(self.x[batch])).data)
        first, *rest = self.heads[i]
        buffer = self.scratch.setdefault(f"head:{i}", np.empty_like(first))
        term = self.scratch.setdefault(f"term:{i}", np.empty_like(first))
        np.copyto(buffer, first)
        for c, part in zip(coefficients, rest, strict=True):
            if c != 0.0:
                np.multiply(part, c, out=term, casting="same_kind")
                buffer += term
        h: Any = Tensor(buffer)
        for module in self.head[2]:
            h = module(h)
        return np.asarray(h.data)


def _targets(model: Any) -> dict[str, np.ndarray]:
    """The model's own arrays (parameters and floating buffers), written in place."""
    targets = {name: p.data for name, p in model.named_parameters()}
    for name, array in model.named_buffers():
        if np.issubdtype(array.dtype, np.floating):
            targets[name] = array
    return targets


def _name_of(model: Any, module: Any) -> str:
    return next(name for name, m in model.named_modules() if m is module)


def _check_names(mapping: Mapping[str, np.ndarray], targets: Mapping[str, np.ndarray]) -> None:
    for name, value in mapping.items():
        if name not in targets:
            raise ValueError(
                f"unknown parameter or buffer {name!r}; the model has {', '.join(targets)}"
            )
        if np.shape(value) != targets[name].shape:
            raise ValueError(
                f"{name!r} has shape {np.shape(value)}, the model's has {targets[name].shape}"
            )


def loss_line(
    model: Any,
    loss: Any,
    data: tuple[Any, Any],
    direction: Mapping[str, np.ndarray],
    alphas: Sequence[float] | np.ndarray,
    *,
    origin: Mapping[str, np.ndarray] | None = None,
    task: str | None = None,
    batch_size: int | None = None,
) -> LossLine:
    """The loss along ``origin + alpha * direction`` (a 1-D slice of the landscape).

    Parameters
    ----------
    model : Module
    loss : callable
    data : (X, y)
    direction : mapping of str to ndarray
        E.g. from :func:`~kobai.landscape.directions.random_direction`.
    alphas : sequence of float of shape (n,)
    origin : mapping, optional
        Default: the model's current parameters and buffers.

    Returns
    -------
    LossLine
    """
    steps = _grid("alphas", alphas)
    with PlaneEvaluator(
        model, loss, data, origin=origin, directions=[direction], task=task, batch_size=batch_size
    ) as evaluate:
        values = np.array([evaluate(float(a)) for a in steps])
    return LossLine(steps, values[:, 0], values[:, 1], evaluate.metric_name)


def loss_surface(
    model: Any,
    loss: Any,
    data: tuple[Any, Any],
    directions: Sequence[Mapping[str, np.ndarray]],
    xs: Sequence[float] | np.ndarray,
    ys: Sequence[float] | np.ndarray,
    *,
    origin: Mapping[str, np.ndarray] | None = None,
    task: str | None = None,
    batch_size: int | None = None,
    progress: Any = None,
) -> LossSurface:
    r"""The loss over the plane :math:`\theta + x\,d_1 + y\,d_2` (Li et al. 2018).

    Parameters
    ----------
    model : Module
    loss : callable
    data : (X, y)
    directions : (d1, d2)
        Two directions, e.g. :func:`~kobai.landscape.directions.random_directions` or
        the principal components of a trajectory.
    xs : sequence of float of shape (nx,)
    ys : sequence of float of shape (ny,)
    origin : mapping, optional
        Default: the model's current parameters and buffers (:math:`\theta`).
    progress : callable, optional
        Called with the number of points done after every row.

    Returns
    -------
    LossSurface
        ``loss[i, j]`` at ``(xs[j], ys[i])``; at (0, 0) the model's own loss.
    """
    if len(directions) != 2:
        raise ValueError(f"a surface needs 2 directions, got {len(directions)}")
    gx, gy = _grid("xs", xs), _grid("ys", ys)
    values = np.empty((len(gy), len(gx), 2))
    with PlaneEvaluator(
        model, loss, data, origin=origin, directions=directions, task=task, batch_size=batch_size
    ) as evaluate:
        for i, y in enumerate(gy):
            for j, x in enumerate(gx):
                values[i, j] = evaluate(float(x), float(y))
            if progress is not None:
                progress(len(gx))
    return LossSurface(gx, gy, values[..., 0], values[..., 1], evaluate.metric_name)


def interpolate(
    model: Any,
    loss: Any,
    data: tuple[Any, Any],
    start: Mapping[str, np.ndarray],
    end: Mapping[str, np.ndarray] | None = None,
    alphas: Sequence[float] | np.ndarray | None = None,
    *,
    task: str | None = None,
    batch_size: int | None = None,
) -> LossLine:
    r"""The loss along the straight line from ``start`` to ``end`` (Goodfellow et al. 2015).

    .. math:: \theta(\alpha) = (1 - \alpha)\,\theta_{\text{start}} + \alpha\,\theta_{\text{end}}

    Parameters and floating buffers (BatchNorm's running statistics) are interpolated alike,
    so ``alpha = 0`` is exactly the start model and ``alpha = 1`` the end model; outside
    [0, 1] the buffers keep the values of the nearer end (only the parameters extrapolate).

    Parameters
    ----------
    model : Module
        Evaluated with its arrays overwritten (and restored afterwards).
    loss : callable
    data : (X, y)
    start : mapping of str to ndarray
        A state dict, e.g. the initial parameters of a run.
    end : mapping of str to ndarray, optional
        Default: the model's current state.
    alphas : sequence of float, optional
        Default: 41 points from -0.5 to 1.5 (0 and 1 among them).

    Returns
    -------
    LossLine

    References
    ----------
    I. Goodfellow, O. Vinyals, A. Saxe, "Qualitatively characterizing neural network
    optimization problems", ICLR 2015.
    """
    steps = _grid("alphas", np.linspace(-0.5, 1.5, 41) if alphas is None else alphas)
    final = model_state(model) if end is None else end
    params = {name for name, _ in model.named_parameters()}
    targets = _targets(model)
    names = [n for n in targets if n in start and n in final]
    direction = {n: np.subtract(final[n], start[n], dtype=targets[n].dtype) for n in names}
    values, metric, name = np.empty(len(steps)), np.empty(len(steps)), ""
    # Outside [0, 1] the buffers (BatchNorm's running statistics) stay at the nearer end: an
    # extrapolated running variance could turn negative.
    for keep, ends in ((steps < 0, start), ((steps >= 0) & (steps <= 1), None), (steps > 1, final)):
        if not keep.any():
            continue
        origin = {
            n: np.asarray(start[n] if ends is None or n in params else ends[n]) for n in names
        }
        moving = direction if ends is None else {n: direction[n] for n in names if n in params}
        part = loss_line(model, loss, data, moving, steps[keep], origin=origin, task=task,
                         batch_size=batch_size)  # fmt: skip
        values[keep], metric[keep], name = part.loss, part.metric, part.metric_name
    return LossLine(steps, values, metric, name)


def _grid(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    grid = np.asarray(values, dtype=np.float64)
    if grid.ndim != 1 or len(grid) == 0 or not np.all(np.isfinite(grid)):
        raise ValueError(f"{name} must be a non-empty 1-D sequence of finite numbers")
    return grid


def symmetric_grid(half_width: float, resolution: int) -> np.ndarray:
    """``resolution`` evenly spaced points in [-half_width, half_width], exactly 0 at the
    centre when ``resolution`` is odd."""
    resolution = check_int("resolution", resolution, low=2)
    half_width = check_real("range", half_width, low=0, low_open=True)
    centre = (resolution - 1) / 2
    return half_width * (np.arange(resolution) - centre) / centre
