"""Every registered op, layer and loss has second derivatives that match finite differences
of its first derivatives (float64, random grad_outputs)."""

import numpy as np
import pytest

from kobai.autograd import registry
from kobai.autograd.function import Function
from kobai.autograd.numerical import GradcheckError, first_derivative, gradgradcheck
from kobai.autograd.tensor import Tensor

CASES = registry.all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_second_derivatives_match_finite_differences(case: registry.GradCase) -> None:
    inputs = registry.case_inputs(case, np.random.default_rng(0))
    assert gradgradcheck(case.fn, *inputs, rng=1)


def _smallest_per_family(limit: int = 150) -> list[registry.GradCase]:
    """For each op, layer or loss (the name before the brackets), its case with the fewest
    input elements, if at most ``limit`` (the modules Conv2d and ConvTranspose2d, whose only
    cases are larger, run the ops of conv2d and conv_transpose2d, which are checked)."""
    best: dict[str, tuple[int, registry.GradCase]] = {}
    for case in CASES:
        size = sum(np.size(x) for x in case.make_inputs(np.random.default_rng(0)))
        family = case.name.split("[")[0]
        if family not in best or size < best[family][0]:
            best[family] = (size, case)
    return [case for size, case in best.values() if size <= limit]


THIRD = _smallest_per_family()


@pytest.mark.parametrize("case", THIRD, ids=[c.name for c in THIRD])
def test_third_derivatives_match_finite_differences(case: registry.GradCase) -> None:
    # gradgradcheck of the vector-Jacobian product: the graph of a graph is differentiated.
    inputs = registry.case_inputs(case, np.random.default_rng(0))
    vjp, extended = first_derivative(case.fn, inputs, rng=1)
    assert gradgradcheck(vjp, *extended, rng=2)


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


def test_given_grad_outputs_are_used_and_checked() -> None:
    _, extended = first_derivative(lambda a: a * a, [np.ones(2)], rng=0, grad_outputs=[3.0, -1.0])
    np.testing.assert_array_equal(extended[-1].data, [3.0, -1.0])
    assert gradgradcheck(lambda a: (a**3) * 2, np.array([0.5, 1.5]), grad_outputs=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"grad_outputs must have the output's shape \(2,\), "):
        gradgradcheck(lambda a: a * a, np.ones(2), grad_outputs=np.ones(3))
