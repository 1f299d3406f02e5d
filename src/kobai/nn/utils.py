"""Gradient clipping, as torch.nn.utils: ``clip_grad_norm_`` and ``clip_grad_value_``.

(``kobai.optim.clip_grad_norm_`` and ``clip_grad_value_`` are the same functions.)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.validation import check_real

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _real(name: str, value: Any) -> float:
    # inf is a valid norm order and clip bound (no clipping); NaN never is.
    return check_real(name, value, finite=False)


def _norm_order(norm_type: Any) -> float:
    """``norm_type`` as a float: a positive number, ``float("inf")`` or the string "inf"."""
    if isinstance(norm_type, str):
        if norm_type.strip().lower() not in ("inf", "+inf"):
            raise ValueError(f"norm_type must be > 0 or 'inf', got {norm_type!r}")
        return math.inf
    order = _real("norm_type", norm_type)
    if not order > 0:
        raise ValueError(f"norm_type must be > 0 or math.inf, got {order}")
    return order


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[np.ndarray]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"parameters must be Tensors, got {type(p).__name__}")
    return [p.grad for p in params if p.grad is not None]


def _vector_norm(g: np.ndarray, norm_type: float) -> float:
    flat = g.reshape(-1)
    if norm_type == 2.0:
        # dot avoids a temporary array the size of the gradient.
        return math.sqrt(float(np.dot(flat, flat))) if flat.size else 0.0
    if flat.size == 0:
        return 0.0
    if norm_type == math.inf:
        return float(np.max(np.abs(flat)))
    if norm_type == 1.0:
        return float(np.sum(np.abs(flat)))
    return float(np.sum(np.abs(flat) ** norm_type) ** (1.0 / norm_type))


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    r"""Scale the gradients in place so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients together, as if they were one vector; parameters
    without a gradient are skipped. As in PyTorch:

    .. math::
        \|g\| = \big\|(\|g_1\|_p, \ldots, \|g_k\|_p)\big\|_p, \quad
        c = \frac{\text{max\_norm}}{\|g\| + 10^{-6}}, \quad
        g_i \leftarrow c\, g_i \text{ when } c < 1

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        The parameters whose ``.grad`` arrays are clipped.
    max_norm : float
        The largest norm allowed.
    norm_type : float or "inf", default 2.0
        The order :math:`p` of the norm: a positive number, or ``float("inf")`` (also given
        as the string ``"inf"``, as PyTorch accepts) for the largest magnitude. PyTorch also
        takes 0 and negative orders; they are refused here.
    error_if_nonfinite : bool, default False
        Raise RuntimeError when the total norm is NaN or infinite (otherwise the gradients are
        scaled by the non-finite factor, as PyTorch does).

    Returns
    -------
    float
        The total norm of the gradients before clipping (PyTorch returns the same number as a
        0-d tensor).

    Examples
    --------
    >>> import numpy as np
    >>> import kobai as kb
    >>> w = kb.tensor([0.0, 0.0], requires_grad=True)
    >>> w.grad = np.array([3.0, 4.0], dtype=np.float32)
    >>> clip_grad_norm_([w], max_norm=1.0)
    5.0
    >>> np.round(w.grad, 4)
    array([0.6, 0.8], dtype=float32)
    """
    max_norm = _real("max_norm", max_norm)
    order = _norm_order(norm_type)
    grads = _grads(parameters)
    if not grads:
        return 0.0
    norms = np.array([_vector_norm(g, order) for g in grads])
    total = _vector_norm(norms, order)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {order} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    coef = max_norm / (total + 1e-6)
    # "not >=" so that a NaN factor is applied, as in PyTorch.
    if not coef >= 1.0:
        for g in grads:
            g *= coef
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element into ``[-clip_value, clip_value]``, in place.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        The parameters whose ``.grad`` arrays are clipped (those without one are skipped).
    clip_value : float
        The largest magnitude allowed, >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> import kobai as kb
    >>> w = kb.tensor([0.0, 0.0], requires_grad=True)
    >>> w.grad = np.array([-3.0, 0.5], dtype=np.float32)
    >>> clip_grad_value_(w, 1.0)
    >>> w.grad
    array([-1. ,  0.5], dtype=float32)
    """
    clip_value = _real("clip_value", clip_value)
    if not clip_value >= 0:
        raise ValueError(f"clip_value must be >= 0, got {clip_value}")
    for g in _grads(parameters):
        np.clip(g, -clip_value, clip_value, out=g)
