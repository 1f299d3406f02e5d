"""Fused differentiable ops of the layers: linear, batch normalisation, dropout."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.validation import check_real


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for a batch ``a`` (B, K) and a weight ``b`` (K, N).

    OpenBLAS is faster when the larger side of the result is its row axis: with fewer
    samples than features the product is computed as ``(b.T @ a.T).T``, whose memory is
    (N, B) -- the result is then a transposed (Fortran-ordered) view, which the following
    element-wise ops and products take as it is.
    """
    if a.ndim == 2 and a.shape[0] < b.shape[1]:
        return np.matmul(b.T, a.T).T
    return np.matmul(a, b)


class Linear(Function):
    """``x @ w.T + b`` in one node: one matrix product forward, two backward (at most)."""

    def forward(self, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
        self.x, self.w = x, w
        out = _product(x, w.T)
        if b is not None:
            out += b
        return out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        needs = self.needs_grad
        gx = _product(grad, self.w) if needs[0] else None
        gw = gb = None
        if needs[1] or (len(needs) > 2 and needs[2]):
            # A batch of vectors (2-D, the usual case) is already the matrix the products take.
            g2 = grad if grad.ndim == 2 else grad.reshape(-1, grad.shape[-1])
            if needs[1]:
                x = self.x
                gw = np.matmul(g2.T, x if x.ndim == 2 else x.reshape(-1, x.shape[-1]))
            if len(needs) > 2 and needs[2]:
                gb = np.add.reduce(g2, axis=0)
        return (gx, gw, gb) if len(needs) > 2 else (gx, gw)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, w = self.saved()[:2]
        needs = self.needs_grad
        gx = F.matmul(grad, w) if needs[0] else None
        g2 = F.reshape(grad, (-1, grad.shape[-1]))
        gw = F.matmul(g2.T, F.reshape(x, (-1, x.shape[-1]))) if needs[1] else None
        gb = F.sum(g2, 0) if len(needs) > 2 and needs[2] else None
        return (gx, gw, gb)[: len(needs)]


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """Affine map ``x @ weight.T + bias`` as one fused op (PyTorch's ``F.linear``).

    .. math:: y = x W^\\top + b

    Parameters
    ----------
    x : Tensor of shape (*, in_features)
    weight : Tensor of shape (out_features, in_features)
    bias : Tensor of shape (out_features,), optional

    Returns
    -------
    Tensor of shape (*, out_features)

    The backward pass computes the input gradient only when ``x`` needs one (the first
    layer's input never does).
    """
    w_shape = np.shape(weight)
    x_shape = np.shape(x)
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input of shape {x_shape} does not fit weight of shape {w_shape} "
            f"(expected (*, {w_shape[-1] if w_shape else '?'}))"
        )
    if bias is None:
        return Linear()(x, weight)
    return Linear()(x, weight, bias)


