"""Linear, BatchNorm, Dropout, Flatten/Unflatten/Identity: golden values and behaviour."""

import math

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F

f32 = np.float32


def set_linear(layer, weight, bias):
    layer.weight.data[...] = weight
    if bias is not None:
        layer.bias.data[...] = bias
    return layer


# -- Linear -----------------------------------------------------------------------------------
def test_linear_golden_forward_and_backward():
    layer = set_linear(nn.Linear(2, 3), [[1, 2], [3, 4], [5, 6]], [0.5, -1, 0])
    x = kb.tensor([[1.0, 1.0], [2.0, -1.0]], requires_grad=True)
    y = layer(x)
    np.testing.assert_array_equal(y.data, [[3.5, 6, 11], [0.5, 1, 4]])
    y.sum().backward()
    np.testing.assert_array_equal(layer.weight.grad, [[3, 0], [3, 0], [3, 0]])
    np.testing.assert_array_equal(layer.bias.grad, [2, 2, 2])
    np.testing.assert_array_equal(x.grad, [[9, 12], [9, 12]])
    assert y.dtype == layer.weight.grad.dtype == x.grad.dtype == np.float32


def test_linear_without_bias_and_with_leading_axes():
    layer = set_linear(nn.Linear(2, 1, bias=False), [[2, -1]], None)
    assert layer.bias is None and len(list(layer.parameters())) == 1
    y = layer(np.arange(12, dtype=f32).reshape(2, 3, 2))
    np.testing.assert_array_equal(y.data[..., 0], [[-1, 1, 3], [5, 7, 9]])


def test_linear_backward_skips_the_input_gradient_when_not_needed(monkeypatch):
    layer = nn.Linear(4, 3, rng=0)
    calls = []
    matmul = np.matmul

    def counting(*args, **kwargs):
        calls.append(1)
        return matmul(*args, **kwargs)

    data = np.ones((5, 4), dtype=f32)
    loss = layer(data).sum()
    monkeypatch.setattr(np, "matmul", counting)
    loss.backward()
    assert len(calls) == 1  # the weight gradient only
    monkeypatch.setattr(np, "matmul", matmul)
    x = kb.Tensor(data, requires_grad=True)
    loss = layer(x).sum()
    monkeypatch.setattr(np, "matmul", counting)
    calls.clear()
    loss.backward()
    assert len(calls) == 2 and x.grad.shape == (5, 4)


def test_linear_rejects_wrong_input_shape_naming_layer_and_shapes():
    layer = nn.Linear(784, 256, rng=0)
    with pytest.raises(ValueError, match=r"^Linear\(784 -> 256\) expected input \(\*, 784\), got "
                       r"\(32, 100\)$"):  # fmt: skip
        layer(np.zeros((32, 100), dtype=f32))


def test_linear_float64_tensor_into_float32_layer_is_refused_not_promoted():
    layer = nn.Linear(2, 2, rng=0)
    with pytest.raises(TypeError, match="float32 parameters, got a float64 input"):
        layer(kb.Tensor(np.ones((1, 2))))
    # Plain ndarrays are data: they take the layer's dtype.
    assert layer(np.ones((1, 2))).dtype == np.float32


def test_same_seed_same_parameters_different_seed_different():
    a = nn.Sequential(nn.Linear(5, 4, rng=3), nn.PReLU(), nn.Linear(4, 2, rng=4))
    b = nn.Sequential(nn.Linear(5, 4, rng=3), nn.PReLU(), nn.Linear(4, 2, rng=4))
    c = nn.Sequential(nn.Linear(5, 4, rng=5), nn.PReLU(), nn.Linear(4, 2, rng=4))
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(pa.data, pb.data)
    assert not np.array_equal(a[0].weight.data, c[0].weight.data)
    g = np.random.default_rng(3)
    np.testing.assert_array_equal(nn.Linear(5, 4, rng=g).weight.data, a[0].weight.data)


def test_linear_dtype_float64():
    layer = nn.Linear(3, 2, rng=0, dtype=np.float64)
    assert layer.weight.dtype == layer.bias.dtype == np.float64
    np.testing.assert_allclose(
        layer.weight.data, nn.Linear(3, 2, rng=0).weight.data.astype(np.float64), rtol=1e-6
    )


