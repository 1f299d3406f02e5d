"""scikit-learn's 8x8 digits through kobai's loader."""

import builtins

import numpy as np
import pytest

from kobai.data import load_digits

pytest.importorskip("sklearn")


def test_shapes_dtypes_and_scaling():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X * 16, np.round(X * 16), atol=1e-5)
    assert y[:10].tolist() == list(range(10))


def test_matches_sklearn_divided_by_16_in_image_layout():
    from sklearn.datasets import load_digits as sk_load_digits

    X, _ = load_digits(layout="image", dtype=np.float64)
    assert X.shape == (1797, 1, 8, 8)
    np.testing.assert_array_equal(X[:, 0], sk_load_digits().images / 16)


def test_train_and_test_split_sizes():
    X_train, y_train = load_digits("train")
    X_test, y_test = load_digits("test")
    assert len(X_train) == 1437 and len(X_test) == 360
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), load_digits()[1])


def test_missing_sklearn_gives_an_install_hint(monkeypatch):
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(
        ImportError, match=r'pip install scikit-learn \(or pip install "kobai\[sklearn\]"\)'
    ):
        load_digits()


def test_unknown_split():
    with pytest.raises(ValueError, match="split must be one of 'all', 'train', 'test', got 'val'"):
        load_digits("val")
