"""The surfaces of the playground: every 2-D test function, a formula, the single neuron.

A surface is sent to the page as a shaded grid (one byte per cell, indices into the colour
map) and contour lines computed here with contourpy (matplotlib's contour engine), so the page
only draws polylines and pixels.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kobai.landscape import TestFunction, available_functions, get_function
from kobai.web.params import LIMITS, BadRequest, Query, bad, check_expression

NEURON = "neuron"
CUSTOM = "custom"
NEURON_ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
SURFACE_PARAMS = ("surface", "expr", "activation", "samples", "noise", "seed", "w", "b")
# Characters a formula may contain (the parser checks the grammar; this keeps the echo clean).
LEVELS = 18


def surface_names() -> list[str]:
    """The surfaces a request may name: the 2-D test functions, the neuron, a formula."""
    return [n for n in available_functions() if get_function(n).dim == 2] + [NEURON, CUSTOM]


@dataclass(frozen=True)
class NeuronSettings:
    """The data of the single-neuron surface: ``t = f(w x + b) + noise`` (source 000)."""

    activation: str = "sigmoid"
    samples: int = 100
    noise: float = 0.05
    seed: int = 0
    w: float = 2.0
    b: float = -1.0

    @classmethod
    def from_query(cls, q: Query) -> NeuronSettings:
        """The single-neuron surface a URL asks for, checked."""
        return cls(
            activation=q.choice("activation", "sigmoid", NEURON_ACTIVATIONS),
            samples=q.integer("samples", 100, 10, 200),
            noise=q.number("noise", 0.05, *LIMITS["noise"]),
            seed=q.bounded("seed", 0, "seed"),
            w=q.number("w", 2.0, -4.0, 4.0),
            b=q.number("b", -1.0, -4.0, 4.0),
        )


@dataclass(frozen=True)
class SurfaceSettings:
    """Which surface a request asks for."""

    name: str = "rosenbrock"
    expr: str = ""
    neuron: NeuronSettings = field(default_factory=NeuronSettings)

    @classmethod
    def from_query(cls, q: Query) -> SurfaceSettings:
        """The loss surface a URL asks for (a named function or a custom expression), checked."""
        # Every parameter is checked on every request, whichever surface it belongs to: a bad
        # value is an error even where it would not be used.
        name = q.choice("surface", "rosenbrock", surface_names())
        expr = q.text("expr", "")
        if name == CUSTOM or expr:
            check_formula(expr)
        neuron = NeuronSettings.from_query(q)
        # Settings of another surface do not change this one (nor its cache key).
        return cls(
            name, expr if name == CUSTOM else "", neuron if name == NEURON else NeuronSettings()
        )

    def function(self) -> TestFunction:
        """The :class:`~kobai.landscape.TestFunction` the optimizers run on."""
        if self.name == NEURON:
            return neuron_surface(self.neuron)
        if self.name == CUSTOM:
            try:
                fn = get_function(self.expr)
            except (ValueError, TypeError) as exc:
                raise BadRequest.refusing(exc) from None
            if fn.dim != 2:
                raise bad("both_xy", expr=repr(self.expr))
            return fn
        return get_function(self.name)


def check_formula(text: str) -> None:
    """Bound a visitor's formula before the parser sees it."""
    check_expression(
        text,
        empty=bad("surface_expr_required"),
        too_long=bad("expr_length", limit=LIMITS["expression_length"]),
        bad_chars=bad("surface_expr_chars"),
    )


def neuron_surface(settings: NeuronSettings) -> TestFunction:
    """The loss :math:`L(w, b)` of one neuron on its data, as a test function of ``(w, b)``."""
    from kobai.data import make_single_neuron

    s = settings
    x, t = make_single_neuron(
        s.samples, w=s.w, b=s.b, activation=s.activation, noise=s.noise, rng=s.seed
    )
    minima = [(s.w, s.b)] if s.noise == 0 else []
    return neuron_function(x, t, s.activation, minima=minima)


