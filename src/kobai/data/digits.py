"""scikit-learn's bundled 8x8 digits, in kobai's return convention.

scikit-learn ships 1,797 handwritten digits of 8x8 pixels (16 grey levels, from the UCI "Optical
Recognition of Handwritten Digits" data set) inside its wheel, so they load offline. kobai's
core does not depend on scikit-learn: it is imported only when :func:`load_digits` is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.data._checks import images_to_float, split_rows
from kobai.validation import check_choice

SPLITS = ("all", "train", "test")
DIGITS_SIZE = 1797
DIGITS_TRAIN_SIZE = 1437  # the first 80 %, rounded down


def load_digits(
    split: str = "all", *, layout: str = "flat", dtype: Any = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Load scikit-learn's 8x8 handwritten digits, scaled to ``[0, 1]``.

    Parameters
    ----------
    split : {"all", "train", "test"}, default "all"
        All 1,797 digits, the first 1,437 (80 %), or the last 360. The order is scikit-learn's;
        for a random split use :func:`kobai.data.split` on ``"all"``.
    layout : {"flat", "image"}, default "flat"
        ``X`` of shape ``(n, 64)``, or ``(n, 1, 8, 8)`` for convolutions.
    dtype : floating dtype, default float32
        dtype of ``X``.

    Returns
    -------
    X : ndarray of shape (n, 64) or (n, 1, 8, 8)
        Grey levels 0..16 divided by 16.
    y : ndarray of shape (n,), int64
        Digit labels 0..9.

    Raises
    ------
    ImportError
        If scikit-learn is not installed.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape
    ((1797, 64), (1797,))
    """
    check_choice("split", split, SPLITS)
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as exc:
        raise ImportError(
            "load_digits needs scikit-learn: pip install scikit-learn "
            '(or pip install "kobai[sklearn]")'
        ) from exc
    bunch = sklearn_load_digits()
    images = np.asarray(bunch.images).astype(np.uint8)  # stored as float64 grey levels 0..16
    labels = np.asarray(bunch.target, dtype=np.int64)
    part = split_rows(split, DIGITS_TRAIN_SIZE, DIGITS_SIZE)
    X = images_to_float(images[part], scale=16.0, layout=layout, dtype=dtype)
    return X, labels[part]
