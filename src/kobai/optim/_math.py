"""The small in-place steps the update kernels share (PyTorch's rounding order in each)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.optim._workspace import Workspace, make_work


def decayed_grad(
    param: np.ndarray,
    grad: np.ndarray,
    weight_decay: float,
    maximize: bool,
    work: Workspace | np.ndarray,
) -> np.ndarray:
    """``(-grad if maximize else grad) + weight_decay * param`` in ``work[0]``; or ``grad``.

    ``work`` is a :class:`Workspace` or the scratch array itself.
    """
    if weight_decay == 0:
        if not maximize:
            return grad
        return np.negative(grad, out=work if isinstance(work, np.ndarray) else work[0])
    out = np.multiply(param, weight_decay, out=work if isinstance(work, np.ndarray) else work[0])
    if maximize:
        np.subtract(out, grad, out=out)
    else:
        np.add(out, grad, out=out)
    return out


def lerp_(start: np.ndarray, end: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    """``start += weight * (end - start)``, in torch.lerp's two numerically careful forms."""
    np.subtract(end, start, out=tmp)
    if abs(weight) < 0.5:
        tmp *= weight
        start += tmp
    else:
        tmp *= 1.0 - weight
        np.subtract(end, tmp, out=start)


def addcmul_(
    target: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float, tmp: np.ndarray
) -> None:
    """``target += value * t1 * t2`` (torch.addcmul_)."""
    np.multiply(t1, value, out=tmp)
    tmp *= t2
    target += tmp


def add_scaled_ratio(
    param: np.ndarray, numerator: np.ndarray, scale: float, denom: np.ndarray, out: np.ndarray
) -> None:
    """``param += scale * numerator / denom`` in place, rounding in that order, through ``out``."""
    np.multiply(numerator, scale, out=out)
    out /= denom
    param += out


def decay_weights_(param: np.ndarray, lr: float, weight_decay: float) -> None:
    """Decoupled weight decay, before the step: ``param *= 1 - lr * weight_decay`` (AdamW)."""
    if weight_decay != 0:
        param *= 1 - lr * weight_decay


def prepare_grad(
    param: np.ndarray,
    grad: np.ndarray,
    *,
    lr: float,
    weight_decay: float,
    maximize: bool,
    decoupled: bool,
    out: Workspace | np.ndarray,
) -> np.ndarray:
    """The gradient an update rule sees: negated for ``maximize``, with the L2 term
    ``weight_decay * param`` added; or, ``decoupled`` (AdamW), the weights decayed first and
    the gradient left alone. (optax's ``add_decayed_weights``, in PyTorch's rounding order.)"""
    if decoupled:
        decay_weights_(param, lr, weight_decay)
        weight_decay = 0.0
    return decayed_grad(param, grad, weight_decay, maximize, out)


def with_decay(*, decoupled: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Make an update rule that takes the prepared gradient into a kernel that takes the raw
    one, with ``weight_decay``, ``maximize`` and ``decoupled_weight_decay`` (default
    ``decoupled``) as keyword arguments: the one place where every optimizer's weight decay
    and maximization happen (:func:`prepare_grad`, into scratch array 0)."""

    def wrap(rule: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(rule)
        def kernel(
            param: np.ndarray,
            grad: np.ndarray,
            *state: Any,
            weight_decay: float = 0.0,
            maximize: bool = False,
            decoupled_weight_decay: bool = decoupled,
            work: Workspace | None = None,
            **hyper: Any,
        ) -> Any:
            work = make_work(param, work)
            g = prepare_grad(
                param,
                grad,
                lr=hyper.get("lr", 0.0),
                weight_decay=weight_decay,
                maximize=maximize,
                decoupled=decoupled_weight_decay,
                # The workspace, not work[0]: the scratch array is made only when a decay or
                # maximize needs it (most updates pass the gradient through untouched).
                out=work,
            )
            return rule(param, g, *state, work=work, **hyper)

        return kernel

    return wrap


def moments_(
    exp_avg: np.ndarray,
    exp_avg_sq: np.ndarray,
    g: np.ndarray,
    beta1: float,
    beta2: float,
    tmp: np.ndarray,
) -> None:
    """The Adam family's moment estimates: ``m += (1 - beta1)(g - m)``,
    ``v = beta2 v + (1 - beta2) g^2``."""
    lerp_(exp_avg, g, 1 - beta1, tmp)
    exp_avg_sq *= beta2
    addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
