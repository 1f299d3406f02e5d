"""Gradient noise, memory and jitter of the batch-modes study, on cases with known answers."""

import itertools

import numpy as np
import pytest

from kobai import nn
from kobai.models import MLP
from kobai.studies.batch_modes import (
    activation_bytes,
    gradient_noise,
    loss_jitter,
    random_batches,
)
from kobai.studies.gradients import flat_gradient


def _regression() -> tuple[nn.Module, nn.Module, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    model = nn.Linear(3, 1, dtype=np.float64, rng=0)
    x = rng.standard_normal((8, 3))
    y = rng.standard_normal((8, 1))
    return model, nn.MSELoss(), x, y


def test_noise_of_every_batch_matches_the_sampling_formula() -> None:
    # Over all C(N, b) batches, mean |g_B - g|^2 = sigma^2 / b * (N - b) / (N - 1), where
    # sigma^2 is the mean square deviation of one sample's gradient from g.
    model, loss, x, y = _regression()
    n = len(x)
    full = flat_gradient(model, loss, x, y)
    per_sample = np.array(
        [flat_gradient(model, loss, x[i : i + 1], y[i : i + 1]) for i in range(n)]
    )
    sigma2 = np.mean(np.sum((per_sample - full) ** 2, axis=1))
    for b in (1, 2, 3, 5):
        batches = [np.array(c) for c in itertools.combinations(range(n), b)]
        expected = np.sqrt(sigma2 / b * (n - b) / (n - 1)) / np.linalg.norm(full)
        assert gradient_noise(model, loss, x, y, batches) == pytest.approx(expected, rel=1e-10)


def test_full_batch_has_no_noise() -> None:
    model, loss, x, y = _regression()
    assert gradient_noise(model, loss, x, y, [np.arange(len(x))]) == 0.0


def test_random_batches_are_distinct_indices() -> None:
    batches = random_batches(10, 4, 3, np.random.default_rng(0))
    assert len(batches) == 3 and all(len(set(b.tolist())) == 4 and b.max() < 10 for b in batches)


def test_activation_bytes_counts_the_input_and_every_layer_output_but_reshapes() -> None:
    model = MLP(4, [3], 2, rng=0)  # Flatten, Linear(4,3), ReLU, Linear(3,2)
    x = np.zeros((5, 4), dtype=np.float32)
    assert activation_bytes(model, x) == 5 * (4 + 3 + 3 + 2) * 4
    assert activation_bytes(model, np.zeros((10, 4), dtype=np.float32)) == 10 * 12 * 4


def test_loss_jitter_is_the_spread_of_consecutive_changes() -> None:
    assert loss_jitter([3.0, 2.0, 1.0, 0.0]) == 0.0
    assert loss_jitter([1.0, 2.0, 1.0, 2.0, 1.0]) == pytest.approx(1.0)  # changes +-1
    assert np.isnan(loss_jitter([1.0, 2.0]))