def neuron_function(
    x: np.ndarray,
    t: np.ndarray,
    activation: str = "sigmoid",
    *,
    bounds: tuple[tuple[float, float], ...] = ((-3.0, 7.0), (-5.0, 5.0)),
    start: tuple[float, float] = (-0.5, 1.5),
    minima: Sequence[tuple[float, ...]] | None = None,
) -> TestFunction:
    """The mean squared error of ``y = f(w x + b)`` as a :class:`TestFunction` of ``p = (w, b)``.

    .. math:: L(w, b) = \\frac1N \\sum_i \\bigl(f(w x_i + b) - t_i\\bigr)^2

    On a kobai Tensor ``p`` of shape (2,) it builds the graph that autograd differentiates;
    on an ndarray of points, shape (..., 2), it evaluates every point in float64 (the values
    of :func:`kobai.landscape.neuron.loss`).

    Parameters
    ----------
    x, t : ndarray of shape (N,) or (N, 1)
        Inputs and targets.
    activation : {"sigmoid", "tanh", "relu", "identity"}
    bounds, start, minima
        As in :class:`~kobai.landscape.TestFunction`.
    """
    from kobai.autograd.tensor import Tensor
    from kobai.landscape import neuron
    from kobai.nn import activation as act

    xs = np.asarray(x, dtype=np.float64).reshape(-1)
    ts = np.asarray(t, dtype=np.float64).reshape(-1)

    def loss(p: Any) -> Any:
        if isinstance(p, Tensor):
            z = p[0] * xs + p[1]
            y = z if activation == "identity" else act.get(activation)(z)
            return ((y - ts) ** 2).mean()
        flat = p.reshape(-1, 2)
        out = np.empty(len(flat))
        for i in range(0, len(flat), 4096):
            z = flat[i : i + 4096, :1] * xs + flat[i : i + 4096, 1:]
            out[i : i + 4096] = np.mean((neuron.activate(z, activation) - ts) ** 2, axis=1)
        return out.reshape(p.shape[:-1])

    label = f"L(w, b) = mean ({activation}(w x + b) − t)²"
    return TestFunction(
        "neuron", 2, label, loss, bounds, list(minima or []), start, log_levels=True,
        lr={"sgd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.5, "rmsprop": 0.05,
            "adam": 0.1, "adadelta": 1.0},
        description="the loss of one neuron y = f(w x + b) over its two parameters (source 000)",
    )  # fmt: skip


def grid_values(fn: TestFunction, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, ys, Z)``: the axes and ``Z[i, j] = f(xs[j], ys[i])`` (rows from the bottom)."""
    (x0, x1), (y0, y1) = fn.bounds
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    return xs, ys, fn.value(np.stack([X, Y], axis=-1))


def levels_of(Z: np.ndarray, log: bool) -> tuple[np.ndarray, Any]:
    """Contour levels and the map of values to [0, 1] for the colours (log-spaced if asked)."""
    finite = Z[np.isfinite(Z)]
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        high = low + 1.0
    if log:
        floor = max(float(np.quantile(finite - low, 0.002)), (high - low) * 1e-6)
        levels = low + np.geomspace(floor, high - low, LEVELS)
        scale = np.log(high - low + floor) - np.log(floor)

        def unit(z: np.ndarray) -> np.ndarray:
            return (np.log(np.maximum(z - low, 0) + floor) - np.log(floor)) / scale

    else:
        levels = np.linspace(low, high, LEVELS + 2)[1:-1]

        def unit(z: np.ndarray) -> np.ndarray:
            return (z - low) / (high - low)

    return levels, unit


def contour_lines(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, levels: np.ndarray) -> list:
    """For each level, its polylines as flat ``[x0, y0, x1, y1, ...]`` lists."""
    import contourpy

    masked = np.ma.masked_invalid(Z)
    gen = contourpy.contour_generator(xs, ys, masked, line_type="Separate")
    digits = _digits(xs, ys)
    out = []
    for level in levels:
        segments: Any = gen.lines(float(level))
        lines = [np.round(seg, digits).ravel().tolist() for seg in segments]
        out.append({"level": float(level), "lines": [ln for ln in lines if len(ln) >= 4]})
    return out


def _digits(xs: np.ndarray, ys: np.ndarray) -> int:
    span = max(float(xs[-1] - xs[0]), float(ys[-1] - ys[0]))
    return int(max(2, 4 - np.floor(np.log10(span))))


def surface_payload(fn: TestFunction, n: int) -> dict[str, Any]:
    """Everything the page needs to draw a surface: shades, contours, bounds, minima."""
    xs, ys, Z = grid_values(fn, n)
    finite = np.isfinite(Z)
    if not finite.any():
        raise bad("not_finite", name=fn.name)
    levels, unit = levels_of(Z, fn.log_levels)
    shade = np.full(Z.shape, 255, dtype=np.uint8)
    with np.errstate(all="ignore"):
        shade[finite] = np.rint(np.clip(unit(Z[finite]), 0.0, 1.0) * 254).astype(np.uint8)
    return {
        "name": fn.name,
        "label": fn.label,
        "description": fn.description,
        "bounds": [*map(float, fn.bounds[0]), *map(float, fn.bounds[1])],
        "minima": [[float(v) for v in m] for m in fn.minima],
        "start": [float(v) for v in fn.start],
        "log": bool(fn.log_levels),
        "grid": n,
        "shade": base64.b64encode(shade.tobytes()).decode("ascii"),
        "range": [float(Z[finite].min()), float(Z[finite].max())],
        "contours": contour_lines(xs, ys, Z, levels),
        "lr": {k: float(v) for k, v in fn.lr.items()},
    }
