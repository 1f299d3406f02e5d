"""Numerical gradients against backpropagation: agreement, error orders, cost."""

import numpy as np
import pytest

from kobai import nn
from kobai.models import MLP
from kobai.studies.gradients import (
    count_forward_passes,
    flat_gradient,
    flat_loss,
    numerical_gradient,
    relative_difference,
)
from kobai.studies.numerical import error_against_step


def _problem() -> tuple[MLP, nn.Module, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    model = MLP(4, [5, 3], 3, activation="tanh", rng=0, dtype=np.float64)
    return model, nn.CrossEntropyLoss(), rng.standard_normal((7, 4)), rng.integers(0, 3, 7)


def test_central_differences_agree_with_backprop() -> None:
    model, loss, x, y = _problem()
    exact = flat_gradient(model, loss, x, y)
    approx = numerical_gradient(model, loss, x, y, h=1e-6)
    assert exact.size == sum(p.data.size for p in model.parameters()) == 55
    assert np.linalg.norm(approx - exact) / np.linalg.norm(exact) < 1e-8
    np.testing.assert_allclose(approx, exact, rtol=1e-6, atol=1e-10)


def test_relative_difference() -> None:
    assert relative_difference([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_difference([1.0, 2.0], [1.1, 2.0]) == pytest.approx(0.1 / 1.1)
    assert relative_difference([0.0], [0.0]) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        relative_difference([1.0], [1.0, 2.0])


def test_forward_passes_two_per_parameter_against_one() -> None:
    model, loss, x, y = _problem()
    assert count_forward_passes(model, lambda: numerical_gradient(model, loss, x, y)) == 2 * 55 + 1
    assert count_forward_passes(model, lambda: flat_gradient(model, loss, x, y)) == 1
    assert not model._forward_hooks


def test_error_orders_of_the_differences() -> None:
    # Truncation error: forward and backward ~ h, central ~ h^2. Ten times smaller h:
    # ten and a hundred times smaller error, while rounding stays far below.
    model, loss, x, y = _problem()
    errors = error_against_step(model, loss, x, y, [1e-2, 1e-3])
    for method in ("forward", "backward"):
        assert errors[method][0] / errors[method][1] == pytest.approx(10, rel=0.05)
    assert errors["central"][0] / errors["central"][1] == pytest.approx(100, rel=0.05)


def test_flat_loss_restores_nothing_by_itself_but_round_trips() -> None:
    model, loss, x, y = _problem()
    theta, f = flat_loss(model, loss, x, y)
    value = f(theta)
    assert value == pytest.approx(float(loss(model(x), y).data))
    f(theta + 0.1)
    f(theta)
    np.testing.assert_array_equal(
        np.concatenate([p.data.ravel() for p in model.parameters()]), theta
    )
