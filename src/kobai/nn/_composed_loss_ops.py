"""Smooth L1 and Kullback-Leibler losses, made of kobai's differentiable ops.

Being compositions (``abs``, ``where``, ``log``, ``exp``, ...), their gradients with respect
to the input and to a target that requires them, and any derivative of those, come from the
ops.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.tensor import Tensor
from kobai.nn._reduction import as_data, float_target, legacy_reduction, same_shape
from kobai.nn._validation import number

KL_REDUCTIONS = ("mean", "batchmean", "sum", "none")


def _reduce(losses: Any, reduction: str) -> Tensor:
    if reduction == "none":
        return losses if isinstance(losses, Tensor) else Tensor(losses)
    return F.mean(losses) if reduction == "mean" else F.sum(losses)


def smooth_l1_loss(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Smooth L1 loss (PyTorch's ``F.smooth_l1_loss``): quadratic below ``beta``, linear above.

    .. math::

        \\ell_i = \\begin{cases} \\frac{1}{2} d_i^2 / \\beta & |d_i| < \\beta \\\\
        |d_i| - \\frac{1}{2}\\beta & \\text{otherwise} \\end{cases}, \\qquad d_i = x_i - t_i

    It is :func:`huber_loss` divided by ``beta``; ``beta = 0`` is the L1 loss.

    Parameters
    ----------
    input : Tensor of any shape
    target : ndarray or Tensor of the same shape
    size_average, reduce : deprecated, as in PyTorch (see ``reduction``)
    reduction : {"mean", "sum", "none"}, default "mean"
    beta : float >= 0, default 1.0

    References
    ----------
    R. Girshick, "Fast R-CNN", ICCV 2015.
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    beta = number("beta", beta, low=0.0)
    same_shape("smooth_l1_loss", input, target)
    d = F.sub(input, float_target(input, target, "smooth_l1_loss"))
    distance = F.abs(d)
    if beta == 0:
        return _reduce(distance, reduction)
    small = as_data(distance) < beta
    quadratic = F.div(F.mul(F.mul(d, 0.5), d), beta)
    return _reduce(F.where(small, quadratic, F.sub(distance, 0.5 * beta)), reduction)


def _xlogx(t: Any) -> Any:
    """``t log t``, 0 where ``t == 0`` (PyTorch's ``xlogy(t, t)``)."""
    zero = as_data(t) == 0
    if not isinstance(t, Tensor) or not t.requires_grad:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(zero, 0, t * np.log(np.where(zero, 1, t)))
    return F.where(zero, 0.0, F.mul(t, F.log(F.where(zero, 1.0, t))))


def kl_div(
    input: Any,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence of the target from the input (PyTorch's ``F.kl_div``).

    ``input`` holds log-probabilities :math:`x = \\log q`; the target holds probabilities
    :math:`p` (or :math:`\\log p` with ``log_target``):

    .. math:: \\ell_i = p_i (\\log p_i - x_i), \\qquad \\ell_i = 0 \\text{ where } p_i = 0

    The sum over a sample's classes is :math:`D_{KL}(p \\,\\|\\, q)`.

    Parameters
    ----------
    input : Tensor of shape (N, *)
        Log-probabilities.
    target : ndarray or Tensor of the same shape
    size_average, reduce : deprecated, as in PyTorch (see ``reduction``)
    reduction : {"mean", "batchmean", "sum", "none"}, default "mean"
        "batchmean" divides the sum by N (the divergence per sample); "mean" divides by the
        number of elements and, as in PyTorch, warns that this is not the divergence.
    log_target : bool, default False
        The target is :math:`\\log p`: :math:`\\ell_i = e^{t_i} (t_i - x_i)`.
    """
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    elif reduction not in KL_REDUCTIONS:
        raise ValueError(
            f"reduction must be one of {', '.join(map(repr, KL_REDUCTIONS))}, got {reduction!r}"
        )
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.",
            UserWarning,
            stacklevel=2,
        )
    same_shape("kl_div", input, target)
    t = float_target(input, target, "kl_div")
    if log_target:
        losses = F.mul(F.exp(t), F.sub(t, input))
    else:
        losses = F.sub(_xlogx(t), F.mul(t, input))
    if reduction != "batchmean":
        return _reduce(losses, reduction)
    shape = as_data(input).shape
    total = F.sum(losses)
    return F.div(total, shape[0]) if shape else total
