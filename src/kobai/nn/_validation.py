"""Constructor-argument and input checks shared by the layers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.backend import as_dtype, is_floating
from kobai.validation import check_bool, check_int, check_memory, check_real


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int >= 1 (:func:`kobai.validation.check_int`)."""
    return check_int(name, value, low=1)


def number(name: str, value: Any, *, low: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite float, ``> low`` when ``strict`` else ``>= low``
    (:func:`kobai.validation.check_real`)."""
    return check_real(name, value, low=low, low_open=strict)


def boolean(name: str, value: Any) -> bool:
    """``value`` as a bool (:func:`kobai.validation.check_bool`)."""
    return check_bool(name, value)


def weight_array(layer: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An uninitialised weight array, refused first (with the estimate) when training it would
    not fit in memory: the weights, their gradient, two optimizer moments and the float64
    draw of the initialisation."""
    n = math.prod(shape)
    check_memory(
        f"{layer} with {n:,} weights", n * (4 * dtype.itemsize + 8), hint="use fewer units"
    )
    return np.empty(shape, dtype=dtype)


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
