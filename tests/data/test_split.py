"""split: a Generator-driven train/test split."""

import numpy as np
import pytest

from kobai.data import split


def test_sizes_disjoint_complete_and_paired():
    X, y = np.arange(40).reshape(20, 2), np.arange(20)
    (X_tr, y_tr), (X_te, y_te) = split(X, y, test_fraction=0.25, rng=0)
    assert len(X_tr) == 15 and len(X_te) == 5
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(20))
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)
    np.testing.assert_array_equal(X_te[:, 0] // 2, y_te)
    order = np.random.default_rng(0).permutation(20)
    assert y_te.tolist() == order[15:].tolist()


def test_rounds_the_test_part_up_like_sklearn():
    X_tr, X_te = split(np.arange(10), test_fraction=0.21, rng=0)
    assert len(X_te) == 3 and len(X_tr) == 7
    # 0.07 * 100 is 7.000000000000001 in floating point: still 7.
    assert len(split(np.arange(100), test_fraction=0.07, rng=0)[1]) == 7


def test_same_seed_same_split_and_unshuffled_takes_the_end():
    X = np.arange(30)
    a, b, c = split(X, rng=1), split(X, rng=1), split(X, rng=2)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    train, test = split(X, test_fraction=0.1, shuffle=False)
    assert test.tolist() == [27, 28, 29] and train.tolist() == list(range(27))


def test_bad_arguments():
    X = np.arange(10)
    with pytest.raises(ValueError, match=r"test_fraction must be in \(0, 1\), got 1.0"):
        split(X, test_fraction=1.0)
    with pytest.raises(ValueError, match="leaves no training samples"):
        split(np.arange(2), test_fraction=0.9)
    with pytest.raises(ValueError, match=r"got X of shape \(10,\) and y of shape \(3,\)"):
        split(X, np.arange(3))
