"""Which array module kobai computes with, and its dtype policy.

kobai computes with NumPy. Tensors made from Python data (lists, floats, ints) are float32 by
default; an explicit ``dtype`` and the dtype of an ``ndarray`` are kept. Operands that are not
tensors (Python scalars, ndarrays) take the dtype of the floating tensor they meet, so
``float32_tensor * 0.5`` and ``float32_tensor + np.ones(3)`` stay float32: no op promotes float32
to float64 behind the user's back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

xp = np

DEFAULT_DTYPE = np.dtype(np.float32)


def as_dtype(dtype: Any) -> np.dtype:
    """Return ``dtype`` as a NumPy dtype, with a clear error for something that is not one."""
    try:
        return np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be a NumPy dtype or its name, got {dtype!r}") from exc


def is_floating(dtype: np.dtype) -> bool:
    """True for float16/32/64 dtypes."""
    return bool(np.issubdtype(dtype, np.floating))


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Return ``rng`` as a ``np.random.Generator`` (an int is a seed; None draws fresh entropy).

    kobai never touches NumPy's global random state: every function that draws random numbers
    takes ``rng``.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"seed must be >= 0, got {rng}")
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")
