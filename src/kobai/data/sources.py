"""Data sets by name, as the command line names them: ``mnist``, ``digits``, ``moons``, ..."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.backend import as_rng
from kobai.validation import MAX_SAMPLES, check_int, check_str

SYNTHETIC = ("moons", "circles", "spiral", "xor", "blobs", "sine")
NAMES = ("mnist", "digits", *SYNTHETIC, "csv:PATH", "idx:FOLDER", "fashion:FOLDER")


@dataclass
class Dataset:
    """A train/test pair of arrays with what a model needs to know about them."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str
    n_outputs: int

    @property
    def n_features(self) -> int:
        """Number of input features: the product of a sample's shape (784 for 28x28 images)."""
        return int(np.prod(self.x_train.shape[1:]))


def _split(name: str, x: np.ndarray, y: np.ndarray, test_fraction: float, rng: Any) -> Dataset:
    from kobai.data.splits import split

    (x_tr, y_tr), (x_te, y_te) = split(x, y, test_fraction=test_fraction, rng=rng)
    return _dataset(name, x_tr, y_tr, x_te, y_te)


def _dataset(name: str, x_tr: Any, y_tr: Any, x_te: Any, y_te: Any) -> Dataset:
    y_tr, y_te = np.asarray(y_tr), np.asarray(y_te)
    if y_tr.dtype.kind in "iub":
        task, outputs = "classification", int(max(y_tr.max(), y_te.max())) + 1
    else:
        task, outputs = "regression", 1 if y_tr.ndim == 1 else int(y_tr.shape[1])
        y_tr, y_te = y_tr.reshape(len(y_tr), -1), y_te.reshape(len(y_te), -1)
    return Dataset(name, np.asarray(x_tr), y_tr, np.asarray(x_te), y_te, task, outputs)


def load_dataset(
    name: str,
    *,
    target: str | None = None,
    samples: int = 1000,
    test_fraction: float = 0.2,
    rng: np.random.Generator | int | None = 0,
) -> Dataset:
    """Load a data set by name, split into train and test.

    Parameters
    ----------
    name : str
        ``"mnist"`` (the bundled 10,000-digit subset: 8,000 train, 2,000 test), ``"digits"``
        (scikit-learn's 8x8 digits), a synthetic set (``"moons"``, ``"circles"``,
        ``"spiral"``, ``"xor"``, ``"blobs"``, ``"sine"``), ``"csv:PATH"`` (a CSV file with a
        header; ``target`` names the target column), ``"idx:FOLDER"`` / ``"fashion:FOLDER"``
        (MNIST / Fashion-MNIST IDX files in FOLDER).
    target : str, optional
        The target column of a CSV file.
    samples : int, default 1000
        Size of a synthetic set.
    test_fraction : float, default 0.2
        Held-out fraction for sets without their own test split.
    rng : Generator or int
        Draws synthetic sets and random splits.
    """
    from kobai import data

    generator = as_rng(rng)
    key = check_str("data", name).strip()
    kind, _, arg = key.partition(":")
    kind = kind.lower()
    if kind == "mnist" and not arg:
        return _dataset("mnist", *data.load_mnist_subset("train"), *data.load_mnist_subset("test"))
    if kind == "digits":
        x, y = data.load_digits()
        return _split("digits", x, y, test_fraction, generator)
    if kind in SYNTHETIC:
        samples = check_int("samples", samples, low=1, high=MAX_SAMPLES)
        x, y = getattr(data, f"make_{kind}")(samples, rng=generator)
        return _split(kind, x, y, test_fraction, generator)
    if kind == "csv" and arg:
        if target is None:
            raise ValueError("a CSV data set needs --target COLUMN (the column to predict)")
        loaded = data.load_csv(arg, target=target)
        return _split(f"csv:{arg}", loaded[0], loaded[1], test_fraction, generator)
    if kind in ("idx", "fashion") and arg:
        mnist_kind = "fashion" if kind == "fashion" else "mnist"
        train = data.load_mnist(arg, split="train", kind=mnist_kind)
        test = data.load_mnist(arg, split="test", kind=mnist_kind)
        return _dataset(key, *train, *test)
    raise ValueError(f"unknown data set {name!r}; valid: {', '.join(NAMES)}")
