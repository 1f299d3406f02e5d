"""Element-wise arithmetic: each op's forward and backward side by side."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.backend import as_dtype, is_floating
from kobai.validation import check_real


class Add(Function):
    """``a + b`` (broadcasting); the gradient passes to both inputs unchanged."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return grad, grad

    def backward_graph(self, grad: Tensor) -> tuple[Tensor, Tensor]:
        return grad, grad


class Sub(Function):
    """``a - b`` (broadcasting); gradients ``g`` and ``-g``."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a - b

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        return grad, (-grad if self.needs_grad[1] else None)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor, Tensor | None]:
        return grad, (-grad if self.needs_grad[1] else None)


class Mul(Function):
    """``a * b`` (broadcasting); gradients ``g * b`` and ``g * a``."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a, self.b = a, b
        return a * b

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        ga = grad * self.b if self.needs_grad[0] else None
        gb = grad * self.a if self.needs_grad[1] else None
        return ga, gb

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved()
        return (grad * b if self.needs_grad[0] else None), (
            grad * a if self.needs_grad[1] else None
        )


class Div(Function):
    """``a / b`` (broadcasting); gradients ``g / b`` and ``-g a / b^2``."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.b = b
        self.out = a / b
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        ga = grad / self.b
        gb = -ga * self.out if self.needs_grad[1] else None
        return (ga if self.needs_grad[0] else None), gb

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved()
        ga = grad / b
        gb = -ga * (a / b) if self.needs_grad[1] else None
        return (ga if self.needs_grad[0] else None), gb


class Neg(Function):
    """``-a``; gradient ``-g``."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return -a

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (-grad,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (-grad,)


class Pow(Function):
    """``a ** b`` with both operands differentiable."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a, self.b = a, b
        self.out = np.power(a, b)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        a, b = self.a, self.b
        ga = grad * b * np.power(a, b - 1) if self.needs_grad[0] else None
        gb = None
        if self.needs_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                # d/db a**b = a**b log a, taken as 0 at a == 0 (as PyTorch does).
                gb = grad * np.where(a == 0, 0, self.out * np.log(np.where(a == 0, 1, a)))
        return ga, gb

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved()
        ga = grad * b * pow(a, b - 1) if self.needs_grad[0] else None
        gb = None
        if self.needs_grad[1]:
            zero = a.data == 0
            gb = grad * where(zero, 0.0, pow(a, b) * log(where(zero, 1.0, a)))
        return ga, gb


class PowScalar(Function):
    """``a ** p`` for a constant Python number ``p``."""

    def __init__(self, exponent: float) -> None:
        self.p = float(exponent)

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        if self.p == 2.0:
            return a * a
        return np.power(a, self.p)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        if self.p == 2.0:
            return (grad * (2.0 * self.a),)
        if self.p == 0.0:
            return (np.zeros_like(grad),)
        return (grad * (self.p * np.power(self.a, self.p - 1.0)),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (a,) = self.saved()
        if self.p == 0.0:
            return (grad * 0.0,)
        if self.p == 1.0:
            return (grad,)
        return (grad * (self.p * pow(a, self.p - 1.0)),)


class Exp(Function):
    """Element-wise :math:`e^a`; the gradient reuses the output."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.out = np.exp(a)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * self.out,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * exp(self.saved()[0]),)


class Log(Function):
    """Element-wise natural logarithm; gradient ``g / a``."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return np.log(a)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad / self.a,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad / self.saved()[0],)


class Sqrt(Function):
    """Element-wise square root; gradient :math:`g / (2 \\sqrt a)`."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.out = np.sqrt(a)
        return self.out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad / (2 * self.out),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad / (2 * sqrt(self.saved()[0])),)


