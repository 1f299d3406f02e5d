"""Element-wise functions that work on ndarrays and on kobai Tensors (through autograd).

A test function is written once, ``(1 - x)**2 + 100 * (y - x**2)**2`` or
``20 + x**2 - 10 * cos(2 * pi * x)``, and evaluated two ways: on a whole ndarray grid at NumPy
speed, and on a :class:`~kobai.Tensor` so that autograd gives its gradient. Operators already
dispatch by type; the functions here do the same for ``sin``, ``exp``, ... The trigonometric
ops are not in :mod:`kobai.functional`, so they are defined here with their derivatives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor


class Sin(Function):
    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return np.sin(a)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * np.cos(self.a),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * Cos()(self.saved()[0]),)


class Cos(Function):
    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return np.cos(a)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (-grad * np.sin(self.a),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (-grad * Sin()(self.saved()[0]),)


class Tan(Function):
    def forward(self, a: np.ndarray) -> np.ndarray:
        self.out = np.tan(a)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * (1 + self.out * self.out),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        t = Tan()(self.saved()[0])
        return (grad * (1 + t * t),)


class Arctan(Function):
    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return np.arctan(a)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad / (1 + self.a * self.a),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (a,) = self.saved()
        return (grad / (1 + a * a),)


def _unary(tensor_fn: Callable[[Any], Any], numpy_fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(a: Any) -> Any:
        if isinstance(a, Tensor):
            return tensor_fn(a)
        # Errors (log of a negative number, overflow) become NaN or inf, which the caller
        # reports as divergence; a warning per grid would only be noise.
        with np.errstate(all="ignore"):
            return numpy_fn(a)

    return apply


def _sigmoid_np(a: Any) -> Any:
    # 0.5 * (1 + tanh(a / 2)) is the logistic function without overflow for large |a|.
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(a)))


def _softplus_np(a: Any) -> Any:
    return np.logaddexp(0.0, a)


def _sinh(a: Any) -> Any:
    return (exp(a) - exp(-a)) / 2


def _cosh(a: Any) -> Any:
    return (exp(a) + exp(-a)) / 2


sin = _unary(lambda a: Sin()(a), np.sin)
cos = _unary(lambda a: Cos()(a), np.cos)
tan = _unary(lambda a: Tan()(a), np.tan)
arctan = _unary(lambda a: Arctan()(a), np.arctan)
exp = _unary(F.exp, np.exp)
log = _unary(F.log, np.log)
sqrt = _unary(F.sqrt, np.sqrt)
abs_ = _unary(F.abs, np.abs)
tanh = _unary(F.tanh, np.tanh)
sigmoid = _unary(F.sigmoid, _sigmoid_np)
softplus = _unary(F.softplus, _softplus_np)

#: The functions a user's expression may call, by name.
FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "sin": sin,
    "cos": cos,
    "tan": tan,
    "arctan": arctan,
    "exp": exp,
    "log": log,
    "sqrt": sqrt,
    "abs": abs_,
    "tanh": tanh,
    "sinh": _sinh,
    "cosh": _cosh,
    "sigmoid": sigmoid,
    "relu": _unary(F.relu, lambda a: np.maximum(a, 0.0)),
    "softplus": softplus,
}
