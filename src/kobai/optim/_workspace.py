"""Scratch arrays for the update kernels, kept between steps so that a step allocates nothing."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# Elements per chunk when a kernel walks a large parameter in pieces: four or five arrays of
# 256 KB stay in the core's cache while every pass of the update runs over them, instead of
# streaming the whole parameter through memory once per pass.
CHUNK = 1 << 16


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

    __slots__ = ("shape", "dtype", "_arrays", "_pieces", "_masks")

    def __init__(self, like: np.ndarray) -> None:
        self.shape = like.shape
        self.dtype = like.dtype
        self._arrays: list[np.ndarray] = []
        self._pieces: list[np.ndarray] = []
        self._masks: list[np.ndarray] = []

    def __getitem__(self, index: int) -> np.ndarray:
        while len(self._arrays) <= index:
            self._arrays.append(np.empty(self.shape, dtype=self.dtype))
        return self._arrays[index]

    def piece(self, index: int) -> np.ndarray:
        """Scratch array ``index`` for a kernel that walks the parameter in chunks: flat, of
        :data:`CHUNK` elements (reused for every chunk, so it stays in the cache)."""
        while len(self._pieces) <= index:
            self._pieces.append(np.empty(CHUNK, dtype=self.dtype))
        return self._pieces[index]

    def mask(self, index: int) -> np.ndarray:
        """Boolean scratch array ``index``, shaped like the parameter (for comparisons)."""
        while len(self._masks) <= index:
            self._masks.append(np.empty(self.shape, dtype=bool))
        return self._masks[index]

    def fits(self, array: np.ndarray) -> bool:
        """True when the scratch arrays have the shape and dtype of ``array``."""
        return self.shape == array.shape and self.dtype == array.dtype

    @property
    def nbytes(self) -> int:
        """Bytes held by the scratch arrays made so far."""
        arrays = (*self._arrays, *self._pieces, *self._masks)
        return sum(a.nbytes for a in arrays)


def make_work(param: np.ndarray, work: Workspace | None) -> Workspace:
    return Workspace(param) if work is None else work


def chunks(
    work: Workspace, scratch: tuple[bool, ...], *arrays: np.ndarray | None
) -> Iterator[tuple]:
    """The arrays cut into matching flat pieces of :data:`CHUNK` elements, followed by the
    scratch arrays asked for (``scratch[i]`` says whether scratch array ``i`` is needed; None
    stands in for one that is not, and for an array given as None).

    Small arrays, and arrays that are not all C-contiguous (a flat view of them would be a
    copy, and in-place updates would be lost), come back whole, once, with the whole-shaped
    scratch arrays ``work[i]``.
    """
    present = [a for a in arrays if a is not None]
    size = present[0].size
    if size <= CHUNK or not all(a.flags.c_contiguous for a in present):
        yield (*arrays, *(work[i] if needed else None for i, needed in enumerate(scratch)))
        return
    flat = [a.reshape(-1) if a is not None else None for a in arrays]
    tmps = [work.piece(i) if needed else None for i, needed in enumerate(scratch)]
    for start in range(0, size, CHUNK):
        stop = min(start + CHUNK, size)
        n = stop - start
        yield (
            *(a[start:stop] if a is not None else None for a in flat),
            *(t[:n] if t is not None else None for t in tmps),
        )
