"""Test functions for pictures of descent: 1-D and 2-D, with known minima and plotting ranges.

Each :class:`TestFunction` is written once with operators and the functions of
:mod:`kobai.landscape._math`, so the same formula is evaluated on a whole ndarray grid (for
contour plots) and on a kobai Tensor (so autograd gives the gradient the optimisers follow).

Examples
--------
>>> from kobai.landscape import get_function
>>> f = get_function("rosenbrock")
>>> f.value([1.0, 1.0]).item(), f.gradient([1.0, 1.0]).tolist()
(0.0, [0.0, 0.0])
>>> get_function("x**2 + 3*sin(y)").dim
2
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.landscape import _gradients as gradients
from kobai.landscape import _math as m
from kobai.landscape.expression import compile_expression
from kobai.validation import check_int

Bounds = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class TestFunction:
    """A function of one or two variables to run optimisers on and to draw.

    Attributes
    ----------
    name : str
        Registered name (``"rosenbrock"``) or the expression's text.
    dim : {1, 2}
        Number of variables.
    label : str
        The formula, for titles.
    fn : callable
        ``fn(p)``: ``p`` an ndarray of shape ``(..., dim)`` (a whole ``(201, 201, 2)`` grid in
        one call) or a kobai Tensor of shape ``(dim,)``; returns the values, shape ``(...)``,
        as an ndarray or a Tensor that autograd can differentiate.
    bounds : tuple of (low, high)
        Plotting range of each variable.
    minima : list of tuple
        Known global minima (points); empty when the function has none.
    start : tuple of float
        A start point that makes an instructive picture.
    log_levels : bool
        Whether contour levels should be spaced on a log scale (steep valleys).
    lr : mapping of str to float
        Learning rates that make a good race on this function, by optimiser family
        (``"sgd"``, ``"momentum"``, ``"adam"``, ...); :func:`~kobai.landscape.descend` uses
        them when no ``lr`` is given.
    description : str
        One sentence on what the function shows.
    marks : tuple of (x, y, text)
        Features to label on 2-D pictures (a hill, a saddle point).
    levels : int
        Number of contour levels that reads well for this function.
    grad : callable or None
        ``grad(p)``: the gradient written out by hand, ``p`` a floating ndarray of shape
        ``(..., dim)`` -> ndarray of the same shape and dtype. Each registered function has
        one, ordered so that it rounds exactly as autograd does; :func:`~kobai.landscape.descend`
        uses it instead of building a graph at every step. None (expressions, callables):
        autograd.
    """

    __test__ = False  # a library class whose name starts with "Test": not a pytest class

    name: str
    dim: int
    label: str
    fn: Callable[[Any], Any]
    bounds: Bounds
    minima: list[tuple[float, ...]] = field(default_factory=list)
    start: tuple[float, ...] = ()
    log_levels: bool = False
    lr: Mapping[str, float] = field(default_factory=dict)
    description: str = ""
    marks: tuple[tuple[float, float, str], ...] = ()
    levels: int = 25
    grad: Callable[[np.ndarray], np.ndarray] | None = None

    def points(self, points: Any) -> np.ndarray:
        """``points`` as a float64 array of shape ``(..., dim)``.

        For a 1-D function, an array whose last axis is not of size 1 is a set of points.
        """
        p = np.asarray(points, dtype=np.float64)
        if self.dim == 1 and (p.ndim == 0 or p.shape[-1] != 1):
            p = p[..., None]
        if p.ndim == 0 or p.shape[-1] != self.dim:
            raise ValueError(
                f"{self.name} takes points of shape (..., {self.dim}), got shape {p.shape}"
            )
        return p

    def value(self, points: Any) -> np.ndarray:
        """``f`` at each point: ``points`` of shape ``(..., dim)`` -> ndarray of shape ``(...)``."""
        p = self.points(points)
        with np.errstate(all="ignore"):
            out = self.fn(p)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), p.shape[:-1]).copy()

    def gradient(self, point: Any) -> np.ndarray:
        """The gradient at one point, by autograd: ndarray of shape ``(dim,)``."""
        p = self.points(point).reshape(-1)
        if p.shape != (self.dim,):
            raise ValueError(f"gradient takes one point of shape ({self.dim},), got {p.shape}")
        x = Tensor(p, requires_grad=True)
        out = self.tensor_value(x)
        out.backward()
        return np.zeros(self.dim) if x.grad is None else np.asarray(x.grad, dtype=np.float64)

    def tensor_value(self, p: Tensor) -> Tensor:
        """``fn`` on a Tensor, checked to give a scalar Tensor that autograd can follow."""
        out = self.fn(p)
        if not isinstance(out, Tensor):
            raise TypeError(
                f"function {self.name!r} returned {type(out).__name__} for a kobai Tensor; "
                "build it from operators and kobai ops (not NumPy functions) so that autograd "
                "can differentiate it"
            )
        if out.shape != ():
            raise ValueError(f"function {self.name!r} must return a scalar, got shape {out.shape}")
        return out

    def grid(
        self, n: int = 201, bounds: Bounds | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray]:
        """Values on a regular grid over ``bounds`` (default: :attr:`bounds`).

        Returns
        -------
        (X, Y, Z) : ndarrays of shape (n, n) for a 2-D function (``Z[i, j] = f(X[i, j],
            Y[i, j])``, rows along y as :func:`numpy.meshgrid` makes them), or
        (x, z) : ndarrays of shape (n,) for a 1-D function.
        """
        n = check_int("n", n, low=2)
        box = _check_bounds(bounds if bounds is not None else self.bounds, self.dim)
        axes = [np.linspace(lo, hi, int(n)) for lo, hi in box]
        if self.dim == 1:
            return axes[0], self.value(axes[0][:, None])
        X, Y = np.meshgrid(axes[0], axes[1])
        return X, Y, self.value(np.stack([X, Y], axis=-1))

    @property
    def f_min(self) -> float | None:
        """The smallest value at the known minima (None when there are none)."""
        if not self.minima:
            return None
        return float(np.min(self.value(np.array(self.minima, dtype=np.float64))))


def _check_bounds(bounds: Any, dim: int) -> Bounds:
    try:
        box = tuple((float(lo), float(hi)) for lo, hi in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be {dim} pairs (low, high), got {bounds!r}") from None
    if len(box) != dim or any(not np.isfinite([lo, hi]).all() or lo >= hi for lo, hi in box):
        raise ValueError(f"bounds must be {dim} finite pairs with low < high, got {bounds!r}")
    return box


def _xy(p: Any) -> tuple[Any, Any]:
    return p[..., 0], p[..., 1]


def _quadratic(p: Any) -> Any:
    return p[..., 0] ** 2 / 2


def _bowl(p: Any) -> Any:
    x, y = _xy(p)
    return x**2 / 20 + y**2


def _rosenbrock(p: Any) -> Any:
    x, y = _xy(p)
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _beale(p: Any) -> Any:
    x, y = _xy(p)
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _himmelblau(p: Any) -> Any:
    x, y = _xy(p)
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _saddle(p: Any) -> Any:
    x, y = _xy(p)
    return x**2 + y**4 / 4 - y**2 / 2


def _rastrigin(p: Any) -> Any:
    x, y = _xy(p)
    return 20 + x**2 - 10 * m.cos(2 * np.pi * x) + y**2 - 10 * m.cos(2 * np.pi * y)


def _plateau(p: Any) -> Any:
    x, y = _xy(p)
    return 1 - m.exp(-(x**2 + y**2) / 8)


def _hill(p: Any) -> Any:
    x, y = _xy(p)
    return (x**2 + y**2) / 10 + 2 * m.exp(-((x + 2.5) ** 2 + y**2))


_FAST = {"sgd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.5, "rmsprop": 0.05}
_FAST_ADAPTIVE = {"adam": 0.1, "adamw": 0.1, "nadam": 0.1, "radam": 0.1, "adadelta": 1.0}

#: Learning rates for functions without their own, by optimiser family: values that make a
#: visible race on a function of order 1 over a range of a few units.
GENERIC_LR: dict[str, float] = {**_FAST, "momentum": 0.05, "nesterov": 0.05, **_FAST_ADAPTIVE}

_REGISTRY: dict[str, TestFunction] = {
    f.name: f
    for f in (
        TestFunction(
            "quadratic", 1, "f(x) = x²/2", _quadratic, ((-2.5, 2.5),), [(0.0,)], (2.0,),
            grad=gradients.quadratic,
            lr={"sgd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.5, "adam": 0.1},
            description="source 001: from x = 2 with lr 0.1, x = 1.80, 1.62, 1.458, ...",
        ),
        TestFunction(
            "bowl", 2, "f(x, y) = x²/20 + y²", _bowl, ((-8.0, 8.0), (-3.0, 3.0)),
            [(0.0, 0.0)], (-7.0, 2.0), log_levels=True,
            grad=gradients.bowl,
            lr={"sgd": 0.9, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1.0, "rmsprop": 0.1,
                "adam": 0.3},
            description="an anisotropic bowl: plain SGD zig-zags across the steep direction "
            "and creeps along the flat one",
        ),
        TestFunction(
            "rosenbrock", 2, "f(x, y) = (1 − x)² + 100 (y − x²)²", _rosenbrock,
            ((-2.0, 2.0), (-1.0, 3.0)), [(1.0, 1.0)], (-1.2, 1.0), log_levels=True,
            grad=gradients.rosenbrock,
            lr={"sgd": 2e-3, "momentum": 2e-3, "nesterov": 2e-3, "adagrad": 0.5,
                "rmsprop": 0.01, "adam": 0.2},
            description="a curved, flat-bottomed valley: easy to enter, slow to follow",
        ),
        TestFunction(
            "beale", 2, "f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
            _beale, ((-4.5, 4.5), (-4.5, 4.5)), [(3.0, 0.5)], (1.0, 1.5), log_levels=True,
            grad=gradients.beale,
            lr={"sgd": 0.01, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.5,
                "rmsprop": 0.01, "adam": 0.1},
            description="sharp ridges and flat plains: adaptive step sizes pay off",
        ),
        TestFunction(
            "himmelblau", 2, "f(x, y) = (x² + y − 11)² + (x + y² − 7)²", _himmelblau,
            ((-5.0, 5.0), (-5.0, 5.0)),
            [(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
             (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)],
            (0.0, 0.0), log_levels=True,
            grad=gradients.himmelblau,
            lr={"sgd": 0.01, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.5,
                "rmsprop": 0.05, "adam": 0.1},
            description="four minima of equal depth: which one a run reaches depends on "
            "the optimiser",
        ),
        TestFunction(
            "saddle", 2, "f(x, y) = x² + y⁴/4 − y²/2", _saddle, ((-2.0, 2.0), (-2.0, 2.0)),
            [(0.0, -1.0), (0.0, 1.0)], (-1.8, 0.001),
            grad=gradients.saddle,
            lr={"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5,
                "rmsprop": 0.05, "adam": 0.05},
            description="a saddle point at the origin between two minima: how fast does "
            "each optimiser escape it?", marks=((0.0, 0.0, "saddle point"),),
        ),
        TestFunction(
            "rastrigin", 2, "f(x, y) = 20 + Σ (v² − 10 cos 2πv)", _rastrigin,
            ((-5.12, 5.12), (-5.12, 5.12)), [(0.0, 0.0)], (-4.5, 4.3),
            grad=gradients.rastrigin,
            lr={"sgd": 0.002, "momentum": 0.004, "nesterov": 0.006, "adagrad": 0.5,
                "rmsprop": 0.2, "adam": 0.5},
            description="a grid of local minima: every optimiser gets stuck somewhere",
            levels=12,
        ),
        TestFunction(
            "plateau", 2, "f(x, y) = 1 − exp(−(x² + y²)/8)", _plateau,
            ((-6.0, 6.0), (-6.0, 6.0)), [(0.0, 0.0)], (5.0, 4.0),
            grad=gradients.plateau,
            lr={"sgd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.5,
                "rmsprop": 0.05, "adam": 0.1},
            description="a nearly flat plain around a well: tiny gradients stall plain SGD, "
            "momentum builds up speed, Adam's normalised steps do not care",
        ),
        TestFunction(
            "hill", 2, "f(x, y) = (x² + y²)/10 + 2 exp(−((x + 2.5)² + y²))", _hill,
            ((-6.0, 3.0), (-4.0, 4.0)), [(0.06968525078117106, 0.0)], (-5.5, 0.3),
            grad=gradients.hill,
            lr={"sgd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.5,
                "rmsprop": 0.05, "adam": 0.1},
            description="source 000: in 2-D a path can go around a hill (a detour), which "
            "a 1-D path never can", marks=((-2.5, 0.0, "hill"),),
        ),
    )
}  # fmt: skip


def available_functions() -> list[str]:
    """The registered function names :func:`get_function` accepts."""
    return list(_REGISTRY)


def get_function(
    spec: str | Callable[..., Any] | TestFunction,
    *,
    bounds: Bounds | None = None,
    start: Any = None,
    name: str | None = None,
) -> TestFunction:
    """A :class:`TestFunction` from a registered name, an expression, or a callable.

    Parameters
    ----------
    spec : str, callable or TestFunction
        A name of :func:`available_functions`; or a formula in ``x`` (and ``y``) such as
        ``"x**2 + 3*sin(y)"``, parsed safely (see :mod:`kobai.landscape.expression`); or a
        callable ``f(x)`` or ``f(x, y)`` built from operators and kobai ops, which receives
        ndarrays or Tensors of any shape.
    bounds : sequence of (low, high), optional, keyword-only
        Plotting range; default: the function's own, or (-3, 3) per variable.
    start : sequence of float, optional, keyword-only
        Default start point; default: the function's own, or a point off the centre.
    name : str, optional, keyword-only
        Name for titles and file names (default: the registered name or the text).

    Raises
    ------
    ValueError
        For an unknown name (listing the valid ones) or an expression outside the whitelist.
    """
    if isinstance(spec, TestFunction):
        function = spec
    elif isinstance(spec, str):
        function = _from_text(spec)
    elif callable(spec):
        function = _from_callable(spec)
    else:
        raise TypeError(
            f"function must be a name, an expression or a callable, got {type(spec).__name__}"
        )
    return _override(function, bounds, start, name)


def _override(function: TestFunction, bounds: Any, start: Any, name: str | None) -> TestFunction:
    changes: dict[str, Any] = {}
    if bounds is not None:
        changes["bounds"] = _check_bounds(bounds, function.dim)
    if start is not None:
        changes["start"] = tuple(float(v) for v in function.points(start).reshape(-1))
    if name is not None:
        changes["name"] = str(name)
    return replace(function, **changes) if changes else function


def _from_text(text: str) -> TestFunction:
    key = text.strip().lower()
    if key in _REGISTRY:
        return _REGISTRY[key]
    if key.isidentifier() and key not in ("x", "y"):
        raise ValueError(
            f"unknown function {text!r}; valid names: {', '.join(_REGISTRY)} "
            "(or a formula in x and y such as 'x**2 + 3*sin(y)')"
        )
    fn, names = compile_expression(text)
    return _generic(text.strip(), len(names), fn, f"f({', '.join(names)}) = {text.strip()}")


def _from_callable(fn: Callable[..., Any]) -> TestFunction:
    try:
        arity = len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        arity = 1
    if arity not in (1, 2):
        raise ValueError(f"a function callable takes x or (x, y), got {arity} parameters")
    name = getattr(fn, "__name__", "function")

    def point_fn(p: Any) -> Any:
        return fn(*(p[..., i] for i in range(arity)))

    return _generic(name, arity, point_fn, name)


def _generic(name: str, dim: int, fn: Callable[[Any], Any], label: str) -> TestFunction:
    bounds = ((-3.0, 3.0),) * dim
    start = (2.0,) if dim == 1 else (-2.2, 2.0)
    return TestFunction(name, dim, label, fn, bounds, [], start, lr=dict(GENERIC_LR))
