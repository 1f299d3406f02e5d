"""Argument checks and array conversions shared by the data loaders."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.backend import as_dtype, is_floating
from kobai.validation import check_choice

LAYOUTS = ("flat", "image")


def float_dtype(dtype: Any) -> np.dtype:
    """Return ``dtype`` as a NumPy floating dtype, or raise."""
    resolved = as_dtype(dtype)
    if not is_floating(resolved):
        raise ValueError(f"dtype must be a floating dtype (float32, float64), got {resolved}")
    return resolved


def images_to_float(images: np.ndarray, *, scale: float, layout: str, dtype: Any) -> np.ndarray:
    """Turn integer images ``(n, h, w)`` into floats in ``[0, 1]`` in the chosen layout.

    ``"flat"`` gives ``(n, h * w)`` (for dense layers), ``"image"`` gives ``(n, 1, h, w)``
    (channels first, for convolutions).
    """
    dtype = float_dtype(dtype)
    check_choice("layout", layout, LAYOUTS)
    n, height, width = images.shape
    shape = (n, height * width) if layout == "flat" else (n, 1, height, width)
    out = images.reshape(shape).astype(dtype)
    # In place, by a scalar of the target dtype: float32 stays float32, no temporary, and the
    # largest value maps to exactly 1.0 (multiplying by 1/scale would not guarantee that).
    out /= dtype.type(scale)
    return out


def split_rows(split: str, train_size: int, size: int) -> slice:
    """The rows of ``split`` ("train", "test" or "all") in a bundled set whose first
    ``train_size`` of ``size`` rows are its training part."""
    if split == "train":
        return slice(0, train_size)
    if split == "test":
        return slice(train_size, size)
    return slice(0, size)
