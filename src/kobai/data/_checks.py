"""Argument checks and array conversions shared by the data loaders."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai.backend import as_dtype, is_floating

LAYOUTS = ("flat", "image")


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise a one-line error listing them."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {_listed(choices)}, got {value!r}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {_listed(choices)}, got {value!r}")
    return value


def check_int(name: str, value: object, *, minimum: int) -> int:
    """Return ``value`` as an int if it is an integer >= ``minimum`` (bools are not integers)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_real(name: str, value: object, *, minimum: float | None = None) -> float:
    """Return ``value`` as a float if it is a real number (and >= ``minimum`` when given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return float(value)


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


def _listed(choices: Sequence[str]) -> str:
    return ", ".join(repr(c) for c in choices)
