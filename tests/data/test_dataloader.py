"""DataLoader: epochs, shuffling, batch modes, len(), validation."""

import numpy as np
import pytest

from kobai.data import DataLoader


def _data(n=10):
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    return X, np.arange(n)


def _epoch_ids(loader):
    return [yb.tolist() for _, yb in loader]


@pytest.mark.parametrize(
    ("batch_size", "drop_last"), [(1, False), (3, False), (3, True), (4, False), (10, False)]
)
def test_every_sample_exactly_once_per_epoch_and_x_matches_y(batch_size, drop_last):
    X, y = _data(10)
    loader = DataLoader(X, y, batch_size=batch_size, drop_last=drop_last, rng=0)
    for _ in range(3):
        batches = list(loader)
        assert len(batches) == len(loader)
        seen = np.concatenate([yb for _, yb in batches])
        for xb, yb in batches:
            np.testing.assert_array_equal(xb, X[yb])
        if drop_last:
            assert len(seen) == 9 and len(set(seen.tolist())) == 9
        else:
            assert sorted(seen.tolist()) == list(range(10))


def test_a_new_permutation_every_epoch():
    loader = DataLoader(*_data(50), batch_size=10, rng=0)
    epochs = [sum(_epoch_ids(loader), []) for _ in range(4)]
    assert all(sorted(e) == list(range(50)) for e in epochs)
    assert len({tuple(e) for e in epochs}) == 4
    assert epochs[0] != list(range(50))


def test_same_seed_same_order_other_seed_other_order():
    a = DataLoader(*_data(30), batch_size=7, rng=5)
    b = DataLoader(*_data(30), batch_size=7, rng=5)
    c = DataLoader(*_data(30), batch_size=7, rng=6)
    first_a, first_b = _epoch_ids(a), _epoch_ids(b)
    assert first_a == first_b and _epoch_ids(a) == _epoch_ids(b)
    assert _epoch_ids(c) != first_a
    # The order is the generator's permutation, cut into consecutive batches.
    expected = np.random.default_rng(5).permutation(30)
    assert sum(first_a, []) == expected.tolist()


def test_no_shuffle_gives_views_in_order():
    X, y = _data(10)
    loader = DataLoader(X, y, batch_size=4, shuffle=False)
    batches = list(loader)
    assert [yb.tolist() for _, yb in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert all(np.shares_memory(xb, X) for xb, _ in batches)
    assert list(loader)[0][1].tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize(("n", "batch_size", "drop_last", "expected"), [
    (10, 3, False, 4), (10, 3, True, 3), (10, 5, True, 2), (10, 1, False, 10),
    (10, 32, False, 1), (10, 32, True, 0), (10, None, False, 1), (10, "full", True, 1),
])  # fmt: skip
def test_len_is_batches_per_epoch(n, batch_size, drop_last, expected):
    loader = DataLoader(*_data(n), batch_size=batch_size, drop_last=drop_last, rng=0)
    assert len(loader) == expected == len(list(loader))


def test_drop_last_drops_only_the_short_batch():
    loader = DataLoader(*_data(10), batch_size=4, drop_last=True, rng=1)
    sizes = [len(yb) for _, yb in loader]
    assert sizes == [4, 4]


@pytest.mark.parametrize("full", [None, "full"])
def test_full_batch_is_the_whole_data_set(full):
    X, y = _data(10)
    loader = DataLoader(X, y, batch_size=full, rng=0)
    ((xb, yb),) = list(loader)
    assert xb.shape == (10, 3) and yb.tolist() == list(range(10))
    assert np.shares_memory(xb, X)


def test_batch_size_one_is_stochastic():
    X, y = _data(6)
    loader = DataLoader(X, y, batch_size=1, rng=0)
    batches = list(loader)
    assert len(batches) == 6 and all(xb.shape == (1, 3) for xb, _ in batches)
    assert sorted(int(yb[0]) for _, yb in batches) == list(range(6))


def test_without_targets_yields_arrays():
    X, _ = _data(5)
    batches = list(DataLoader(X, batch_size=2, shuffle=False))
    assert [b.shape for b in batches] == [(2, 3), (2, 3), (1, 3)]


def test_validation_messages_name_the_value():
    X, y = _data(10)
    with pytest.raises(
        ValueError, match=r"same number of samples, got X of shape \(10, 3\) and y of shape \(9,\)"
    ):
        DataLoader(X, y[:9])
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        DataLoader(X, batch_size=0)
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got -4"):
        DataLoader(X, batch_size=-4)
    with pytest.raises(TypeError, match=r"batch_size must be an integer >= 1, got 2\.5"):
        DataLoader(X, batch_size=2.5)
    with pytest.raises(TypeError, match="batch_size must be an integer >= 1, got True"):
        DataLoader(X, batch_size=True)
    with pytest.raises(
        ValueError, match="batch_size must be a positive int, None or 'full', got 'all'"
    ):
        DataLoader(X, batch_size="all")
    with pytest.raises(TypeError, match="shuffle must be true or false, got 'yes'"):
        DataLoader(X, shuffle="yes")
    with pytest.raises(ValueError, match=r"X must hold at least one sample, got shape \(0, 3\)"):
        DataLoader(np.zeros((0, 3)))
    assert len(DataLoader(X, batch_size=np.int64(5))) == 2


def test_cheap_on_mnist_sized_data():
    import time

    X = np.zeros((8000, 784), np.float32)
    y = np.zeros(8000, np.int64)
    loader = DataLoader(X, y, batch_size=128, rng=0)
    start = time.perf_counter()
    for _ in range(3):
        for _xb, _yb in loader:
            pass
    # Three epochs are three copies of 25 MB: far under a second with one gather per batch.
    assert time.perf_counter() - start < 1.0
