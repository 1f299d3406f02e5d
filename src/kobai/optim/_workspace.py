"""Scratch arrays for the update kernels, and the small in-place steps they share."""

from __future__ import annotations

import numpy as np


class Workspace:
    """Scratch arrays shaped like one parameter, made on first use and then reused.

    Parameters
    ----------
    like : ndarray
        The parameter the scratch arrays are shaped like (same shape and dtype).

    Examples
    --------
    >>> ws = Workspace(np.zeros(3, dtype=np.float32))
    >>> ws[1].shape, ws[1].dtype, ws[1] is ws[1]
    ((3,), dtype('float32'), True)
    """

    __slots__ = ("shape", "dtype", "_arrays")

    def __init__(self, like: np.ndarray) -> None:
        self.shape = like.shape
        self.dtype = like.dtype
        self._arrays: list[np.ndarray] = []

    def __getitem__(self, index: int) -> np.ndarray:
        while len(self._arrays) <= index:
            self._arrays.append(np.empty(self.shape, dtype=self.dtype))
        return self._arrays[index]

    def fits(self, array: np.ndarray) -> bool:
        """True when the scratch arrays have the shape and dtype of ``array``."""
        return self.shape == array.shape and self.dtype == array.dtype

    @property
    def nbytes(self) -> int:
        """Bytes held by the scratch arrays made so far."""
        return sum(a.nbytes for a in self._arrays)


def make_work(param: np.ndarray, work: Workspace | None) -> Workspace:
    return Workspace(param) if work is None else work


def decayed_grad(
    param: np.ndarray, grad: np.ndarray, weight_decay: float, maximize: bool, work: Workspace
) -> np.ndarray:
    """``(-grad if maximize else grad) + weight_decay * param`` in ``work[0]``; or ``grad``."""
    if weight_decay == 0:
        return np.negative(grad, out=work[0]) if maximize else grad
    out = np.multiply(param, weight_decay, out=work[0])
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
