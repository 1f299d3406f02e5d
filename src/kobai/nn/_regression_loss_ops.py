"""Losses of the difference ``d = input - target``: MSE, SSE, L1 and Huber."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.nn._reduction import (
    as_data,
    check_reduction,
    float_target,
    legacy_reduction,
    reduce,
    same_shape,
    upstream,
)
from kobai.validation import check_real


class _DifferenceLoss(Function):
    """``reduce(l(input - target))``; a subclass gives ``l`` and its derivative ``l'``."""

    def __init__(self, reduction: str) -> None:
        self.reduction = reduction

    def element_loss(self, d: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def element_grad(self, d: np.ndarray, up: np.ndarray) -> np.ndarray:
        """``l'(d) * up``, a new array."""
        raise NotImplementedError

    def divisor(self, d: np.ndarray) -> float:
        return float(d.size)

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.d = a - b
        return reduce(self.element_loss(self.d), self.reduction, self.divisor(self.d))

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        g = self.element_grad(self.d, upstream(grad, self.reduction, self.divisor(self.d)))
        gb = -g if self.needs_grad[1] else None
        return (g if self.needs_grad[0] else None), gb

    def element_grad_graph(self, d: Tensor, up: Tensor) -> Tensor:
        """``l'(d) * up`` with ops (differentiable again)."""
        raise NotImplementedError

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved()
        divisor = self.divisor(self.d)
        up = grad / divisor if self.reduction == "mean" else grad
        g = self.element_grad_graph(a - b, up)
        return (g if self.needs_grad[0] else None), (-g if self.needs_grad[1] else None)


class MSE(_DifferenceLoss):
    def element_loss(self, d: np.ndarray) -> np.ndarray:
        return np.square(d)

    def element_grad(self, d: np.ndarray, up: np.ndarray) -> np.ndarray:
        return d * (2 * up)

    def element_grad_graph(self, d: Tensor, up: Tensor) -> Tensor:
        return d * (2 * up)


class SSE(_DifferenceLoss):
    """Per sample ``1/2 * sum over features of d**2``; "mean" averages over the batch."""

    def element_loss(self, d: np.ndarray) -> np.ndarray:
        per_sample = np.square(d).reshape(d.shape[0], -1).sum(axis=1)
        per_sample *= 0.5
        return per_sample

    def element_grad(self, d: np.ndarray, up: np.ndarray) -> np.ndarray:
        if self.reduction == "none":
            up = up.reshape(up.shape + (1,) * (d.ndim - 1))
        return d * up

    def element_grad_graph(self, d: Tensor, up: Tensor) -> Tensor:
        if self.reduction == "none":
            up = F.reshape(up, up.shape + (1,) * (d.ndim - 1))
        return d * up

    def divisor(self, d: np.ndarray) -> float:
        return float(d.shape[0])


class L1(_DifferenceLoss):
    def element_loss(self, d: np.ndarray) -> np.ndarray:
        return np.abs(d)

    def element_grad(self, d: np.ndarray, up: np.ndarray) -> np.ndarray:
        return np.sign(d) * up

    def element_grad_graph(self, d: Tensor, up: Tensor) -> Tensor:
        return up * np.sign(d.data)


class Huber(_DifferenceLoss):
    def __init__(self, reduction: str, delta: float) -> None:
        super().__init__(reduction)
        self.delta = delta

    def element_loss(self, d: np.ndarray) -> np.ndarray:
        a = np.abs(d)
        delta = d.dtype.type(self.delta)
        return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))

    def element_grad(self, d: np.ndarray, up: np.ndarray) -> np.ndarray:
        delta = d.dtype.type(self.delta)
        return np.clip(d, -delta, delta) * up

    def element_grad_graph(self, d: Tensor, up: Tensor) -> Tensor:
        return F.clip(d, -self.delta, self.delta) * up


def _pair(name: str, input: Any, target: Any) -> tuple[Any, Any]:
    same_shape(name, input, target)
    return input, float_target(input, target, name)


def mse_loss(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean squared error (PyTorch's ``F.mse_loss``).

    .. math:: \\ell = \\frac{1}{n} \\sum_i (x_i - t_i)^2

    "mean" divides by the number of elements ``n`` (every element of every sample), "sum"
    does not, "none" keeps the per-element squares.

    Parameters
    ----------
    input : Tensor of any shape
    target : ndarray or Tensor of the same shape
    size_average, reduce : bool, optional
        Deprecated, as in PyTorch: either one given sets ``reduction`` (with a warning).
    reduction : {"mean", "sum", "none"}
    """
    return MSE(legacy_reduction(size_average, reduce, reduction))(*_pair("mse_loss", input, target))


def sse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Sum-of-squares error of the textbook, per sample :math:`E_n`.

    .. math::

        E_n = \\frac{1}{2} \\sum_k (y_{nk} - t_{nk})^2, \\qquad
        E = \\frac{1}{N} \\sum_n E_n \\text{ ("mean")}, \\qquad \\sum_n E_n \\text{ ("sum")}

    Axis 0 is the batch; the other axes are summed within a sample. "none" gives the
    :math:`E_n`, shape (N,). Unlike :func:`mse_loss`, "mean" averages over samples only, not
    over features, and the factor 1/2 makes the gradient ``y - t``.

    Parameters
    ----------
    input : Tensor of shape (N, *)
    target : ndarray or Tensor of the same shape
    reduction : {"mean", "sum", "none"}
    """
    if np.ndim(as_data(input)) == 0:
        raise ValueError("sse_loss needs an input of shape (N, *) with a batch axis, got ()")
    return SSE(check_reduction(reduction))(*_pair("sse_loss", input, target))


def l1_loss(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean absolute error (PyTorch's ``F.l1_loss``).

    .. math:: \\ell = \\frac{1}{n} \\sum_i |x_i - t_i|

    The gradient at ``x = t`` is 0 (sign(0) = 0, as PyTorch).

    Parameters
    ----------
    input : Tensor of any shape
    target : ndarray or Tensor of the same shape
    size_average, reduce : bool, optional
        Deprecated, as in PyTorch: either one given sets ``reduction`` (with a warning).
    reduction : {"mean", "sum", "none"}
    """
    return L1(legacy_reduction(size_average, reduce, reduction))(*_pair("l1_loss", input, target))


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss (PyTorch's ``F.huber_loss``): quadratic near 0, linear beyond ``delta``.

    .. math::

        \\ell_i = \\begin{cases} \\frac{1}{2} d_i^2 & |d_i| < \\delta \\\\
        \\delta (|d_i| - \\frac{1}{2}\\delta) & \\text{otherwise} \\end{cases},
        \\qquad d_i = x_i - t_i

    Parameters
    ----------
    delta : float > 0, default 1.0
    """
    delta = check_real("delta", delta, low=0, low_open=True)
    return Huber(check_reduction(reduction), delta)(*_pair("huber_loss", input, target))