class Abs(Function):
    """Element-wise absolute value; gradient ``g * sign(a)`` (0 at 0)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return np.abs(a)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * np.sign(self.a),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * np.sign(self.a),)  # sign is piecewise constant: no second derivative


class Maximum(Function):
    """Element-wise maximum; a tie sends half the gradient to each side (as PyTorch)."""

    _pick: np.ufunc = np.maximum
    _wins: np.ufunc = np.greater

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a, self.b = a, b
        return self._pick(a, b)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        share = np.where(self._wins(self.a, self.b), 1.0, np.where(self.a == self.b, 0.5, 0.0))
        share = share.astype(grad.dtype, copy=False)
        ga = grad * share if self.needs_grad[0] else None
        gb = grad * (1 - share) if self.needs_grad[1] else None
        return ga, gb

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        share = np.where(self._wins(self.a, self.b), 1.0, np.where(self.a == self.b, 0.5, 0.0))
        ga = grad * share if self.needs_grad[0] else None
        gb = grad * (1 - share) if self.needs_grad[1] else None
        return ga, gb


class Minimum(Maximum):
    """Element-wise minimum; a tie sends half the gradient to each side (as PyTorch)."""

    _pick: np.ufunc = np.minimum
    _wins: np.ufunc = np.less


class Where(Function):
    """``cond ? a : b`` element-wise; ``cond`` is a constant boolean array."""

    def __init__(self, condition: np.ndarray) -> None:
        self.condition = condition

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(self.condition, a, b)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        zero = np.zeros((), dtype=grad.dtype)
        ga = np.where(self.condition, grad, zero) if self.needs_grad[0] else None
        gb = np.where(self.condition, zero, grad) if self.needs_grad[1] else None
        return ga, gb

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        ga = where(self.condition, grad, 0.0) if self.needs_grad[0] else None
        gb = where(self.condition, 0.0, grad) if self.needs_grad[1] else None
        return ga, gb


class Clip(Function):
    """Clamp to ``[low, high]``; the gradient passes where ``low <= a <= high`` (as PyTorch)."""

    def __init__(self, low: float | None, high: float | None) -> None:
        self.low, self.high = low, high

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return np.clip(a, self.low, self.high)

    def _inside(self) -> np.ndarray:
        inside = np.ones(self.a.shape, dtype=bool)
        if self.low is not None:
            inside &= self.a >= self.low
        if self.high is not None:
            inside &= self.a <= self.high
        return inside

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * self._inside(),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * self._inside(),)


class Cast(Function):
    """Convert to another dtype; the gradient is converted back."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = as_dtype(dtype)

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.source = a.dtype
        return a.astype(self.dtype)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad.astype(self.source),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (cast(grad, self.source),)


def _check_number(name: str, value: Any) -> float | None:
    if value is None:
        return None
    return check_real(name, value, finite=False)


def add(a: Any, b: Any) -> Any:
    """``a + b`` with broadcasting."""
    return Add()(a, b)


def sub(a: Any, b: Any) -> Any:
    """``a - b`` with broadcasting."""
    return Sub()(a, b)


def mul(a: Any, b: Any) -> Any:
    """``a * b`` with broadcasting."""
    return Mul()(a, b)


def div(a: Any, b: Any) -> Any:
    """``a / b`` with broadcasting."""
    return Div()(a, b)


def neg(a: Any) -> Any:
    """``-a``."""
    return Neg()(a)


def pow(a: Any, exponent: Any) -> Any:  # noqa: A001 - the op's name
    """``a ** exponent``; a Python-number exponent is a constant, a tensor one is differentiated.

    For a tensor exponent, d/d exponent = a**exponent * log(a), defined for ``a > 0``.
    """
    if isinstance(exponent, (int, float, np.integer, np.floating)) and not isinstance(
        exponent, bool
    ):
        return PowScalar(float(exponent))(a)
    return Pow()(a, exponent)


def exp(a: Any) -> Any:
    """Element-wise ``e ** a``."""
    return Exp()(a)


def log(a: Any) -> Any:
    """Element-wise natural logarithm."""
    return Log()(a)


def sqrt(a: Any) -> Any:
    """Element-wise square root."""
    return Sqrt()(a)


def abs(a: Any) -> Any:  # noqa: A001 - the op's name
    """Element-wise absolute value (gradient ``sign(a)``, 0 at 0)."""
    return Abs()(a)


def maximum(a: Any, b: Any) -> Any:
    """Element-wise maximum of two tensors (broadcasting)."""
    return Maximum()(a, b)


def minimum(a: Any, b: Any) -> Any:
    """Element-wise minimum of two tensors (broadcasting)."""
    return Minimum()(a, b)


def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` is true, else ``b`` (broadcasting); ``condition`` gets no grad."""
    cond = np.asarray(getattr(condition, "data", condition))
    if cond.dtype != bool:
        raise TypeError(f"condition must be a boolean array, got dtype {cond.dtype}")
    return Where(cond)(a, b)


def clip(a: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002 - NumPy's names
    """Clamp to ``[min, max]`` (either may be None)."""
    low, high = _check_number("min", min), _check_number("max", max)
    if low is None and high is None:
        raise ValueError("clip needs min or max (or both), got neither")
    if low is not None and high is not None and low > high:
        raise ValueError(f"clip needs min <= max, got min={low} and max={high}")
    return Clip(low, high)(a)


def cast(a: Any, dtype: Any) -> Any:
    """Convert to ``dtype`` (differentiable when both dtypes are floating)."""
    target = as_dtype(dtype)
    if getattr(a, "requires_grad", False) and not is_floating(target):
        raise TypeError(f"cannot cast a tensor that requires grad to non-float dtype {target}")
    return Cast(target)(a)
