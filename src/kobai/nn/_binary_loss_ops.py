"""Binary cross-entropy on probabilities and on logits."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.function import Function
from kobai.autograd.ops.activation import stable_sigmoid
from kobai.autograd.tensor import Tensor
from kobai.nn._reduction import (
    as_data,
    float_target,
    legacy_reduction,
    optional_weight,
    reduce,
    same_shape,
    upstream,
)

_LOG_FLOOR = -100.0  # PyTorch clamps the logarithms of BCELoss at -100
# and the denominator p (1 - p) of its gradient at EPSILON = 1e-12, a C float constant: in
# float64 that is 9.99999996e-13, which shows wherever p (1 - p) is clamped.
_EPSILON = float(np.float32(1e-12))


class BinaryCrossEntropy(Function):
    """``-w (t log p + (1 - t) log(1 - p))`` with the logarithms clamped at -100.

    The gradients are PyTorch's: ``(p - t) / max(p (1 - p), 1e-12)`` for ``p`` (finite where
    ``p`` saturates at 0 or 1) and ``-logit(p)`` for ``t`` (infinite there).
    """

    def __init__(self, weight: np.ndarray | None, reduction: str) -> None:
        self.weight, self.reduction = weight, reduction

    def forward(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), _LOG_FLOOR)
            log_q = np.maximum(np.log1p(-p), _LOG_FLOOR)
        # PyTorch's expression and order of operations, so float32 rounds the same way.
        losses = (t - 1) * log_q - t * log_p
        if self.weight is not None:
            losses = losses * self.weight
        self.p, self.t = p, t
        return reduce(losses, self.reduction, losses.size)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        gp = gt = None
        p = self.p
        if self.needs_grad[0]:
            # PyTorch: (p - t) / max(p (1 - p), EPSILON), finite at p = 0 and p = 1.
            gp = self._finish(grad * (p - self.t) / np.maximum((1 - p) * p, p.dtype.type(_EPSILON)))
        if self.needs_grad[1]:
            # d/dt = -logit(p), unclamped as in PyTorch: +inf at p = 0, -inf at p = 1.
            with np.errstate(divide="ignore"):
                gt = self._finish(-np.log(p / (1 - p)) * grad)
        return gp, gt

    def _finish(self, g: np.ndarray) -> np.ndarray:
        """Weight, then divide for "mean", in PyTorch's order (the last bits agree)."""
        if self.weight is not None:
            g = g * self.weight
        if self.reduction == "mean":
            g = g / g.dtype.type(self.p.size)
        return g

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        p, t = self.saved()
        up = grad * self.weight if self.weight is not None else grad
        if self.reduction == "mean":
            up = up / p.data.size
        gp = gt = None
        if self.needs_grad[0]:
            gp = (p - t) / F.maximum((1 - p) * p, _EPSILON) * up
        if self.needs_grad[1]:
            gt = (F.log(1 - p) - F.log(p)) * up  # -logit(p), unclamped as in backward
        return gp, gt


def binary_cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy between probabilities and targets (PyTorch's
    ``F.binary_cross_entropy``).

    .. math::

        \\ell_i = -w_i \\left(t_i \\log p_i + (1 - t_i) \\log(1 - p_i)\\right)

    Each logarithm is clamped to be >= -100 (as PyTorch does), so ``p = 0`` or ``p = 1`` gives
    a large finite loss, never inf. "mean" averages over every element.

    Parameters
    ----------
    input : Tensor of any shape, values in [0, 1]
        Probabilities, e.g. from ``sigmoid``.
    target : ndarray or Tensor of the same shape, values in [0, 1]
    weight : array broadcastable to the input, optional
    size_average, reduce : bool, optional
        Deprecated, as in PyTorch: either one given sets ``reduction`` (with a warning).
    reduction : {"mean", "sum", "none"}
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    same_shape("binary_cross_entropy", input, target)
    p = as_data(input)
    if p.size and (p.min() < 0 or p.max() > 1):
        raise ValueError(
            f"binary_cross_entropy: input must hold probabilities in [0, 1], got values in "
            f"[{p.min()}, {p.max()}] (use BCEWithLogitsLoss on logits)"
        )
    w = optional_weight(weight, "weight", p.dtype)
    return BinaryCrossEntropy(w, reduction)(input, float_target(input, target, "BCELoss"))