# -- permutation symmetry (source document 002) -------------------------------------------------
@pytest.mark.parametrize("activation", [nn.Tanh, nn.ReLU, nn.Sigmoid])
def test_swapping_two_hidden_units_leaves_the_output_unchanged(activation):
    model = nn.Sequential(
        nn.Linear(4, 6, rng=0, dtype=np.float64),
        activation(),
        nn.Linear(6, 5, rng=1, dtype=np.float64),
        activation(),
        nn.Linear(5, 3, rng=2, dtype=np.float64),
    )
    x = np.random.default_rng(9).standard_normal((7, 4))
    before = model(x).data.copy()
    for layer_in, layer_out, (i, j) in ((model[0], model[2], (1, 4)), (model[2], model[4], (0, 3))):
        swap = [j, i]
        layer_in.weight.data[[i, j]] = layer_in.weight.data[swap]
        layer_in.bias.data[[i, j]] = layer_in.bias.data[swap]
        layer_out.weight.data[:, [i, j]] = layer_out.weight.data[:, swap]
    after = model(x).data
    np.testing.assert_allclose(after, before, rtol=0, atol=1e-14)
    assert not np.array_equal(model[0].weight.data, nn.Linear(4, 6, rng=0).weight.data)


# -- BatchNorm --------------------------------------------------------------------------------
def test_batchnorm1d_running_statistics_after_three_batches_by_hand():
    bn = nn.BatchNorm1d(2)
    batches = [[[1, 2], [3, 6]], [[0, 0], [2, 4]], [[4, -2], [4, 2]]]
    y = bn(np.array(batches[0], dtype=f32))
    # mean (2, 4), biased var (1, 4): normalised values are -1 and +1 (up to eps)
    np.testing.assert_allclose(
        y.data, [[-1 / math.sqrt(1 + 1e-5), -2 / math.sqrt(4 + 1e-5)],
                 [1 / math.sqrt(1 + 1e-5), 2 / math.sqrt(4 + 1e-5)]], rtol=1e-6,
    )  # fmt: skip
    np.testing.assert_allclose(bn.running_mean, [0.2, 0.4], rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, [1.1, 1.7], rtol=1e-6)  # unbiased (2, 8)
    for batch in batches[1:]:
        bn(np.array(batch, dtype=f32))
    np.testing.assert_allclose(bn.running_mean, [0.652, 0.504], rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, [1.071, 2.897], rtol=1e-6)
    assert int(bn.num_batches_tracked) == 3
    assert bn.running_mean.dtype == bn.running_var.dtype == np.float32


def test_batchnorm_eval_uses_running_statistics_and_changes_nothing():
    bn = nn.BatchNorm1d(2)
    bn.running_mean[:] = [0.652, 0.504]
    bn.running_var[:] = [1.071, 2.897]
    bn.weight.data[:] = [2, 1]
    bn.bias.data[:] = [0, 0.5]
    bn.eval()
    y = bn(np.array([[1.652, 0.504]], dtype=f32))  # batch of one is fine in eval
    np.testing.assert_allclose(y.data, [[2 / math.sqrt(1.071 + 1e-5), 0.5]], rtol=1e-6)
    np.testing.assert_allclose(bn.running_mean, [0.652, 0.504], rtol=1e-7)
    assert int(bn.num_batches_tracked) == 0


def test_batchnorm_momentum_none_is_the_cumulative_average():
    bn = nn.BatchNorm1d(2, momentum=None)
    for batch in ([[1, 2], [3, 6]], [[0, 0], [2, 4]], [[4, -2], [4, 2]]):
        bn(np.array(batch, dtype=np.float64).astype(f32))
    np.testing.assert_allclose(bn.running_mean, [7 / 3, 2], rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, [4 / 3, 8], rtol=1e-6)


def test_batchnorm2d_statistics_per_channel_over_n_h_w():
    bn = nn.BatchNorm2d(1)
    x = np.array([1, 3, 5, 7], dtype=f32).reshape(2, 1, 1, 2)
    y = bn(x)
    np.testing.assert_allclose(y.data.ravel(), np.array([-3, -1, 1, 3]) / math.sqrt(5 + 1e-5),
                               rtol=1e-6)  # fmt: skip
    np.testing.assert_allclose(bn.running_mean, [0.4], rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, [0.9 + 0.1 * 20 / 3], rtol=1e-6)


def test_batchnorm_train_output_has_zero_mean_unit_variance_per_channel():
    x = np.random.default_rng(0).standard_normal((6, 3, 4)).astype(f32) * 3 + 2
    y = nn.BatchNorm1d(3)(x).data
    np.testing.assert_allclose(y.mean(axis=(0, 2)), 0, atol=1e-6)
    np.testing.assert_allclose(y.var(axis=(0, 2)), 1, rtol=1e-4)


