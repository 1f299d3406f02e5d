"""Mini-batches over in-memory arrays: full batch, stochastic (batch 1) or mini-batch N.

An epoch uses every sample exactly once: with shuffling, each pass over the loader (each
``iter()``) draws a new random permutation from the loader's own generator and cuts it into
consecutive batches, which is how an epoch is defined for mini-batch learning (the data is split
at random into mini-batches anew each epoch, and all of them are used).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from kobai.backend import as_rng
from kobai.validation import check_bool, check_int


class DataLoader:
    """Iterate over ``(xb, yb)`` mini-batches of arrays, reshuffled every epoch.

    Parameters
    ----------
    X : ndarray of shape (n, ...)
        Inputs; the first axis indexes samples.
    y : ndarray of shape (n, ...), optional
        Targets. Without ``y`` the loader yields ``xb`` alone.
    batch_size : int, None or "full", default 32
        Samples per batch. ``None`` or ``"full"``: one batch of all ``n`` samples (batch
        gradient descent); ``1``: one sample per update (stochastic gradient descent).
    shuffle : bool, default True
        Draw a new permutation of the samples at the start of every epoch.
    drop_last : bool, default False
        Drop the last batch if it has fewer than ``batch_size`` samples.
    rng : Generator or int, optional
        The generator (or seed) the permutations are drawn from: the same seed gives the same
        batches, epoch after epoch.

    Notes
    -----
    Batches are views (slices) of ``X`` and ``y`` when not shuffling, and one fancy-indexed
    copy per batch when shuffling. A single full batch is always ``X`` and ``y`` themselves,
    unshuffled: with every sample in one batch the order changes nothing about the averaged
    loss, so no copy of the data set is made each epoch.

    ``len(loader)`` is the number of batches per epoch:
    :math:`\\lfloor n / B \\rfloor` with ``drop_last``, else :math:`\\lceil n / B \\rceil`.

    Examples
    --------
    >>> X, y = np.zeros((10, 3), np.float32), np.arange(10)
    >>> loader = DataLoader(X, y, batch_size=4, rng=0)
    >>> len(loader), [len(yb) for _, yb in loader]
    (3, [4, 4, 2])
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray | None = None,
        *,
        batch_size: int | str | None = 32,
        shuffle: bool = True,
        drop_last: bool = False,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.X = _as_samples("X", X)
        self.y = None if y is None else _as_samples("y", y)
        if self.y is not None and len(self.y) != len(self.X):
            raise ValueError(
                f"X and y must have the same number of samples, got X of shape {self.X.shape} "
                f"and y of shape {self.y.shape}"
            )
        self.batch_size = _resolve_batch_size(batch_size, len(self.X))
        self.shuffle = _check_bool("shuffle", shuffle)
        self.drop_last = _check_bool("drop_last", drop_last)
        self.rng = as_rng(rng)

    @property
    def n_samples(self) -> int:
        """Number of samples ``n``."""
        return len(self.X)

    def __len__(self) -> int:
        if self.drop_last:
            return self.n_samples // self.batch_size
        return math.ceil(self.n_samples / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n, size = self.n_samples, self.batch_size
        stops = range(size, len(self) * size + 1, size)
        order = epoch_order(n, size, self.rng) if self.shuffle else None
        if order is None:
            for stop in stops:
                yield self._batch(slice(stop - size, min(stop, n)))
            return
        for stop in stops:
            yield self._batch(order[stop - size : stop])

    def _batch(self, index: slice | np.ndarray) -> Any:
        xb = self.X[index]
        return xb if self.y is None else (xb, self.y[index])

    def __repr__(self) -> str:
        return (
            f"DataLoader(n_samples={self.n_samples}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, batches={len(self)})"
        )


def _as_samples(name: str, array: Any) -> np.ndarray:
    array = np.asarray(array)
    if array.ndim == 0:
        raise ValueError(f"{name} must have a first axis of samples, got a scalar")
    if len(array) == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {array.shape}")
    return array


def _resolve_batch_size(batch_size: object, n: int) -> int:
    if batch_size is None:
        return n
    if isinstance(batch_size, str):
        if batch_size == "full":
            return n
        raise ValueError(f"batch_size must be a positive int, None or 'full', got {batch_size!r}")
    return check_int("batch_size", batch_size, low=1)


def _check_bool(name: str, value: object) -> bool:
    return check_bool(name, value)


def epoch_order(n: int, batch_size: int, rng: np.random.Generator) -> np.ndarray | None:
    """The order in which a shuffling loader visits ``n`` samples in one epoch: a fresh
    permutation drawn from ``rng``, or None (in order, nothing drawn) when one batch holds
    them all. An ensemble draws each member's order with it, as the member's loader would.
    """
    return None if batch_size >= n else rng.permutation(n)
