"""Optimisers racing on a test function: same start, same step budget, every step recorded.

:func:`descend` puts one kobai :class:`~kobai.nn.Parameter` of shape ``(dim,)`` at the start
point, builds each optimiser with :func:`kobai.optim.create` (PyTorch-faithful or textbook), and
repeats *gradient, then* ``step()``. The gradient is the registered function's hand-written one
(:attr:`~kobai.landscape.TestFunction.grad`, the same numbers as autograd's without building a
graph every step), or autograd's for expressions and callables. It never crashes on a bad
learning rate: too large shows as ``"diverged"``, too small as ``"crawling"`` (source 002).

Status words (``"converged"``, ``"diverging"``, ``"crawling"``, ...) follow the rules of
:mod:`kobai.landscape.status`; ``STATUS_MEANINGS`` says each in one line.

Examples
--------
>>> from kobai.landscape import descend
>>> runs = descend("quadratic", ["sgd"], start=2.0, lr=0.1, steps=3)
>>> runs["sgd"].points.ravel().round(4).tolist()
[2.0, 1.8, 1.62, 1.458]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.landscape.functions import TestFunction, get_function
from kobai.landscape.status import run_status
from kobai.nn.parameter import Parameter
from kobai.optim import registry
from kobai.validation import check_int, check_real, check_str

CRAWL_FRACTION = 0.01
# More steps than anyone can look at; a bound keeps a typo (1e10) from eating the memory.
MAX_STEPS = 1_000_000


@dataclass
class Trajectory:
    """One optimiser's path on a function.

    Attributes
    ----------
    label : str
        Name in legends (the optimiser name, or the key given in a dict of settings).
    optimizer : str
        Registered optimiser name (``"adam"``, ``"textbook-momentum"``, ...).
    hyper : dict
        The hyper-parameters given to it, ``lr`` included (presets such as momentum 0.9 of
        ``"momentum"`` included too).
    points : ndarray of shape (k + 1, dim)
        ``x_0`` (the start) to ``x_k``; ``k = steps`` unless the run diverged.
    values : ndarray of shape (k + 1,)
        ``f(x_t)``.
    grad_norms : ndarray of shape (k + 1,)
        ``|grad f(x_t)|``.
    status : str
        One of :data:`kobai.landscape.status.STATUSES`, by the rules of that module.
    diverged_at : int or None
        The first step whose point or value was not finite or beyond the threshold.
    function : str
        Name of the function.
    converged_at : int or None
        For a converged run, the step from which it stayed within the tolerance.
    """

    label: str
    optimizer: str
    hyper: dict[str, Any]
    points: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    status: str
    diverged_at: int | None = None
    function: str = ""
    converged_at: int | None = None

    @property
    def lr(self) -> float:
        """The learning rate of the run (``hyper['lr']``)."""
        return float(self.hyper["lr"])

    @property
    def steps(self) -> int:
        """Number of steps recorded (``len(points) - 1``)."""
        return len(self.points) - 1

    def describe_hyper(self) -> str:
        """``"lr=0.1, momentum=0.9"``: the hyper-parameters for a legend."""
        return ", ".join(f"{k}={_short(v)}" for k, v in self.hyper.items())

    def status_text(self, lang: str | None = None) -> str:
        """``"converged at step 37"``, ``"diverged at step 69"`` or the status word, in
        ``lang`` (default: kobai's language; the catalogue's ``descent.*`` messages)."""
        from kobai.i18n import t, t_or

        if self.status == "diverged" and self.diverged_at is not None:
            return t("descent.diverged_at", step=self.diverged_at, lang=lang)
        if self.status == "converged" and self.converged_at is not None:
            return t("descent.converged_at", step=self.converged_at, lang=lang)
        return t_or(f"descent.status.{self.status}", self.status, lang=lang)

    def summary(self) -> str:
        """One line: label, hyper-parameters, status and where the run ended."""
        head = f"{self.label} ({self.describe_hyper()}): {self.status_text(lang='en')}"
        if self.status == "diverged":
            return head
        end = f"f = {self.values[-1]:.4g} at ({', '.join(f'{v:.4g}' for v in self.points[-1])})"
        budget = "" if self.status == "converged" else f" after {self.steps} steps"
        return f"{head}{budget}, {end}"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    return str(value)


def descend(
    function: str | TestFunction | Any,
    optimizers: str | Iterable[str] | Mapping[str, Mapping[str, Any]] = (
        "sgd",
        "momentum",
        "adagrad",
        "adam",
    ),
    *,
    start: Any = None,
    steps: int = 100,
    lr: float | Mapping[str, float] | None = None,
    hyper: Mapping[str, Any] | None = None,
    divergence_threshold: float = 1e6,
    tol: float | None = None,
    dtype: Any = np.float64,
) -> dict[str, Trajectory]:
    """Run optimisers from the same start for the same number of steps on a function.

    Parameters
    ----------
    function : str, callable or TestFunction
        Anything :func:`~kobai.landscape.get_function` accepts.
    optimizers : str, sequence of str, or mapping of label to settings
        Registered optimiser names (see :func:`kobai.optim.available`), or, to race settings,
        ``{"adam lr=0.3": {"name": "adam", "lr": 0.3}, ...}``; each settings dict holds
        ``name`` and any hyper-parameters.
    start : float or sequence of float, optional
        Start point, shape ``(dim,)``; default ``function.start``.
    steps : int, default 100
        Number of optimiser steps (the same budget for all).
    lr : float or mapping of label to float, optional
        Learning rate(s). Default: the function's suggestion for the optimiser's family
        (``function.lr``), else the optimiser's own default.
    hyper : mapping, optional
        Extra hyper-parameters given to every optimiser (e.g. ``{"weight_decay": 0.01}``).
    divergence_threshold : float, default 1e6
        ``|f|`` or a coordinate beyond this means divergence.
    tol : float, optional
        Convergence tolerance on the gradient norm and the last step; default 1e-6 in
        float64, 1e-3 in float32.
    dtype : dtype, default float64
        Precision of the parameter. float64 by default so that the value panels on a log scale
        show the optimiser converging, not float32's rounding floor (about 1e-7 relative).

    Returns
    -------
    dict of str to Trajectory
        One per optimiser, in the order given.

    Raises
    ------
    ValueError
        Unknown function or optimiser (the valid names are listed), bad hyper-parameters,
        a start of the wrong size, non-positive steps.
    """
    fn = get_function(function)
    settings = _settings(optimizers, lr, hyper, fn)
    n_steps = _check_steps(steps)
    threshold = _positive("divergence_threshold", divergence_threshold)
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype must be a floating type, got {dt}")
    tolerance = (1e-6 if dt == np.float64 else 1e-3) if tol is None else _positive("tol", tol)
    x0 = np.asarray(fn.start if start is None else start, dtype=np.float64).reshape(-1)
    if x0.shape != (fn.dim,):
        raise ValueError(f"start must have {fn.dim} coordinate(s) for {fn.name}, got {x0.shape}")
    reference = _reference_value(fn)
    return {
        label: _run(fn, label, name, hp, x0.astype(dt), n_steps, threshold, tolerance, reference)
        for label, (name, hp) in settings.items()
    }


def _check_steps(steps: Any) -> int:
    return check_int("steps", steps, low=1, high=MAX_STEPS)


def _positive(name: str, value: Any) -> float:
    return check_real(name, value, low=0, low_open=True)


def family(name: str) -> str:
    """The optimiser family of a registered name: ``"textbook-adam"`` -> ``"adam"``."""
    key = name.strip().lower().replace("_", "-")
    return key.removeprefix("textbook-")


def _settings(
    optimizers: Any, lr: Any, hyper: Mapping[str, Any] | None, fn: TestFunction
) -> dict[str, tuple[str, dict[str, Any]]]:
    """label -> (registered name, hyper-parameters incl. lr and presets)."""
    common = dict(hyper or {})
    if isinstance(optimizers, str):
        optimizers = [optimizers]
    if isinstance(optimizers, Mapping):
        raw = {str(k): dict(v) for k, v in optimizers.items()}
    else:
        names = [str(o) for o in optimizers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(
                f"optimizer {repeated[0]!r} given twice; race different settings with a dict "
                "label -> {'name': ..., 'lr': ...}"
            )
        raw = {n: {"name": n} for n in names}
    if not raw:
        raise ValueError("optimizers is empty; give at least one optimizer name")
    if isinstance(lr, Mapping) and set(lr) - set(raw):
        raise ValueError(f"lr given for unknown label(s) {sorted(set(lr) - set(raw))}")
    return {label: _one(label, s, lr, common, fn) for label, s in raw.items()}


def _one(
    label: str, spec: dict[str, Any], lr: Any, common: dict[str, Any], fn: TestFunction
) -> tuple[str, dict[str, Any]]:
    if "name" not in spec:
        raise ValueError(f"settings of {label!r} need a 'name' (an optimizer name)")
    name = _optimizer_name(spec.pop("name"))
    cls, preset = registry.OPTIMIZERS[name]
    rate = spec.pop("lr", None)
    if rate is None:
        rate = lr.get(label) if isinstance(lr, Mapping) else lr
    if rate is None:
        rate = fn.lr.get(family(name), _default_lr(cls))
    hp = {"lr": float(rate), **preset, **common, **spec}
    return name, hp


def _optimizer_name(name: Any) -> str:
    check_str("optimizer name", name, empty=True)
    key = name.strip().lower().replace("_", "-")
    if key not in registry.OPTIMIZERS:
        raise ValueError(
            f"unknown optimizer {name!r}; valid names: {', '.join(registry.available())}"
        )
    return key


def _default_lr(cls: Any) -> float:
    import inspect

    default = inspect.signature(cls).parameters["lr"].default
    if default is inspect.Parameter.empty:
        raise ValueError(f"{cls.__name__} has no default learning rate; pass lr")
    return float(default)


def _reference_value(fn: TestFunction) -> float:
    if fn.f_min is not None:
        return fn.f_min
    values = fn.grid(201)[-1]
    finite = values[np.isfinite(values)]
    return float(finite.min()) if finite.size else -math.inf


def _run(
    fn: TestFunction,
    label: str,
    name: str,
    hp: dict[str, Any],
    x0: np.ndarray,
    steps: int,
    threshold: float,
    tol: float,
    reference: float,
) -> Trajectory:
    param = Parameter(x0.copy())
    opt = registry.create(name, [param], **hp)
    points, values, norms = [], [], []
    diverged_at = None
    evaluate = _evaluate if fn.grad is None else _evaluate_by_hand
    for t in range(steps + 1):
        point = param.data.astype(np.float64)
        value, grad = evaluate(fn, param)
        # Python's math on the few coordinates: NumPy's reductions cost microseconds a step.
        bad_point = not all(math.isfinite(v) and abs(v) <= threshold for v in point.tolist())
        bad_grad = not all(map(math.isfinite, grad.tolist()))
        if bad_point or bad_grad or not abs(value) <= threshold:
            if t == 0:
                where = ", ".join(f"{v:g}" for v in x0.tolist())
                raise ValueError(
                    f"{fn.name} has no finite value and gradient within the divergence "
                    f"threshold {threshold:g} at the start ({where}); choose another start"
                )
            diverged_at = t
            break
        points.append(point)
        values.append(value)
        norms.append(math.sqrt(grad.dot(grad)))  # what np.linalg.norm computes for a vector
        if t < steps:
            opt.step()
    trajectory = Trajectory(
        label=label,
        optimizer=name,
        hyper=hp,
        points=np.array(points, dtype=np.float64).reshape(-1, fn.dim),
        values=np.array(values, dtype=np.float64),
        grad_norms=np.array(norms, dtype=np.float64),
        status="diverged",
        diverged_at=diverged_at,
        function=fn.name,
    )
    if diverged_at is None:
        trajectory.status, trajectory.converged_at = run_status(
            trajectory.points, trajectory.values, trajectory.grad_norms, tol=tol, f_min=reference
        )
    return trajectory


def _evaluate(fn: TestFunction, param: Parameter) -> tuple[float, np.ndarray]:
    param.grad = None
    with np.errstate(all="ignore"):
        out = fn.tensor_value(param)
        value = float(out.item())
        if not math.isfinite(value):
            return value, np.full(fn.dim, np.nan)
        out.backward()
    grad = np.zeros(fn.dim) if param.grad is None else param.grad
    return value, np.asarray(grad, dtype=np.float64)


def _evaluate_by_hand(fn: TestFunction, param: Parameter) -> tuple[float, np.ndarray]:
    """:func:`_evaluate` with the function's own gradient instead of a graph (same numbers)."""
    gradient = fn.grad
    if gradient is None:
        return _evaluate(fn, param)
    param.grad = None
    with np.errstate(all="ignore"):
        # A batch of one point, so that every operation runs on an array as on the Tensor.
        value = float(fn.fn(param.data[None])[0])
        if not math.isfinite(value):
            return value, np.full(fn.dim, np.nan)
        param.grad = gradient(param.data)
    return value, np.asarray(param.grad, dtype=np.float64)
