"""kobai.nn.init: formulas, PyTorch's gains and fans, reproducibility, the registry by name."""

import math

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import init


def big(shape=(400, 600), dtype=np.float32):
    return np.empty(shape, dtype=dtype)


@pytest.mark.parametrize(
    "name, param, gain",
    [
        ("linear", None, 1.0),
        ("sigmoid", None, 1.0),
        ("conv2d", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain(name, param, gain):
    assert init.calculate_gain(name, param) == pytest.approx(gain, rel=1e-12)


def test_calculate_gain_rejects_unknown_nonlinearity_listing_valid_ones():
    with pytest.raises(ValueError, match="nonlinearity must be one of linear, .*tanh.*got 'swish'"):
        init.calculate_gain("swish")


def test_fans_use_the_receptive_field_of_conv_weights():
    assert init.calculate_fan_in_and_fan_out(np.empty((256, 784))) == (784, 256)
    assert init._calculate_fan_in_and_fan_out(np.empty((16, 8, 3, 5))) == (120, 240)
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(5,\)"):
        init.calculate_fan_in_and_fan_out(np.empty(5))


def test_xavier_uniform_bound_and_variance():
    w = init.xavier_uniform_(big(), rng=0)
    bound = math.sqrt(6 / (600 + 400))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
    assert w.var() == pytest.approx(2 / 1000, rel=0.02)


def test_xavier_normal_variance_is_glorot():
    w = init.xavier_normal_(big(), gain=2.0, rng=0)
    assert w.std() == pytest.approx(2 * math.sqrt(2 / 1000), rel=0.01)


def test_kaiming_normal_and_uniform_variance_is_two_over_fan_in():
    w = init.kaiming_normal_(big(), rng=0)
    assert w.std() == pytest.approx(math.sqrt(2 / 600), rel=0.01)
    u = init.kaiming_uniform_(big(), nonlinearity="relu", rng=1)
    assert np.abs(u).max() <= math.sqrt(6 / 600)
    assert u.var() == pytest.approx(2 / 600, rel=0.02)
    f = init.kaiming_normal_(big(), mode="fan_out", nonlinearity="relu", rng=2)
    assert f.std() == pytest.approx(math.sqrt(2 / 400), rel=0.01)
    with pytest.raises(ValueError, match="mode must be one of fan_in, fan_out, got 'fan_avg'"):
        init.kaiming_normal_(big(), mode="fan_avg")


def test_textbook_xavier_is_lecun_normal_one_over_fan_in():
    assert init.textbook_xavier_normal_ is init.lecun_normal_
    w = init.lecun_normal_(big(), rng=0)
    assert w.std() == pytest.approx(math.sqrt(1 / 600), rel=0.01)


def test_simple_fills_and_distributions():
    w = big((3, 4))
    assert np.all(init.zeros_(w) == 0) and np.all(init.ones_(w) == 1)
    assert np.all(init.constant_(w, -0.5) == -0.5)
    n = init.normal_(big(), mean=1.0, std=0.1, rng=0)
    assert n.mean() == pytest.approx(1.0, abs=1e-3) and n.std() == pytest.approx(0.1, rel=0.01)
    u = init.uniform_(big(), -2.0, 3.0, rng=0)
    assert u.min() >= -2 and u.max() < 3 and u.mean() == pytest.approx(0.5, abs=0.02)
    with pytest.raises(ValueError, match="std must be a finite number >= 0, got -1"):
        init.normal_(big(), std=-1)
    with pytest.raises(ValueError, match="a <= b"):
        init.uniform_(big(), 1.0, 0.0)


def test_in_place_on_tensors_keeps_dtype_and_object():
    p = nn.Parameter(np.zeros((5, 3), dtype=np.float32))
    data = p.data
    assert init.kaiming_uniform_(p, rng=0) is p
    assert p.data is data and p.dtype == np.float32 and np.any(p.data != 0)
    with pytest.raises(TypeError, match="Tensor or an ndarray"):
        init.zeros_([1.0, 2.0])


def test_same_seed_same_numbers_and_dtype_independent_values():
    a = init.xavier_normal_(big((8, 5), np.float32), rng=3)
    b = init.xavier_normal_(big((8, 5), np.float32), rng=3)
    c = init.xavier_normal_(big((8, 5), np.float64), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a, c, rtol=1e-6)
    assert not np.array_equal(a, init.xavier_normal_(big((8, 5)), rng=4))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("he", init.kaiming_normal_),
        ("HE_normal", init.kaiming_normal_),
        ("xavier", init.xavier_uniform_),
        ("glorot_normal", init.xavier_normal_),
        ("lecun", init.lecun_normal_),
        ("textbook_xavier", init.lecun_normal_),
    ],
)
def test_registry_names(name, expected):
    assert init.get(name) is expected


def test_registry_parametrised_names():
    w = init.get("std:0.01")(big(), rng=0)
    assert w.std() == pytest.approx(0.01, rel=0.01) and w.mean() == pytest.approx(0, abs=1e-3)
    u = init.get("uniform:0.05")(big(), rng=0)
    assert -0.05 <= u.min() and u.max() < 0.05
    assert np.all(init.get("constant:-0.5")(big((2, 2))) == -0.5)
    assert np.all(init.get("zeros")(big((2, 2)), rng=0) == 0)


@pytest.mark.parametrize("bad", ["glorious", "std:abc", "std:-1", "uniform:inf"])
def test_registry_rejects_unknown_names_listing_valid_ones(bad):
    with pytest.raises(ValueError, match=f"{bad!r}"):
        init.get(bad)
    if bad == "glorious":
        with pytest.raises(ValueError, match="valid names: default, xavier, .*std:<s>"):
            init.get(bad)


def test_initialize_reinitialises_weights_and_biases_of_layers_only():
    model = nn.Sequential(nn.Linear(50, 40, rng=0), nn.BatchNorm1d(40), nn.Linear(40, 3, rng=0))
    assert init.initialize_(model, "std:0.5", "constant:0.1", rng=0) is model
    assert model[0].weight.data.std() == pytest.approx(0.5, rel=0.05)
    assert np.all(model[0].bias.data == np.float32(0.1))
    assert np.all(model[1].weight.data == 1) and np.all(model[1].bias.data == 0)
    again = nn.Sequential(nn.Linear(50, 40, rng=5), nn.BatchNorm1d(40), nn.Linear(40, 3, rng=6))
    init.initialize_(again, "std:0.5", "constant:0.1", rng=0)
    np.testing.assert_array_equal(again[2].weight.data, model[2].weight.data)
    normed = nn.Sequential(nn.Linear(6, 6, rng=0), nn.Unflatten(1, (2, 3)), nn.LayerNorm((2, 3)))
    init.initialize_(normed, "std:0.5", rng=0)
    assert np.all(normed[2].weight.data == 1)  # a 2-d scale, still not a layer weight


def test_linear_default_init_is_pytorch_kaiming_uniform_a_sqrt5():
    layer = nn.Linear(784, 256, rng=0)
    bound = 1 / math.sqrt(784)
    w, b = layer.weight.data, layer.bias.data
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
    assert np.abs(b).max() <= bound
    assert kb.Tensor(w).dtype == np.float32


@pytest.mark.parametrize("shape", [(20, 50), (50, 20), (8, 3, 3, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal_times_gain(shape):
    w = init.orthogonal_(np.empty(shape), gain=1.5, rng=0).reshape(shape[0], -1)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, 2.25 * np.eye(min(w.shape)), atol=1e-12)
    np.testing.assert_array_equal(
        init.orthogonal_(np.empty(shape), gain=1.5, rng=0).reshape(w.shape), w
    )
    with pytest.raises(ValueError, match="at least 2 dimensions, got shape \\(3,\\)"):
        init.orthogonal_(np.empty(3))


def test_trunc_normal_stays_in_bounds_with_the_truncated_moments():
    w = init.trunc_normal_(big((300, 400), np.float64), mean=1.0, std=0.5, a=0.0, b=2.5, rng=0)
    assert w.min() >= 0.0 and w.max() <= 2.5
    # Mean of N(1, 0.25) truncated to [0, 2.5]: 1 + 0.5 (phi(-2) - phi(3)) / (Phi(3) - Phi(-2)).
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    expected = 1 + 0.5 * (phi(-2) - phi(3)) / (cdf(3) - cdf(-2))
    assert abs(w.mean() - expected) < 4 * 0.5 / math.sqrt(w.size)
    far = init.trunc_normal_(big((50, 40), np.float64), mean=0.0, std=1.0, a=1.5, b=2.0, rng=1)
    assert far.min() >= 1.5 and far.max() <= 2.0 and far.mean() < 1.74  # denser near 1.5
    with pytest.warns(UserWarning, match="mean is more than 2 std from \\[a, b\\]"):
        init.trunc_normal_(big((4, 4)), mean=5.0, std=1.0, a=-1.0, b=1.0, rng=0)
    with pytest.raises(ValueError, match="needs a < b, got a=1.0, b=1.0"):
        init.trunc_normal_(big((4, 4)), a=1.0, b=1.0)
    assert (
        init.get("trunc_normal") is init.trunc_normal_
        and init.get("orthogonal") is init.orthogonal_
    )
