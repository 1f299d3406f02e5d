"""Reductions over axes: sum, mean, max, min, var, logsumexp."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.ops.arithmetic import exp
from kobai.autograd.ops.shape import broadcast_to, reshape
from kobai.autograd.tensor import Tensor
from kobai.validation import check_bool, check_int, is_integer, shown

Axis = int | tuple[int, ...] | None


def normalize_axis(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` as a sorted tuple of non-negative ints (all axes for None)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for ax in axes:
        if not is_integer(ax):
            raise TypeError(f"axis must be an int, a tuple of ints or None, got {shown(axis)}")
        if not -ndim <= ax < builtins.max(ndim, 1):
            raise ValueError(f"axis {ax} is out of range for a tensor with {ndim} dimensions")
        out.append(int(ax) % builtins.max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"axis contains a repeated axis: {axis!r}")
    return tuple(sorted(out))


def _expand(grad: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """Re-insert the reduced axes of ``grad`` so it broadcasts against the input."""
    if keepdims or not axes:
        return grad
    return np.expand_dims(grad, axes)


class _Reduction(Function):
    def __init__(self, axis: Axis, keepdims: bool) -> None:
        self.axis_arg, self.keepdims = axis, bool(keepdims)

    def _setup(self, a: np.ndarray) -> tuple[int, ...] | None:
        self.shape = a.shape
        self.axes = normalize_axis(self.axis_arg, a.ndim)
        return self.axes if a.ndim else None

    def _expand_graph(self, grad: Tensor) -> Tensor:
        """``grad`` with the reduced axes back as size 1 (broadcasts against the input)."""
        if self.keepdims or not self.axes:
            return grad
        kept = tuple(1 if i in self.axes else n for i, n in enumerate(self.shape))
        return reshape(grad, kept)


class Sum(_Reduction):
    """Sum over axes; the gradient is broadcast back to the input's shape."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        return np.sum(a, axis=self._setup(a), keepdims=self.keepdims)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (np.broadcast_to(_expand(grad, self.axes, self.keepdims), self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (broadcast_to(self._expand_graph(grad), self.shape),)


class Mean(_Reduction):
    """Mean over axes; the gradient is broadcast back and divided by the count."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        axes = self._setup(a)
        self.count = int(np.prod([a.shape[i] for i in self.axes])) if a.ndim else 1
        return np.mean(a, axis=axes, keepdims=self.keepdims)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        g = _expand(grad, self.axes, self.keepdims) / self.count
        return (np.broadcast_to(g, self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (broadcast_to(self._expand_graph(grad) / self.count, self.shape),)


class Max(_Reduction):
    """Maximum over axes; ties share the gradient equally."""

    _ufunc: np.ufunc = np.maximum

    def forward(self, a: np.ndarray) -> np.ndarray:
        axes = self._setup(a)
        if a.size == 0:
            raise ValueError(f"{type(self).__name__.lower()} of an empty tensor {a.shape}")
        self.a = a
        self.out = self._ufunc.reduce(a, axis=axes, keepdims=True)
        return self.out if self.keepdims else np.squeeze(self.out, axis=axes)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        mask = self.a == self.out
        count = mask.sum(axis=self.axes or None, keepdims=True).astype(grad.dtype)
        return (_expand(grad, self.axes, self.keepdims) * mask / count,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        mask = self.a == self.out  # locally constant: the maximum's position does not move
        count = mask.sum(axis=self.axes or None, keepdims=True)
        return (self._expand_graph(grad) * (mask / count),)


class Min(Max):
    """Minimum over axes; ties share the gradient equally."""

    _ufunc: np.ufunc = np.minimum


class Var(_Reduction):
    """Variance ``sum((a - mean)**2) / (n - ddof)`` over axes."""

    def __init__(self, axis: Axis, keepdims: bool, ddof: int) -> None:
        super().__init__(axis, keepdims)
        self.ddof = ddof

    def forward(self, a: np.ndarray) -> np.ndarray:
        axes = self._setup(a)
        n = int(np.prod([a.shape[i] for i in self.axes])) if a.ndim else 1
        if n - self.ddof <= 0:
            raise ValueError(f"var needs more than ddof={self.ddof} elements, got {n}")
        self.centered = a - np.mean(a, axis=axes, keepdims=True)
        self.denominator = n - self.ddof
        return np.var(a, axis=axes, keepdims=self.keepdims, ddof=self.ddof)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        g = _expand(grad, self.axes, self.keepdims)
        return (g * self.centered * (2.0 / self.denominator),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (a,) = self.saved()
        centered = a - mean(a, self.axes, keepdims=True) if self.axes else a - a
        return (self._expand_graph(grad) * centered * (2.0 / self.denominator),)


class LogSumExp(_Reduction):
    """``log(sum(exp(a)))`` over axes, computed with the maximum subtracted (no overflow)."""

    def forward(self, a: np.ndarray) -> np.ndarray:
        axes = self._setup(a)
        m = np.max(a, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0).astype(a.dtype, copy=False)
        e = np.exp(a - m)
        s = np.sum(e, axis=axes, keepdims=True)
        self.softmax = e / s
        out = np.log(s) + m
        return out if self.keepdims else np.squeeze(out, axis=axes)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (_expand(grad, self.axes, self.keepdims) * self.softmax,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (a,) = self.saved()
        softmax = exp(a - logsumexp(a, self.axes or None, keepdims=True))
        return (self._expand_graph(grad) * softmax,)


def _check_keepdims(keepdims: Any) -> bool:
    return check_bool("keepdims", keepdims)


def sum(a: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Sum over ``axis`` (all axes for None)."""
    return Sum(axis, _check_keepdims(keepdims))(a)


def mean(a: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """Arithmetic mean over ``axis`` (all axes for None)."""
    return Mean(axis, _check_keepdims(keepdims))(a)


def max(a: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Maximum over ``axis``; tied maxima share the gradient equally."""
    return Max(axis, _check_keepdims(keepdims))(a)


def min(a: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Minimum over ``axis``; tied minima share the gradient equally."""
    return Min(axis, _check_keepdims(keepdims))(a)


def var(a: Any, axis: Axis = None, keepdims: bool = False, *, ddof: int = 0) -> Any:
    """Variance over ``axis`` with ``ddof`` as in NumPy (0: biased, 1: unbiased)."""
    return Var(axis, _check_keepdims(keepdims), check_int("ddof", ddof, low=0))(a)


def logsumexp(a: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """``log(sum(exp(a), axis))``, stable for large ``|a|``."""
    return LogSumExp(axis, _check_keepdims(keepdims))(a)


def sum_to(a: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a tensor of a broadcast shape back to ``shape`` (differentiable ``unbroadcast``)."""
    extra = a.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and a.shape[extra + i] != 1
    )
    out = sum(a, axes, keepdims=True) if axes else a
    return reshape(out, shape) if out.shape != shape else out