class BatchNorm(Function):
    """Batch normalisation over every axis but the channel axis 1, closed-form backward.

    With ``mean``/``var`` given (evaluation with running statistics) the op is an affine map
    per channel; otherwise it normalises with the batch statistics, saved as ``batch_mean``
    and ``batch_var`` (biased) for the caller's running averages.
    """

    def __init__(
        self, eps: float, mean: np.ndarray | None = None, var: np.ndarray | None = None
    ) -> None:
        self.eps = eps
        self.mean, self.var = mean, var

    def forward(self, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
        self.axes = (0, *range(2, x.ndim))
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        if self.mean is None or self.var is None:
            mean = x.mean(axis=self.axes, keepdims=True)
            centered = x - mean
            var = np.square(centered).mean(axis=self.axes, keepdims=True)
            self.batch_mean, self.batch_var = mean.reshape(-1), var.reshape(-1)
            self.batch_stats = True
        else:
            mean = self.mean.reshape(shape).astype(x.dtype, copy=False)
            var = self.var.reshape(shape).astype(x.dtype, copy=False)
            centered = x - mean
            self.batch_stats = False
        inv_std = 1.0 / np.sqrt(var + x.dtype.type(self.eps))
        xhat = centered
        xhat *= inv_std
        self.xhat, self.inv_std = xhat, inv_std
        self.gamma = gamma.reshape(shape)
        out = xhat * self.gamma
        out += beta.reshape(shape)
        return out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        axes, xhat = self.axes, self.xhat
        needs = self.needs_grad
        gx = None
        if needs[0]:
            scale = self.gamma * self.inv_std
            if self.batch_stats:
                mean_g = grad.mean(axis=axes, keepdims=True)
                mean_gx = (grad * xhat).mean(axis=axes, keepdims=True)
                # dx = gamma/sigma * (g - mean(g) - xhat * mean(g * xhat)), per channel.
                gx = xhat * mean_gx
                np.subtract(grad, gx, out=gx)
                gx -= mean_g
                gx *= scale
            else:
                gx = grad * scale
        ggamma = (grad * xhat).sum(axis=axes) if needs[1] else None
        gbeta = grad.sum(axis=axes) if needs[2] else None
        return gx, ggamma, gbeta

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        x, gamma, _ = self.saved()
        axes, shape = self.axes, self.gamma.shape
        if self.batch_stats:
            centered = x - F.mean(x, axes, keepdims=True)
            inv_std = (F.mean(centered * centered, axes, keepdims=True) + self.eps) ** -0.5
        else:
            assert self.mean is not None
            centered = x - self.mean.reshape(shape).astype(x.dtype, copy=False)
            inv_std = Tensor(self.inv_std)
        xhat = centered * inv_std
        gx = None
        if self.needs_grad[0]:
            scale = F.reshape(gamma, shape) * inv_std
            if self.batch_stats:
                mean_g = F.mean(grad, axes, keepdims=True)
                mean_gx = F.mean(grad * xhat, axes, keepdims=True)
                gx = scale * (grad - mean_g - xhat * mean_gx)
            else:
                gx = grad * scale
        ggamma = F.sum(grad * xhat, axes) if self.needs_grad[1] else None
        gbeta = F.sum(grad, axes) if self.needs_grad[2] else None
        return gx, ggamma, gbeta


def batch_norm(
    x: Any,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: Any,
    bias: Any,
    *,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation (PyTorch's ``F.batch_norm``), channels on axis 1.

    .. math::

        y = \\gamma \\frac{x - \\mu_B}{\\sqrt{\\sigma_B^2 + \\epsilon}} + \\beta

    In training (or without running statistics), :math:`\\mu_B` and :math:`\\sigma_B^2` are
    the mean and biased variance of the batch over every axis but 1, and the running
    statistics, when given, are updated in place:
    ``running = (1 - momentum) * running + momentum * batch`` with the *unbiased* batch
    variance for ``running_var``. In evaluation the running statistics are used.

    Parameters
    ----------
    x : Tensor of shape (N, C) or (N, C, *)
    running_mean, running_var : ndarray of shape (C,) or None
    weight, bias : Tensor of shape (C,)
    training : bool, default False
    momentum : float, default 0.1
    eps : float, default 1e-5
    """
    use_batch = training or running_mean is None or running_var is None
    op = BatchNorm(eps) if use_batch else BatchNorm(eps, running_mean, running_var)
    out = op(x, weight, bias)
    if training and running_mean is not None and running_var is not None:
        count = np.shape(x)[0] * int(np.prod(np.shape(x)[2:]))
        unbiased = op.batch_var * (count / (count - 1)) if count > 1 else op.batch_var
        running_mean *= 1 - momentum
        running_mean += momentum * op.batch_mean
        running_var *= 1 - momentum
        running_var += momentum * unbiased
    return out


class Dropout(Function):
    """``x * mask``, the mask holding ``0`` or ``1 / (1 - p)``."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x * self.mask

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * self.mask,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * self.mask,)


def dropout_mask(
    shape: tuple[int, ...], p: float, dtype: np.dtype, rng: np.random.Generator
) -> np.ndarray:
    """The inverted-dropout mask: ``1 / (1 - p)`` with probability ``1 - p``, else 0."""
    keep = rng.random(shape, dtype=np.float32) >= np.float32(p)
    mask = keep.astype(dtype)
    mask *= dtype.type(1.0 / (1.0 - p))
    return mask


def dropout(
    x: Any, p: float = 0.5, training: bool = True, *, rng: np.random.Generator | None = None
) -> Tensor:
    """Inverted dropout (PyTorch's ``F.dropout``): zero each element with probability ``p``
    and scale the survivors by ``1 / (1 - p)``, so the expectation is unchanged; identity
    when not training or ``p == 0``.

    Parameters
    ----------
    x : Tensor of any shape
    p : float in [0, 1)
    training : bool, default True
    rng : np.random.Generator
        The generator of the mask (required when training with ``p > 0``).
    """
    _check_p(p)
    x = x if isinstance(x, Tensor) else Tensor(x)
    if not training or p == 0:
        return x
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"dropout needs rng, a np.random.Generator, got {type(rng).__name__}")
    return Dropout(dropout_mask(x.shape, p, x.dtype, rng))(x)


def _check_p(p: Any) -> float:
    return check_real("p", p, low=0, high=1, high_open=True)
