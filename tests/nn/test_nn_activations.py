"""Activations: golden values, derivatives against numerical differentiation, erf accuracy."""

import math

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import activation
from kobai.nn import functional as F
from kobai.nn._activation_ops import erf

PHI = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731 - the normal CDF


@pytest.mark.parametrize(
    "module, x, expected",
    [
        (nn.Sigmoid(), [0.0, math.log(3)], [0.5, 0.75]),
        (nn.Tanh(), [0.0, math.atanh(0.5)], [0.0, 0.5]),
        (nn.ReLU(), [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0]),
        (nn.LeakyReLU(), [-2.0, 3.0], [-0.02, 3.0]),
        (nn.LeakyReLU(0.2), [-2.0, 3.0], [-0.4, 3.0]),
        (nn.PReLU(), [-4.0, 1.0], [-1.0, 1.0]),
        (nn.ELU(), [-1.0, 2.0], [math.exp(-1) - 1, 2.0]),
        (nn.ELU(0.5), [-2.0], [0.5 * (math.exp(-2) - 1)]),
        (nn.GELU(), [1.0, -1.0, 0.0], [PHI(1), -PHI(-1), 0.0]),
        (nn.GELU("tanh"), [1.0], [0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * 1.044715))]),
        (nn.Softplus(), [0.0, 30.0], [math.log(2), 30.0]),
        (nn.Softplus(beta=2.0), [1.0], [math.log1p(math.exp(2)) / 2]),
        (nn.SiLU(), [0.0, 1.0], [0.0, 1 / (1 + math.exp(-1))]),
        (nn.Mish(), [0.0, 1.0], [0.0, math.tanh(math.log1p(math.e))]),
        (
            nn.SELU(),
            [-1.0, 2.0],
            [1.0507009873554805 * 1.6732632423543772 * (math.exp(-1) - 1), 2 * 1.0507009873554805],
        ),
        (nn.Hardtanh(), [-3.0, 0.5, 2.0], [-1.0, 0.5, 1.0]),
        (nn.Hardtanh(0.0, 2.0), [-3.0, 0.5, 2.5], [0.0, 0.5, 2.0]),
        (nn.ReLU6(), [-1.0, 3.0, 7.0], [0.0, 3.0, 6.0]),
        (nn.LogSigmoid(), [0.0, -800.0], [-math.log(2), -800.0]),
        (nn.Softsign(), [1.0, -3.0], [0.5, -0.75]),
        (nn.Softmax(dim=-1), [1.0, 2.0, 3.0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum()),
        (nn.LogSoftmax(dim=0), [0.0, math.log(3)], [math.log(0.25), math.log(0.75)]),
    ],
)
def test_golden_values(module, x, expected):
    y = module(np.array(x))
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-15)


ELEMENTWISE = [
    nn.Sigmoid(),
    nn.Tanh(),
    nn.ReLU(),
    nn.LeakyReLU(0.1),
    nn.PReLU(init=0.3),
    nn.ELU(0.7),
    nn.GELU(),
    nn.GELU("tanh"),
    nn.Softplus(2.0, 5.0),
    nn.SiLU(),
    nn.Mish(),
    nn.SELU(),
    nn.Hardtanh(-0.6, 1.4),
    nn.ReLU6(),
    nn.LogSigmoid(),
    nn.Softsign(),
    nn.Identity(),
]


