"""A random train/test split driven by a ``np.random.Generator``.

scikit-learn's ``train_test_split`` takes ``random_state`` as an int or a legacy
``RandomState``, not a ``Generator``, and kobai's core does not depend on scikit-learn; hence
this small helper.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kobai.backend import as_rng
from kobai.validation import check_real


def split(
    X: np.ndarray,
    y: np.ndarray | None = None,
    *,
    test_fraction: float = 0.2,
    shuffle: bool = True,
    rng: np.random.Generator | int | None = None,
) -> Any:
    """Split arrays into a training part and a test part.

    Parameters
    ----------
    X : ndarray of shape (n, ...)
        Samples along the first axis.
    y : ndarray of shape (n, ...), optional
        Targets, split the same way.
    test_fraction : float, default 0.2
        Fraction of samples in the test part, in ``(0, 1)``; the test part gets
        :math:`\\lceil f n \\rceil` samples (as scikit-learn rounds), and both parts must be
        non-empty.
    shuffle : bool, default True
        Permute the samples with ``rng`` first; if False the last samples form the test part.
    rng : Generator or int, optional
        Generator or seed of the permutation.

    Returns
    -------
    ((X_train, y_train), (X_test, y_test)) if ``y`` is given, else (X_train, X_test)
        Pairs ready for ``fit(model, train=..., val=...)``.

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> (X_tr, y_tr), (X_te, y_te) = split(X, y, test_fraction=0.3, rng=0)
    >>> len(X_tr), len(X_te)
    (7, 3)
    """
    X = np.asarray(X)
    if X.ndim == 0:
        raise ValueError("X must have a first axis of samples, got a scalar")
    n = len(X)
    if y is not None:
        y = np.asarray(y)
        if y.ndim == 0 or len(y) != n:
            raise ValueError(
                f"X and y must have the same number of samples, got X of shape {X.shape} "
                f"and y of shape {y.shape}"
            )
    fraction = check_real("test_fraction", test_fraction)
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    # Rounded first so that 0.07 * 100 = 7.000000000000001 gives 7 test samples, not 8.
    n_test = math.ceil(round(fraction * n, 9))
    if n_test >= n:
        raise ValueError(f"test_fraction={test_fraction} of {n} samples leaves no training samples")
    if shuffle:
        order = as_rng(rng).permutation(n)
        train, test = order[: n - n_test], order[n - n_test :]
        if y is None:
            return X[train], X[test]
        return (X[train], y[train]), (X[test], y[test])
    if y is None:
        return X[: n - n_test], X[n - n_test :]
    return (X[: n - n_test], y[: n - n_test]), (X[n - n_test :], y[n - n_test :])
