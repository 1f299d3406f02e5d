"""Every registered op, layer and loss has second derivatives that match finite differences
of its first derivatives (float64, random grad_outputs)."""

import numpy as np
import pytest

from kobai.autograd import registry
from kobai.autograd.function import Function
from kobai.autograd.numerical import GradcheckError, gradgradcheck
from kobai.autograd.tensor import Tensor

CASES = registry.all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_second_derivatives_match_finite_differences(case: registry.GradCase) -> None:
    inputs = registry.case_inputs(case, np.random.default_rng(0))
    assert gradgradcheck(case.fn, *inputs, rng=1)


class _Cube(Function):
    """x**3; ``frozen`` makes backward_graph treat the saved input as a constant (the typical
    bug: a first-order result dressed as a graph), which gives a second derivative of 0."""

    def __init__(self, frozen: bool) -> None:
        self.frozen = frozen

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return a**3

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * 3 * self.a**2,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (a,) = self.saved()
        return (grad * (3 * self.a**2) if self.frozen else grad * 3 * a * a,)


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    x = np.array([0.7, -1.2, 0.4])
    assert gradgradcheck(lambda a: _Cube(frozen=False)(a), x)
    assert not gradgradcheck(lambda a: _Cube(frozen=True)(a), x, raise_exception=False)
    with pytest.raises(GradcheckError, match="gradient of input 0 does not match"):
        gradgradcheck(lambda a: _Cube(frozen=True)(a), x)


def test_random_grad_outputs_come_from_the_given_seed() -> None:
    from kobai.autograd.numerical import first_derivative

    fn = lambda a: a * a  # noqa: E731
    _, first = first_derivative(fn, [np.ones(3)], rng=5)
    _, again = first_derivative(fn, [np.ones(3)], rng=np.random.default_rng(5))
    _, other = first_derivative(fn, [np.ones(3)], rng=6)
    np.testing.assert_array_equal(first[-1].data, again[-1].data)
    assert not np.array_equal(first[-1].data, other[-1].data)
