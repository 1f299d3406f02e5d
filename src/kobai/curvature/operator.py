"""Symmetric linear operators: what the estimators need to know about a matrix they never see.

Lanczos, Hutchinson and stochastic Lanczos quadrature only multiply vectors by the matrix.
:class:`LinearOperator` carries that product, the size and the dtype; :func:`as_operator`
turns an explicit symmetric matrix, a :class:`~kobai.curvature.Hessian` or a plain
``matvec`` callable into one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.validation import check_int


@dataclass(frozen=True)
class LinearOperator:
    """A symmetric ``n x n`` matrix known only by its products with vectors.

    Parameters
    ----------
    matvec : callable
        ``matvec(v)`` for ``v`` of shape (n,) returns ``A v`` of shape (n,).
    n : int
        The size.
    dtype : dtype, default float64
        The dtype ``matvec`` computes in (the estimators work in float64 and convert).

    Examples
    --------
    >>> import numpy as np
    >>> op = LinearOperator(lambda v: 2.0 * v, 3)
    >>> op.matvec(np.ones(3))
    array([2., 2., 2.])
    """

    matvec: Callable[[np.ndarray], np.ndarray]
    n: int
    dtype: np.dtype = np.dtype(np.float64)

    def __post_init__(self) -> None:
        check_int("n", self.n, low=1)


def as_operator(a: Any) -> LinearOperator:
    """``a`` as a :class:`LinearOperator`.

    Parameters
    ----------
    a : LinearOperator, Hessian, ndarray of shape (n, n), or object with ``hvp`` and ``size``
        A square symmetric ndarray is used as is (its symmetry is checked).

    Raises
    ------
    ValueError
        For an ndarray that is not square, not finite or not symmetric.
    TypeError
        For anything else.
    """
    if isinstance(a, LinearOperator):
        return a
    if hasattr(a, "hvp") and hasattr(a, "size"):
        return LinearOperator(a.hvp, int(a.size), np.dtype(getattr(a, "dtype", np.float64)))
    if isinstance(a, np.ndarray):
        return _matrix_operator(a)
    raise TypeError(
        "expected a LinearOperator, a Hessian or a symmetric ndarray, got " + type(a).__name__
    )


def _matrix_operator(a: np.ndarray) -> LinearOperator:
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError(f"the matrix must be square and non-empty, got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError("the matrix has non-finite entries (NaN or inf)")
    scale = max(float(np.abs(a).max()), np.finfo(np.float64).tiny)
    asymmetry = float(np.abs(a - a.T).max()) / scale
    tolerance = 100 * np.finfo(a.dtype if a.dtype.kind == "f" else np.float64).eps
    if asymmetry > tolerance:
        raise ValueError(
            f"the matrix must be symmetric, got max |A - A^T| / max |A| = {asymmetry:.3g}"
        )
    return LinearOperator(lambda v: a @ v, a.shape[0], np.dtype(np.result_type(a, np.float32)))


def check_vector(v: Any, n: int, name: str = "v") -> np.ndarray:
    """``v`` as a finite float vector of length ``n``, or one clear error."""
    array = np.asarray(v)
    if array.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be a float vector, got dtype {array.dtype}")
    if array.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got shape {array.shape}")
    if not np.isfinite(array).all():
        bad = int(np.size(array) - np.isfinite(array).sum())
        raise ValueError(f"{name} has {bad} non-finite entries (NaN or inf)")
    return array


def rademacher(rng: np.random.Generator, n: int) -> np.ndarray:
    """A vector of independent +1/-1 entries with equal probability, float64, shape (n,)."""
    return rng.integers(0, 2, size=n).astype(np.float64) * 2.0 - 1.0


def apply(op: LinearOperator, v: np.ndarray) -> np.ndarray:
    """``op.matvec(v)`` in float64, with a clear error when the product is not finite."""
    out = np.asarray(op.matvec(v.astype(op.dtype, copy=False)), dtype=np.float64).reshape(-1)
    if out.shape != (op.n,):
        raise ValueError(f"matvec returned shape {out.shape}, expected ({op.n},)")
    if not np.isfinite(out).all():
        raise FloatingPointError(
            "the matrix-vector product is not finite (NaN or inf): the model's loss or its "
            "derivatives overflowed at these parameters"
        )
    return out