@pytest.mark.parametrize("module", ELEMENTWISE, ids=lambda m: repr(m))
def test_derivative_matches_numerical_differentiation(module):
    x = np.linspace(-5, 5, 41) + 0.013  # no point on a kink (0) or on the softplus threshold
    module.double()
    numerical = kb.numerical_grad(lambda v: module(v).sum(), x, h=1e-6)
    derivative = module.derivative(x)
    assert derivative.shape == x.shape and derivative.dtype == np.float64
    np.testing.assert_allclose(derivative, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("module", ELEMENTWISE, ids=lambda m: repr(m))
def test_derivative_matches_backward(module):
    module.double()
    x = kb.Tensor(np.linspace(-3, 3, 13) + 0.01, requires_grad=True)
    module(x).sum().backward()
    np.testing.assert_allclose(module.derivative(x), x.grad, rtol=1e-12, atol=1e-15)


def test_derivative_keeps_float32_and_accepts_lists_and_tensors():
    assert nn.Tanh().derivative(np.zeros(3, dtype=np.float32)).dtype == np.float32
    np.testing.assert_array_equal(nn.ReLU().derivative([-1, 0, 2]), [0, 0, 1])
    np.testing.assert_array_equal(
        nn.LeakyReLU().derivative(kb.tensor([-1.0, 1.0])), np.float32([0.01, 1])
    )


def test_sigmoid_derivative_is_at_most_a_quarter_the_vanishing_gradient():
    d = activation.derivative("sigmoid", np.linspace(-10, 10, 2001))
    assert d.max() == pytest.approx(0.25, abs=1e-12) and d.argmax() == 1000
    assert activation.derivative("tanh", np.linspace(-10, 10, 2001)).max() == pytest.approx(1)


def test_prelu_per_channel_slopes_and_derivative():
    layer = nn.PReLU(2, init=0.1)
    layer.weight.data[:] = [0.1, 0.5]
    x = np.array([[[-1.0, 2.0], [-1.0, -4.0]]], dtype=np.float32)  # (N=1, C=2, L=2)
    np.testing.assert_allclose(layer(x).data, [[[-0.1, 2.0], [-0.5, -2.0]]], rtol=1e-6)
    np.testing.assert_allclose(layer.derivative(x), [[[0.1, 1.0], [0.5, 0.5]]], rtol=1e-6)
    with pytest.raises(ValueError, match=r"PReLU\(num_parameters=2\) expected input \(N, 2, \*\), "
                       r"got \(3, 4\)"):  # fmt: skip
        layer(np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"2 slopes need an input with 2 channels on axis 1"):
        F.prelu(np.zeros((3, 4)), np.ones(2))
    with pytest.raises(ValueError, match=r"Softmax\(dim=2\) expected an input with an axis 2, "
                       r"got shape \(3, 4\)"):  # fmt: skip
        nn.Softmax(2)(np.zeros((3, 4)))


def test_softmax_and_log_softmax_jacobians_match_numerical_ones():
    x = np.array([[0.3, -1.2, 2.0, 0.5], [1.0, 1.0, -0.5, 0.0]])
    for module in (nn.Softmax(dim=1), nn.LogSoftmax(dim=-1)):
        jac = module.derivative(x)
        assert jac.shape == (2, 4, 4)
        for row in range(2):
            for i in range(4):
                numerical = kb.numerical_grad(
                    lambda v, i=i, m=module: m(v[None])[0, i], x[row], h=1e-6
                )
                np.testing.assert_allclose(jac[row, i], numerical, rtol=1e-6, atol=1e-9)


def test_erf_matches_math_erf_to_double_precision():
    x = np.concatenate([np.linspace(-10, 10, 4001), [0.0, 1.0, -1.0, 1e-300, 26.0, -30.0]])
    expected = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(erf(x) - expected)) < 1e-15
    x32 = x.astype(np.float32)
    out32 = erf(x32)
    assert out32.dtype == np.float32
    assert np.max(np.abs(out32 - np.array([math.erf(v) for v in x32.astype(float)]))) < 5e-7


def test_gelu_float32_stays_float32_and_is_accurate():
    x = np.linspace(-8, 8, 101)
    y = nn.GELU()(x.astype(np.float32))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, [v * PHI(v) for v in x], atol=2e-6)


def test_get_builds_modules_by_name_and_rejects_unknown_names():
    assert isinstance(activation.get("relu"), nn.ReLU)
    assert activation.get("Leaky-ReLU", negative_slope=0.2).negative_slope == 0.2
    assert isinstance(activation.get("linear"), nn.Identity)
    with pytest.raises(ValueError, match="unknown activation 'swish'; valid names: sigmoid, tanh"):
        activation.get("swish")
    np.testing.assert_allclose(activation.derivative(nn.ELU(), [-1.0]), [math.exp(-1)])


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="approximate must be one of 'none', 'tanh', got 'erf'"):
        nn.GELU("erf")
    with pytest.raises(ValueError, match="beta must be a finite number > 0, got 0$"):
        nn.Softplus(beta=0)
    with pytest.raises(ValueError, match="num_parameters must be an integer >= 1, got 0"):
        nn.PReLU(0)
    with pytest.raises(TypeError, match="dim must be an int"):
        nn.Softmax(dim=1.5)
    with pytest.raises(TypeError, match=r"negative_slope must be a finite number, got '0\.1'"):
        nn.LeakyReLU("0.1")


def test_functional_forms_match_the_modules():
    x = np.linspace(-2, 2, 9).reshape(3, 3)
    np.testing.assert_array_equal(F.gelu(x).data, nn.GELU()(x).data)
    np.testing.assert_array_equal(F.elu(x, 0.5).data, nn.ELU(0.5)(x).data)
    np.testing.assert_array_equal(F.softmax(x, dim=0).data, nn.Softmax(0)(x).data)
    np.testing.assert_array_equal(F.log_softmax(x, 1).data, nn.LogSoftmax(1)(x).data)
    np.testing.assert_array_equal(F.prelu(x, np.array([0.2])).data, np.where(x > 0, x, 0.2 * x))


def test_hardtanh_and_relu6_pass_no_gradient_at_their_ends_as_pytorch():
    x = kb.tensor([-1.0, -0.5, 1.0, 0.0, 6.0, 3.0], dtype="float64", requires_grad=True)
    (F.hardtanh(x[:3]).sum() + F.relu6(x[3:]).sum()).backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0, 0.0, 0.0, 1.0])


def test_new_activations_are_in_the_gallery_and_by_name():
    for name, kind in [("silu", nn.SiLU), ("mish", nn.Mish), ("selu", nn.SELU),
                       ("hardtanh", nn.Hardtanh), ("relu6", nn.ReLU6),
                       ("log_sigmoid", nn.LogSigmoid), ("softsign", nn.Softsign)]:  # fmt: skip
        assert isinstance(activation.get(name), kind)
    assert repr(nn.Hardtanh(-2, 3)) == "Hardtanh(min_val=-2.0, max_val=3.0)"
    assert repr(nn.ReLU6()) == "ReLU6()"
