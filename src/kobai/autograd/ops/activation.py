"""Activation functions and (log-)softmax, in numerically stable forms."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.ops.arithmetic import where
from kobai.autograd.ops.reduction import sum
from kobai.autograd.tensor import Tensor
from kobai.validation import check_int, check_real


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` for any ``x``, keeping a floating dtype (others give float64).

    Accurate to the last bits over the whole range, the tails included: where ``exp(-x)``
    overflows, the result is the correct 0 (the overflow is not an error here). One new
    array, four passes.
    """
    x = np.asarray(x)
    out = np.empty_like(x, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
    np.negative(x, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


class Sigmoid(Function):
    """Element-wise :math:`\\sigma(a) = 1 / (1 + e^{-a})`; gradient :math:`\\sigma(1 - \\sigma)`."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.out = stable_sigmoid(a)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        s = self.out
        gx = np.subtract(1, s, out=np.empty_like(s))
        gx *= s
        gx *= grad
        return (gx,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        s = sigmoid(self.saved()[0])
        return (grad * s * (1 - s),)


class Tanh(Function):
    """Element-wise :math:`\\tanh a`; gradient :math:`1 - \\tanh^2 a`."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.out = np.tanh(a)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        t = self.out
        gx = np.multiply(t, t, out=np.empty_like(t))
        np.subtract(1, gx, out=gx)
        gx *= grad
        return (gx,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        t = tanh(self.saved()[0])
        return (grad * (1 - t * t),)


class ReLU(Function):
    """Element-wise :math:`\\max(a, 0)`; gradient 1 where the output is positive, else 0."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.out = np.maximum(a, 0)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        # The 0/1 mask written straight in the gradient's dtype, then scaled in place: NumPy
        # multiplies two float arrays several times faster than a float by a boolean array.
        gx = np.greater(self.out, 0, out=np.empty_like(grad))
        gx *= grad
        return (gx,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * (self.out > 0),)


class LeakyReLU(Function):
    """``a`` where positive, ``negative_slope * a`` elsewhere (gradient 1 or the slope)."""

    def __init__(self, negative_slope: float) -> None:
        self.slope = negative_slope

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.positive = a > 0
        return np.where(self.positive, a, a * self.slope)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (np.where(self.positive, grad, grad * self.slope),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (where(self.positive, grad, grad * self.slope),)


class Softplus(Function):
    """``log(1 + exp(beta x)) / beta``, linear where ``beta x > threshold`` (as PyTorch)."""

    def __init__(self, beta: float, threshold: float) -> None:
        self.beta, self.threshold = beta, threshold

    def forward(self, a: np.ndarray) -> np.ndarray:
        z = a * self.beta
        self.z, self.linear = z, z > self.threshold
        return np.where(self.linear, a, np.logaddexp(0, z) / self.beta)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * np.where(self.linear, 1, stable_sigmoid(self.z)),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (a,) = self.saved()
        return (where(self.linear, grad, grad * sigmoid(a * self.beta)),)


class Softmax(Function):
    """Softmax along ``axis``; gradient :math:`s \\odot (g - \\sum g \\odot s)`."""

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, a: np.ndarray) -> np.ndarray:
        e = np.exp(a - np.max(a, axis=self.axis, keepdims=True))
        self.out = e / np.sum(e, axis=self.axis, keepdims=True)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        s = self.out
        return (s * (grad - np.sum(grad * s, axis=self.axis, keepdims=True)),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        s = softmax(self.saved()[0], self.axis)
        return (s * (grad - sum(grad * s, self.axis, keepdims=True)),)


class LogSoftmax(Function):
    """Log-softmax along ``axis`` (max-shifted); gradient :math:`g - e^{y} \\sum g`."""

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, a: np.ndarray) -> np.ndarray:
        shifted = a - np.max(a, axis=self.axis, keepdims=True)
        self.out = shifted - np.log(np.sum(np.exp(shifted), axis=self.axis, keepdims=True))
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        softmax = np.exp(self.out)
        return (grad - softmax * np.sum(grad, axis=self.axis, keepdims=True),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        s = softmax(self.saved()[0], self.axis)
        return (grad - s * sum(grad, self.axis, keepdims=True),)


def _axis(axis: Any) -> int:
    return check_int("axis", axis)


def sigmoid(a: Any) -> Any:
    """Logistic function ``1 / (1 + exp(-a))`` (stable: no overflow for any ``a``)."""
    return Sigmoid()(a)


def tanh(a: Any) -> Any:
    """Hyperbolic tangent."""
    return Tanh()(a)


def relu(a: Any) -> Any:
    """``max(a, 0)``; the gradient at 0 is 0 (as PyTorch)."""
    return ReLU()(a)


def leaky_relu(a: Any, negative_slope: float = 0.01) -> Any:
    """``a`` for ``a > 0``, else ``negative_slope * a``."""
    return LeakyReLU(check_real("negative_slope", negative_slope))(a)


def softplus(a: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """``log(1 + exp(beta a)) / beta``, reverting to ``a`` where ``beta a > threshold``."""
    if beta <= 0:
        raise ValueError(f"beta must be > 0, got {beta}")
    return Softplus(float(beta), float(threshold))(a)


def softmax(a: Any, axis: int = -1) -> Any:
    """``exp(a) / sum(exp(a), axis)``, with the maximum subtracted first (no overflow)."""
    return Softmax(_axis(axis))(a)


def log_softmax(a: Any, axis: int = -1) -> Any:
    """``a - logsumexp(a, axis)``, stable for large ``|a|``."""
    return LogSoftmax(_axis(axis))(a)