class BinaryCrossEntropyWithLogits(Function):
    """``w ((1 - t) x + (1 + (pw - 1) t) softplus(-x))``: stable for any logit ``x``."""

    def __init__(
        self, weight: np.ndarray | None, pos_weight: np.ndarray | None, reduction: str
    ) -> None:
        self.weight, self.pos_weight, self.reduction = weight, pos_weight, reduction

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        # softplus(-x) = max(-x, 0) + log(1 + exp(-|x|)) never overflows.
        softplus = np.log1p(np.exp(-np.abs(x)))
        softplus += np.maximum(-x, 0)
        log_weight = None if self.pos_weight is None else 1 + (self.pos_weight - 1) * t
        losses = (1 - t) * x
        losses += softplus if log_weight is None else log_weight * softplus
        if self.weight is not None:
            losses *= self.weight
        self.x, self.t, self.softplus, self.log_weight = x, t, softplus, log_weight
        return reduce(losses, self.reduction, losses.size)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        up = upstream(grad, self.reduction, self.x.size)
        if self.weight is not None:
            up = up * self.weight
        gx = gt = None
        if self.needs_grad[0]:
            if self.log_weight is None:
                gx = stable_sigmoid(self.x) - self.t
            else:
                gx = (1 - self.t) - self.log_weight * stable_sigmoid(-self.x)
            gx *= up
        if self.needs_grad[1]:
            gt = -self.x if self.pos_weight is None else (
                (self.pos_weight - 1) * self.softplus - self.x
            )  # fmt: skip
            gt = gt * up
        return gx, gt

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, t = self.saved()
        up = grad / x.data.size if self.reduction == "mean" else grad
        if self.weight is not None:
            up = up * self.weight
        gx = gt = None
        if self.needs_grad[0]:
            if self.pos_weight is None:
                gx = (F.sigmoid(x) - t) * up
            else:
                log_weight = 1 + (self.pos_weight - 1) * t
                gx = ((1 - t) - log_weight * F.sigmoid(-x)) * up
        if self.needs_grad[1]:
            if self.pos_weight is None:
                gt = -x * up
            else:
                gt = ((self.pos_weight - 1) * F.softplus(-x) - x) * up
        return gx, gt


def binary_cross_entropy_with_logits(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Sigmoid and binary cross-entropy in one stable op (PyTorch's
    ``F.binary_cross_entropy_with_logits``).

    .. math::

        \\ell_i = -w_i \\left(p_w t_i \\log \\sigma(x_i) + (1 - t_i) \\log(1 - \\sigma(x_i))
        \\right) = w_i \\left((1 - t_i) x_i + (1 + (p_w - 1) t_i)\\,
        \\mathrm{softplus}(-x_i)\\right)

    The right-hand form never overflows, for any logit. ``pos_weight`` (:math:`p_w`, 1 by
    default, broadcast over the last axis, one per class) weighs the positive examples.

    Parameters
    ----------
    input : Tensor of any shape
        Logits.
    target : ndarray or Tensor of the same shape, values in [0, 1]
    weight : array broadcastable to the input, optional
    size_average, reduce : bool, optional
        Deprecated, as in PyTorch: either one given sets ``reduction`` (with a warning).
    reduction : {"mean", "sum", "none"}
    pos_weight : array broadcastable to the input, optional
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    same_shape("binary_cross_entropy_with_logits", input, target)
    dtype = as_data(input).dtype
    w = optional_weight(weight, "weight", dtype)
    pw = optional_weight(pos_weight, "pos_weight", dtype)
    op = BinaryCrossEntropyWithLogits(w, pw, reduction)
    return op(input, float_target(input, target, "BCEWithLogitsLoss"))
