"""Recycled scratch arrays for the convolution ops.

A training step of a small convolutional network allocates and frees megabytes of im2col
columns, matrix products and gradients. The C allocator hands large freed blocks back to the
operating system, so the next step pays a page fault for every 4 KiB it touches again; in a
virtual machine that cost exceeded the arithmetic itself. :func:`empty` keeps the large
arrays it made and hands one out again once nothing refers to it any more (its reference count
says so): outputs, saved columns and the views of them stay untouched for as long as any
tensor or graph node holds them.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from math import prod
from typing import Any

import numpy as np

MIN_BYTES = 1 << 16  # smaller arrays come from the allocator's own free lists
PER_SIZE = 6  # arrays kept per (size, dtype): the live ones of one step, with room to spare
MAX_SIZES = 32  # distinct (size, dtype) keys kept; the least recently used goes first

_pool: OrderedDict[tuple[int, str], list[np.ndarray]] = OrderedDict()
_lock = threading.Lock()
# References to a pooled array during the check: the pool's list, the loop variable and
# getrefcount's own argument. One more means a view, tensor or graph node still uses it.
_UNUSED = 3


def empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised C-contiguous array, recycled when a free one of that size exists."""
    dtype = np.dtype(dtype)
    size = prod(shape)
    if size * dtype.itemsize < MIN_BYTES:
        return np.empty(shape, dtype=dtype)
    key = (size, dtype.str)
    with _lock:
        arrays = _pool.setdefault(key, [])
        _pool.move_to_end(key)
        for array in arrays:
            if sys.getrefcount(array) == _UNUSED:
                return array.reshape(shape)
        array = np.empty(size, dtype=dtype)
        if len(arrays) < PER_SIZE:
            arrays.append(array)
        if len(_pool) > MAX_SIZES:
            _pool.popitem(last=False)
        return array.reshape(shape)


def zeros(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """Like :func:`empty`, filled with zeros."""
    out = empty(shape, dtype)
    out.fill(0)
    return out


def clear() -> None:
    """Forget every kept array (their memory is freed once no one uses them)."""
    with _lock:
        _pool.clear()