def test_batchnorm_without_affine_or_tracking():
    bn = nn.BatchNorm1d(2, affine=False, track_running_stats=False)
    assert list(bn.parameters()) == [] and bn.state_dict() == {}
    bn.eval()  # still batch statistics
    y = bn(np.array([[1, 2], [3, 6]], dtype=f32))
    np.testing.assert_allclose(np.abs(y.data), 1, rtol=1e-4)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\) expected input \(N, C\) or \(N, C, L\) "
                       r"with C = 3, got \(4, 2\)"):  # fmt: skip
        nn.BatchNorm1d(3)(np.zeros((4, 2), dtype=f32))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\) expected input \(N, C, H, W\)"):
        nn.BatchNorm2d(3)(np.zeros((4, 3), dtype=f32))
    with pytest.raises(ValueError, match="more than one value per channel"):
        nn.BatchNorm1d(3)(np.zeros((1, 3), dtype=f32))
    with pytest.raises(ValueError, match=r"momentum must be a finite number in \[0, 1\]"):
        nn.BatchNorm1d(3, momentum=1.5)
    with pytest.raises(ValueError, match="eps must be a finite number > 0, got 0"):
        nn.BatchNorm2d(3, eps=0)


def test_functional_batch_norm_matches_the_module():
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(f32)
    bn = nn.BatchNorm1d(3)
    rm, rv = np.zeros(3, f32), np.ones(3, f32)
    y = F.batch_norm(x, rm, rv, bn.weight, bn.bias, training=True)
    np.testing.assert_array_equal(y.data, bn(x).data)
    np.testing.assert_array_equal(rm, bn.running_mean)
    np.testing.assert_array_equal(rv, bn.running_var)


# -- Dropout ----------------------------------------------------------------------------------
def test_dropout_scales_survivors_by_inverse_keep_probability():
    layer = nn.Dropout(0.25, rng=0)
    x = kb.Tensor(np.ones(20000, dtype=f32), requires_grad=True)
    y = layer(x)
    values = set(np.unique(y.data).tolist())
    assert values == {0.0, np.float32(1 / 0.75).item()}
    assert (y.data == 0).mean() == pytest.approx(0.25, abs=0.01)
    assert y.data.mean() == pytest.approx(1.0, abs=0.02)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, layer.mask)
    assert y.dtype == x.grad.dtype == np.float32


def test_dropout_same_seed_same_masks_and_eval_is_identity():
    x = np.ones((4, 50), dtype=f32)
    a, b = nn.Dropout(0.5, rng=7), nn.Dropout(0.5, rng=7)
    first = [a(x).data for _ in range(2)]
    second = [b(x).data for _ in range(2)]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])  # a new mask each call
    a.eval()
    t = kb.tensor(x)
    assert a(t) is t
    assert nn.Dropout(0.0, rng=0)(t) is t


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_dropout_probability_must_be_in_zero_one(p):
    with pytest.raises(ValueError, match=rf"p must be a finite number in \[0, 1\), got {p}"):
        nn.Dropout(p)


def test_functional_dropout_needs_a_generator_when_training():
    x = np.ones(10, dtype=f32)
    assert F.dropout(x, 0.5, training=False).data is not None
    with pytest.raises(TypeError, match="dropout needs rng"):
        F.dropout(x, 0.5)
    y = F.dropout(x, 0.5, rng=np.random.default_rng(0))
    assert set(np.unique(y.data).tolist()) <= {0.0, 2.0}


# -- Flatten, Unflatten, Identity ------------------------------------------------------------------
def test_flatten_and_unflatten_shapes_and_gradient():
    x = kb.Tensor(np.arange(120, dtype=f32).reshape(2, 3, 4, 5), requires_grad=True)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(2)(x).shape == (2, 3, 20)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    assert nn.Flatten(0, -1)(x).shape == (120,)
    y = nn.Unflatten(1, (3, 20))(nn.Flatten()(x))
    np.testing.assert_array_equal(y.data, x.data.reshape(2, 3, 20))
    (y * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 3, 4, 5), 2, dtype=f32))
    with pytest.raises(
        ValueError, match=r"expected axis 1 of size 12, got input of shape \(2, 60\)"
    ):
        nn.Unflatten(1, (3, 4))(nn.Flatten()(x))
    with pytest.raises(ValueError, match="start_dim=5, out of range"):
        nn.Flatten(5)(x)


def test_identity_passes_through_and_accepts_any_arguments():
    t = kb.tensor([1.0, -2.0])
    assert nn.Identity(54, unused="x")(t) is t
    np.testing.assert_array_equal(nn.Identity().derivative(np.array([3.0, -1.0])), [1, 1])
