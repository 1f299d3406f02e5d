"""Numerical differentiation: the source document's numbers, error orders, gradcheck."""

import numpy as np
import pytest

import kobai as kb


def half_square(x):  # type: ignore[no-untyped-def]
    return x**2 / 2


def test_seed_001_numbers_for_half_square_at_2() -> None:
    # Source document 001: f(x) = x^2 / 2 at x = 2 with h = 0.001.
    forward = kb.numerical_grad(half_square, 2.0, h=1e-3, method="forward")
    backward = kb.numerical_grad(half_square, 2.0, h=1e-3, method="backward")
    central = kb.numerical_grad(half_square, 2.0, h=1e-3, method="central")
    assert forward == pytest.approx(2.0005, abs=1e-12)
    assert backward == pytest.approx(1.9995, abs=1e-12)
    assert central == pytest.approx(2.0, abs=1e-12)
    assert isinstance(forward, float)


def test_error_orders() -> None:
    # forward/backward differences err by O(h), the central difference by O(h^2).
    f, x, exact = np.sin, 1.0, np.cos(1.0)
    for h in (1e-2, 1e-3):
        fwd = kb.numerical_grad(f, x, h=h, method="forward") - exact
        cen = kb.numerical_grad(f, x, h=h, method="central") - exact
        assert fwd == pytest.approx(-np.sin(x) * h / 2, rel=0.02)
        assert cen == pytest.approx(-np.cos(x) * h**2 / 6, rel=0.02)


def test_array_input_and_tensor_functions() -> None:
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = kb.numerical_grad(lambda v: (v**3).sum(), x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-7)
    gt = kb.numerical_grad(lambda t: (t * t).sum(), kb.tensor(x))
    np.testing.assert_allclose(gt, 2 * x, rtol=1e-7)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # the input is not modified


def test_numerical_grad_of_a_network_matches_backprop(rng: np.random.Generator) -> None:
    w = rng.standard_normal((3, 2))
    x = rng.standard_normal((4, 3))

    def loss(weights):  # type: ignore[no-untyped-def]
        return kb.functional.tanh(kb.tensor(x) @ weights).sum()

    wt = kb.tensor(w, requires_grad=True)
    loss(wt).backward()
    np.testing.assert_allclose(kb.numerical_grad(loss, kb.tensor(w)), wt.grad, rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"h": -1}, ValueError, "h must be a finite number > 0, got -1"),
        ({"h": 0.0}, ValueError, r"h must be a finite number > 0, got 0\.0"),
        ({"h": "big"}, TypeError, "h must be a finite number > 0, got 'big'"),
        ({"method": "sideways"}, ValueError, "method must be one of forward, backward, central"),
    ],
)
def test_numerical_grad_rejects_bad_input(kwargs, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        kb.numerical_grad(half_square, 2.0, **kwargs)


def test_numerical_grad_needs_a_scalar_function() -> None:
    with pytest.raises(ValueError, match=r"f must return a scalar, got a value of shape \(2,\)"):
        kb.numerical_grad(lambda v: v * 2, np.ones(2))
    with pytest.raises(TypeError, match="f must be callable"):
        kb.numerical_grad(3, 1.0)


def test_gradcheck_passes_on_correct_gradients(rng: np.random.Generator) -> None:
    a = kb.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert kb.gradcheck(lambda t, b: (t @ b).tanh(), a, rng.standard_normal((4, 2)))
    assert a.data.dtype == np.float64  # converted copy, original untouched
    assert a.grad is None


def test_gradcheck_shows_both_gradients_when_they_disagree() -> None:
    class WrongSquare(kb.Function):
        def forward(self, a: np.ndarray) -> np.ndarray:
            self.a = a
            return a * a

        def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
            return (grad * 3 * self.a,)  # should be 2a

    with pytest.raises(kb.GradcheckError) as info:
        kb.gradcheck(lambda t: WrongSquare()(t), np.array([1.0, 2.0]))
    text = str(info.value)
    assert "backprop (analytical)" in text and "finite differences (numerical)" in text
    assert "6." in text and "4." in text  # 3*2 vs 2*2 on the second diagonal entry
    assert not kb.gradcheck(lambda t: WrongSquare()(t), np.array([1.0]), raise_exception=False)


def test_gradcheck_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="eps must be a finite number > 0, got 0"):
        kb.gradcheck(lambda t: t, np.ones(2), eps=0)
    with pytest.raises(ValueError, match="atol must be a finite number >= 0, got -1"):
        kb.gradcheck(lambda t: t, np.ones(2), atol=-1)
    with pytest.raises(TypeError, match="fn must return a Tensor, got ndarray"):
        kb.gradcheck(lambda t: t.data, np.ones(2))
