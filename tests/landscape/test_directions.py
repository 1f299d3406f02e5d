"""Filter-normalised directions (Li et al. 2018): per-filter norms, biases and BN at zero."""

import numpy as np
import pytest

from kobai import nn
from kobai.landscape.directions import (
    filter_norms,
    model_state,
    normalize_direction,
    parameter_state,
    random_direction,
    random_directions,
)


def mlp_with_batchnorm() -> nn.Sequential:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(6, 5, rng=0),
        nn.BatchNorm1d(5),
        nn.ReLU(),
        nn.Linear(5, 3, rng=1),
    )


def row_norms(a: np.ndarray) -> np.ndarray:
    return np.sqrt((a.astype(np.float64) ** 2).reshape(len(a), -1).sum(axis=1))


def test_filter_norms_by_hand() -> None:
    w = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    np.testing.assert_array_equal(filter_norms(w), [[5.0], [0.0], [1.0]])
    conv = np.zeros((2, 1, 2, 2), dtype=np.float32)
    conv[0, 0] = [[1.0, 1.0], [1.0, 1.0]]
    conv[1, 0, 0, 0] = -3.0
    np.testing.assert_array_equal(filter_norms(conv).ravel(), [2.0, 3.0])
    with pytest.raises(ValueError, match="2 or more dimensions"):
        filter_norms(np.ones(3))


def test_linear_directions_have_the_row_norms_of_the_weights_and_zero_biases() -> None:
    model = mlp_with_batchnorm()
    d = random_direction(model, rng=0)
    params = dict(model.named_parameters())
    assert list(d) == list(params)
    for name in ("1.weight", "4.weight"):
        np.testing.assert_allclose(row_norms(d[name]), row_norms(params[name].data), rtol=1e-5)
        assert d[name].dtype == np.float32
    for name in ("1.bias", "2.weight", "2.bias", "4.bias"):  # biases and BatchNorm
        np.testing.assert_array_equal(d[name], np.zeros_like(params[name].data))


def test_filter_normalisation_keeps_each_filter_direction() -> None:
    model = nn.Linear(4, 3, rng=2)
    raw = {
        "weight": np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32),
        "bias": np.ones(3, dtype=np.float32),
    }
    d = normalize_direction(raw, model)
    cosine = (d["weight"] * raw["weight"]).sum(1) / (
        row_norms(d["weight"]) * row_norms(raw["weight"])
    )
    np.testing.assert_allclose(cosine, 1.0, rtol=1e-6)


def test_conv2d_directions_have_the_norm_of_every_output_channel() -> None:
    model = nn.Sequential(nn.Conv2d(3, 6, 3, rng=0), nn.ReLU(), nn.Conv2d(6, 4, 1, rng=1))
    d = random_direction(model, rng=1)
    for name, p in model.named_parameters():
        if p.data.ndim == 4:
            np.testing.assert_allclose(row_norms(d[name]), row_norms(p.data), rtol=1e-5)
        else:
            assert not d[name].any()


def test_transposed_convolution_filters_are_output_channels_across_groups() -> None:
    layer = nn.ConvTranspose2d(4, 6, 3, groups=2, rng=0)  # weight (4, 3, 3, 3)
    d = random_direction(layer, rng=0)["weight"].astype(np.float64)
    w = layer.weight.data.astype(np.float64)
    for out in range(6):
        group, j = divmod(out, 3)
        rows = slice(2 * group, 2 * group + 2)
        assert np.linalg.norm(d[rows, j]) == pytest.approx(np.linalg.norm(w[rows, j]), rel=1e-5)


def test_including_bias_and_batchnorm_uses_the_parameters_themselves() -> None:
    model = mlp_with_batchnorm()
    model[2].weight.data[:] = np.arange(5, dtype=np.float32)
    d = random_direction(model, rng=0, ignore_bias_bn=False)
    for name, p in model.named_parameters():
        if p.data.ndim == 1:
            np.testing.assert_array_equal(d[name], p.data)


def test_layer_and_no_normalisation() -> None:
    model = nn.Linear(5, 4, rng=3)
    layer = random_direction(model, rng=7, norm="layer")["weight"]
    w = model.weight.data
    assert np.linalg.norm(layer) == pytest.approx(np.linalg.norm(w), rel=1e-5)
    raw = random_direction(model, rng=7, norm="none")["weight"]
    expected = np.random.default_rng(7).standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_array_equal(raw, expected)


def test_same_seed_same_directions_and_independent_pairs() -> None:
    model = mlp_with_batchnorm()
    a1, a2 = random_directions(model, 2, rng=11)
    b1, _ = random_directions(model, 2, rng=11)
    assert all(np.array_equal(a1[k], b1[k]) for k in a1)
    assert not np.array_equal(a1["1.weight"], a2["1.weight"])


def test_states_are_copies() -> None:
    model = mlp_with_batchnorm()
    params, state = parameter_state(model), model_state(model)
    assert "2.running_mean" in state and "2.running_mean" not in params
    assert "2.num_batches_tracked" not in state  # an integer counter, not a coordinate
    params["1.weight"][:] = 0
    assert model[1].weight.data.any()


def test_bad_input() -> None:
    model = nn.Linear(3, 2, rng=0)
    with pytest.raises(ValueError, match="norm must be one of filter, layer, none, got 'l2'"):
        random_direction(model, norm="l2")
    with pytest.raises(ValueError, match="shape"):
        normalize_direction({"weight": np.ones((3, 2))}, model)
    with pytest.raises(ValueError, match="'conv.weight' the model lacks"):
        normalize_direction({"conv.weight": np.ones((2, 3))}, model)
    with pytest.raises(ValueError, match="n must be an integer >= 1, got 0"):
        random_directions(model, 0)
