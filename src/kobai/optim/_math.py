"""The small in-place steps the update kernels share (PyTorch's rounding order in each)."""

from __future__ import annotations

import numpy as np

from kobai.optim._workspace import Workspace


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
