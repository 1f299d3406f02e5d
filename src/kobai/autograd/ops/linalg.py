"""Matrix products."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.engine import unbroadcast
from kobai.autograd.function import Function
from kobai.autograd.ops.reduction import sum_to
from kobai.autograd.ops.shape import expand_dims, reshape, transpose
from kobai.autograd.tensor import Tensor


def _t(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


class MatMul(Function):
    """``a @ b`` with NumPy's rules: 1-D operands are vectors, leading axes broadcast."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(
                f"matmul needs operands with at least 1 dimension, got shapes {a.shape} and "
                f"{b.shape}"
            )
        if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            raise ValueError(
                f"matmul: shapes {a.shape} and {b.shape} do not fit (inner sizes "
                f"{a.shape[-1]} and {b.shape[-2 if b.ndim > 1 else 0]})"
            )
        self.a, self.b = a, b
        return np.matmul(a, b)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        a, b = self.a, self.b
        # View vectors as matrices so one formula serves every case, then undo it.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g = grad
        if b.ndim == 1:
            g = g[..., None]
        if a.ndim == 1:
            g = g[..., None, :]
        ga = gb = None
        if self.needs_grad[0]:
            ga = unbroadcast(np.matmul(g, _t(b2)), a2.shape).reshape(a.shape)
        if self.needs_grad[1]:
            gb = unbroadcast(np.matmul(_t(a2), g), b2.shape).reshape(b.shape)
        return ga, gb

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = self.saved()
        a2 = reshape(a, (1, -1)) if a.ndim == 1 else a
        b2 = reshape(b, (-1, 1)) if b.ndim == 1 else b
        g = grad
        if b.ndim == 1:
            g = expand_dims(g, -1)
        if a.ndim == 1:
            g = expand_dims(g, -2)
        ga = gb = None
        if self.needs_grad[0]:
            ga = reshape(sum_to(matmul(g, _swap(b2)), a2.shape), a.shape)
        if self.needs_grad[1]:
            gb = reshape(sum_to(matmul(_swap(a2), g), b2.shape), b.shape)
        return ga, gb


def _swap(x: Tensor) -> Tensor:
    """The last two axes swapped."""
    axes = (*range(x.ndim - 2), x.ndim - 1, x.ndim - 2)
    return transpose(x, axes)


def matmul(a: Any, b: Any) -> Any:
    """Matrix product ``a @ b`` (batched over leading axes, NumPy's broadcasting rules).

    Parameters
    ----------
    a : Tensor of shape (..., n, k) or (k,)
    b : Tensor of shape (..., k, m) or (k,)

    Returns
    -------
    Tensor of shape (..., n, m) (vector axes dropped as in ``np.matmul``).
    """
    return MatMul()(a, b)
