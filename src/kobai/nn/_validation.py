"""Constructor-argument and input checks shared by the layers."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.backend import as_dtype, is_floating


def positive_int(name: str, value: Any) -> int:
    """``value`` if it is an int > 0, else a TypeError or ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return int(value)


def number(name: str, value: Any, *, low: float | None = None, strict: bool = False) -> float:
    """``value`` as a float, checked to be a number (and ``> low`` / ``>= low``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    result = float(value)
    if not np.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (result <= low if strict else result < low):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {low:g}, got {value}")
    return result


def boolean(name: str, value: Any) -> bool:
    """``value`` if it is a bool, else a TypeError naming it."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def float_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as a NumPy floating dtype (a TypeError for int, str, ...)."""
    result = as_dtype(dtype)
    if not is_floating(result):
        raise TypeError(f"dtype must be a floating dtype, got {result}")
    return result


def check_dtype(layer: str, x: Any, dtype: np.dtype) -> None:
    """A float tensor input must have the layer's dtype: kobai never promotes silently.

    ndarrays and Python data are converted to the layer's dtype by the op itself.
    """
    if isinstance(x, Tensor) and x.dtype != dtype and x.dtype.kind == "f":
        raise TypeError(
            f"{layer} has {dtype} parameters, got a {x.dtype} input (convert the input with "
            f".astype({dtype.name!r}) or the model with .to({x.dtype.name!r}))"
        )


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of a Tensor, ndarray or nested list."""
    return x.shape if isinstance(x, (Tensor, np.ndarray)) else np.shape(x)
