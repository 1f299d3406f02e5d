"""The 10,000 MNIST digits bundled with kobai."""

import numpy as np
import pytest

from kobai.data import load_mnist_subset

CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_all_has_the_documented_class_counts():
    X, y = load_mnist_subset("all")
    assert X.shape == (10000, 784)
    assert np.bincount(y, minlength=10).tolist() == CLASS_COUNTS


@pytest.mark.parametrize(("split", "n"), [("train", 8000), ("test", 2000), ("all", 10000)])
def test_split_sizes_shapes_and_dtypes(split, n):
    X, y = load_mnist_subset(split)
    assert X.shape == (n, 784) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y).tolist()) == set(range(10))


def test_pixels_are_scaled_to_the_unit_interval():
    X, _ = load_mnist_subset("all")
    assert X.min() == 0.0 and X.max() == 1.0
    # Pixels are k/255 for integer k: scaling back gives integers.
    np.testing.assert_allclose(X[:50] * 255, np.round(X[:50] * 255), atol=1e-4)
    # A digit has ink: between a few dozen and a few hundred lit pixels.
    lit = (X > 0).sum(axis=1)
    assert lit.min() > 20 and lit.max() < 784 // 2


def test_train_and_test_are_the_first_8000_and_last_2000():
    X_all, y_all = load_mnist_subset("all")
    X_train, y_train = load_mnist_subset("train")
    X_test, y_test = load_mnist_subset("test")
    np.testing.assert_array_equal(X_train, X_all[:8000])
    np.testing.assert_array_equal(y_test, y_all[8000:])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y_all)
    assert np.bincount(y_train, minlength=10).sum() == 8000


def test_image_layout_is_channels_first_and_matches_flat():
    X_flat, _ = load_mnist_subset("test")
    X_img, _ = load_mnist_subset("test", layout="image")
    assert X_img.shape == (2000, 1, 28, 28)
    np.testing.assert_array_equal(X_img.reshape(2000, 784), X_flat)


def test_float64_on_request_and_results_are_fresh_arrays():
    X64, _ = load_mnist_subset("test", dtype=np.float64)
    assert X64.dtype == np.float64
    X, y = load_mnist_subset("test")
    X[:] = 7.0
    y[:] = 0
    X_again, y_again = load_mnist_subset("test")
    assert X_again.max() == 1.0 and y_again.max() == 9


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="split must be one of 'train', 'test', 'all', got 'val'"):
        load_mnist_subset("val")
    with pytest.raises(ValueError, match="layout must be one of 'flat', 'image', got 'nchw'"):
        load_mnist_subset(layout="nchw")
    with pytest.raises(ValueError, match="dtype must be a floating dtype"):
        load_mnist_subset(dtype=np.int32)
    with pytest.raises(TypeError, match="split must be one of 'train', 'test', 'all', got 1"):
        load_mnist_subset(1)
