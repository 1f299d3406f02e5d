"""Permutation symmetry and the counts of copies, checked by brute force."""

import itertools
import math

import numpy as np
import pytest

from kobai.autograd import Tensor, no_grad
from kobai.models import MLP
from kobai.studies.local_minima import basins, expected_best_of
from kobai.studies.symmetry import (
    flat_parameters,
    hidden_sizes,
    pair_swap_count,
    permutation_count,
    permute_hidden_units,
    sign_flip_count,
)


def _out(model: MLP, x: np.ndarray) -> np.ndarray:
    with no_grad():
        return model(Tensor(x)).data


@pytest.mark.parametrize("sizes", [[2, 3], [3, 1, 2]])
def test_counts_match_brute_force(sizes: list[int]) -> None:
    model = MLP(3, sizes, 2, activation="tanh", rng=0, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((10, 3))
    reference = _out(model, x)
    vectors, single_swaps = set(), 0
    for combo in itertools.product(*(itertools.permutations(range(d)) for d in sizes)):
        orders = [np.array(c) for c in combo]
        copy = permute_hidden_units(model, orders)
        np.testing.assert_allclose(_out(copy, x), reference, rtol=0, atol=1e-12)
        vectors.add(flat_parameters(copy).tobytes())
        single_swaps += all(np.sum(o != np.arange(len(o))) == 2 for o in orders)
    assert len(vectors) == permutation_count(sizes) == math.prod(math.factorial(d) for d in sizes)
    assert single_swaps == pair_swap_count(sizes) == math.prod(math.comb(d, 2) for d in sizes)


def test_known_counts() -> None:
    assert pair_swap_count([8, 6]) == 28 * 15 == 420
    assert permutation_count([8, 6]) == 40320 * 720
    assert sign_flip_count([2]) == 8
    assert pair_swap_count([1, 5]) == 0  # a single unit has no pair to swap
    with pytest.raises(ValueError, match="positive"):
        permutation_count([0])


def test_sign_flips_keep_a_tanh_network_and_change_a_relu_network() -> None:
    x = np.random.default_rng(1).standard_normal((10, 2))
    signs = [np.array([-1.0, 1.0, -1.0])]
    tanh = MLP(2, [3], 2, activation="tanh", rng=1, dtype=np.float64)
    flipped = permute_hidden_units(tanh, [np.array([2, 0, 1])], signs=signs)
    np.testing.assert_allclose(_out(flipped, x), _out(tanh, x), atol=1e-12)
    relu = MLP(2, [3], 2, activation="relu", rng=1, dtype=np.float64)
    flipped = permute_hidden_units(relu, [np.array([2, 0, 1])], signs=signs)
    assert np.max(np.abs(_out(flipped, x) - _out(relu, x))) > 1e-3


def test_permutation_moves_the_parameters_and_leaves_the_model() -> None:
    model = MLP(2, [4], 1, rng=2, dtype=np.float64)
    before = flat_parameters(model)
    copy = permute_hidden_units(model, [np.array([1, 0, 3, 2])])
    np.testing.assert_array_equal(flat_parameters(model), before)
    assert np.linalg.norm(flat_parameters(copy) - before) > 0.1
    assert hidden_sizes(model) == [4]


def test_bad_permutations_are_refused() -> None:
    model = MLP(2, [3], 1, rng=0)
    with pytest.raises(ValueError, match="not a permutation"):
        permute_hidden_units(model, [np.array([0, 0, 1])])
    with pytest.raises(ValueError, match="one permutation per hidden layer"):
        permute_hidden_units(model, [])
    with pytest.raises(ValueError, match="Linear layers and activations"):
        permute_hidden_units(MLP(2, [3], 1, batchnorm=True, rng=0), [np.arange(3)])


def test_expected_best_of_matches_enumeration() -> None:
    losses = [0.3, 0.5, 0.4, 0.9, 0.3]
    for k in range(1, 6):
        subsets = list(itertools.combinations(losses, k))
        assert expected_best_of(losses, k) == pytest.approx(np.mean([min(s) for s in subsets]))
    with pytest.raises(ValueError, match="between 1 and 5"):
        expected_best_of(losses, 6)


def test_basins_group_close_losses() -> None:
    assert basins([0.3, 0.305, 0.4, 0.301, 0.45]) == [(0.3, 3), (0.4, 1), (0.45, 1)]
