"""Conv2d and ConvTranspose2d as modules: arguments, errors, printing, initialisation, dtype."""

import math
import re

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import _workspace
from kobai.nn import functional as F


# -- printing (PyTorch's strings) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("layer", "text"),
    [
        (
            lambda: nn.Conv2d(1, 16, 3, stride=2, padding=1),
            "Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))",
        ),
        (
            lambda: nn.Conv2d(1, 16, 3, padding="same"),
            "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=same)",
        ),
        (
            lambda: nn.Conv2d(4, 4, (3, 2), groups=2, bias=False, dilation=2),
            "Conv2d(4, 4, kernel_size=(3, 2), stride=(1, 1), dilation=(2, 2), groups=2, "
            "bias=False)",
        ),
        (
            lambda: nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1),
            "ConvTranspose2d(32, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
            "output_padding=(1, 1))",
        ),
    ],
)
def test_repr_is_pytorchs(layer, text):
    assert repr(layer()) == text


def test_attributes_are_pairs_like_pytorch():
    conv = nn.Conv2d(3, 8, (5, 3), stride=(2, 1), padding=2, dilation=(1, 2))
    assert conv.kernel_size == (5, 3) and conv.stride == (2, 1)
    assert conv.padding == (2, 2) and conv.dilation == (1, 2) and conv.groups == 1
    assert nn.Conv2d(3, 8, 3, padding="valid").padding == "valid"


# -- parameters and initialisation -------------------------------------------------------------
def test_weight_shapes_follow_pytorch():
    conv = nn.Conv2d(6, 4, (3, 2), groups=2)
    assert conv.weight.shape == (4, 3, 3, 2) and conv.bias.shape == (4,)
    up = nn.ConvTranspose2d(6, 4, (3, 2), groups=2)
    assert up.weight.shape == (6, 2, 3, 2) and up.bias.shape == (4,)
    assert [name for name, _ in conv.named_parameters()] == ["weight", "bias"]
    assert nn.Conv2d(2, 3, 3, bias=False).bias is None


@pytest.mark.parametrize(
    ("layer", "fan_in"),
    [
        (lambda: nn.Conv2d(16, 32, 3, rng=0), 16 * 9),
        (lambda: nn.Conv2d(8, 8, (3, 2), groups=4, rng=0), 2 * 6),
        # PyTorch's fan_in of a transposed convolution: weight.shape[1] * kh * kw
        (lambda: nn.ConvTranspose2d(32, 16, 3, rng=0), 16 * 9),
        (lambda: nn.ConvTranspose2d(4, 6, 2, groups=2, rng=0), 3 * 4),
    ],
)
def test_default_init_is_uniform_within_one_over_sqrt_fan_in(layer, fan_in):
    module = layer()
    bound = 1 / math.sqrt(fan_in)
    for param in (module.weight.numpy(), module.bias.numpy()):
        assert np.abs(param).max() <= bound
    w = module.weight.numpy()
    if w.size >= 200:
        assert np.abs(w).max() > 0.95 * bound
        assert abs(w.var() - bound**2 / 3) < 0.15 * bound**2 / 3


def test_same_seed_same_weights_other_seed_other_weights():
    a, b = nn.Conv2d(3, 4, 3, rng=5), nn.Conv2d(3, 4, 3, rng=5)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    np.testing.assert_array_equal(a.bias.numpy(), b.bias.numpy())
    assert not np.array_equal(a.weight.numpy(), nn.Conv2d(3, 4, 3, rng=6).weight.numpy())


# -- dtype ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer",
    [
        lambda: nn.Conv2d(2, 3, 3, stride=2, padding=1, rng=0),
        lambda: nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, output_padding=1, rng=0),
        lambda: nn.Conv2d(2, 4, 3, groups=2, padding="same", rng=0),
    ],
)
def test_float32_in_float32_out_and_float32_gradients(layer, rng):
    module = layer()
    x = kb.tensor(rng.standard_normal((2, 2, 6, 5)).astype(np.float32), requires_grad=True)
    out = module(x)
    assert out.dtype == np.float32
    (out * out).sum().backward()
    assert x.grad.dtype == np.float32
    assert module.weight.grad.dtype == np.float32 and module.bias.grad.dtype == np.float32


def test_float64_layer_computes_in_float64(rng):
    conv = nn.Conv2d(1, 2, 3, rng=0, dtype=np.float64)
    assert conv(rng.standard_normal((1, 1, 4, 4))).dtype == np.float64


def test_float32_layer_matches_float64_layer(rng):
    x = rng.standard_normal((3, 2, 9, 8))
    c32 = nn.ConvTranspose2d(2, 3, 3, stride=2, rng=1)
    c64 = nn.ConvTranspose2d(2, 3, 3, stride=2, rng=1, dtype=np.float64)
    np.testing.assert_allclose(
        c32(x.astype(np.float32)).numpy(), c64(x).numpy(), rtol=1e-5, atol=1e-5
    )


def test_a_float64_tensor_into_a_float32_layer_is_refused():
    with pytest.raises(TypeError, match=r"Conv2d\(1 -> 2, kernel_size=\(3, 3\)\) has float32"):
        nn.Conv2d(1, 2, 3)(kb.tensor(np.zeros((1, 1, 5, 5))))


def test_mixed_dtypes_in_the_function_are_refused():
    with pytest.raises(TypeError, match="input dtype float64 does not match weight dtype float32"):
        F.conv2d(kb.tensor(np.zeros((1, 1, 5, 5))), kb.tensor(np.zeros((1, 1, 3, 3), np.float32)))


# -- bad input --------------------------------------------------------------------------------
def test_wrong_channel_count_names_the_layer_and_both_shapes():
    conv = nn.Conv2d(1, 16, 3)
    message = "Conv2d(1 -> 16, kernel_size=(3, 3)) expected input (N, 1, H, W), got (8, 3, 28, 28)"
    with pytest.raises(ValueError, match=re.escape(message)):
        conv(np.zeros((8, 3, 28, 28), np.float32))
    with pytest.raises(ValueError, match=re.escape("expected input (N, 1, H, W), got (28, 28)")):
        conv(np.zeros((28, 28), np.float32))
    up = nn.ConvTranspose2d(4, 2, 3)
    with pytest.raises(ValueError, match=re.escape("ConvTranspose2d(4 -> 2, kernel_size=(3, 3))")):
        up(np.zeros((1, 2, 5, 5), np.float32))


def test_input_smaller_than_the_kernel_says_so():
    with pytest.raises(ValueError, match=r"input of size \(3, 4\) .* smaller than the kernel"):
        nn.Conv2d(1, 2, 5)(np.zeros((2, 1, 3, 4), np.float32))
    with pytest.raises(
        ValueError, match=r"\(padded: \(7, 5\)\) is smaller than the kernel extent \(9, 3\)"
    ):
        nn.Conv2d(1, 2, 3, padding=(2, 1), dilation=(4, 1))(np.zeros((1, 1, 3, 3), np.float32))


def test_transposed_output_that_would_be_empty_is_refused():
    with pytest.raises(ValueError, match="which is not positive"):
        F.conv_transpose2d(np.zeros((1, 1, 1, 1)), np.zeros((1, 1, 1, 1)), padding=1)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: nn.Conv2d(0, 2, 3), ValueError, "in_channels must be an integer >= 1, got 0"),
        (lambda: nn.Conv2d(2, -1, 3), ValueError, "out_channels must be an integer >= 1, got -1"),
        (lambda: nn.Conv2d(2.0, 2, 3), TypeError, "in_channels must be an int"),
        (lambda: nn.Conv2d(2, 2, 0), ValueError, "kernel_size must be >= 1, got 0"),
        (lambda: nn.Conv2d(2, 2, (3, 0)), ValueError, r"kernel_size must be >= 1, got \(3, 0\)"),
        (lambda: nn.Conv2d(2, 2, (3,)), TypeError, "kernel_size must be an int or a pair"),
        (lambda: nn.Conv2d(2, 2, 2.5), TypeError, "kernel_size must be an int or a pair"),
        (lambda: nn.Conv2d(2, 2, 3, stride=0), ValueError, "stride must be >= 1, got 0"),
        (lambda: nn.Conv2d(2, 2, 3, padding=-1), ValueError, "padding must be >= 0, got -1"),
        (lambda: nn.Conv2d(2, 2, 3, dilation=0), ValueError, "dilation must be >= 1, got 0"),
        (
            lambda: nn.Conv2d(2, 2, 3, padding="full"),
            ValueError,
            "padding must be an int, a pair of ints or one of 'same', 'valid', got 'full'",
        ),
        (
            lambda: nn.Conv2d(2, 2, 3, stride=2, padding="same"),
            ValueError,
            r"padding='same' needs stride 1, got stride=\(2, 2\)",
        ),
        (
            lambda: nn.Conv2d(3, 4, 3, groups=2),
            ValueError,
            "in_channels must be divisible by groups, got 3 and 2",
        ),
        (
            lambda: nn.Conv2d(4, 3, 3, groups=2),
            ValueError,
            "out_channels must be divisible by groups, got 3 and 2",
        ),
        (lambda: nn.Conv2d(4, 4, 3, groups=0), ValueError, "groups must be an integer >= 1, got 0"),
        (
            lambda: nn.Conv2d(2, 2, 3, bias="yes"),
            TypeError,
            "bias must be true or false, got 'yes'",
        ),
        (lambda: nn.Conv2d(2, 2, 3, dtype=np.int32), TypeError, "dtype must be a floating dtype"),
        (
            lambda: nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=2),
            ValueError,
            "output_padding must be smaller than either stride or dilation",
        ),
        (
            lambda: nn.ConvTranspose2d(2, 2, 3, output_padding=1),
            ValueError,
            "output_padding must be smaller than either stride or dilation",
        ),
        (
            lambda: nn.ConvTranspose2d(2, 2, 3, padding="same"),
            TypeError,
            "padding must be an int or a pair of ints, got 'same'",
        ),
    ],
)
def test_bad_constructor_arguments_raise_at_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_function_arguments_raise(rng):
    x = rng.standard_normal((1, 2, 5, 5))
    with pytest.raises(ValueError, match=r"conv2d expected a 4-d weight, got shape \(3, 2, 3\)"):
        F.conv2d(x, np.zeros((3, 2, 3)))
    with pytest.raises(ValueError, match=r"conv2d expected bias of shape \(3,\), got \(2,\)"):
        F.conv2d(x, np.zeros((3, 2, 3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="out_channels must be divisible by groups, got 3 and 2"):
        F.conv2d(x, np.zeros((3, 1, 3, 3)), groups=2)
    with pytest.raises(
        ValueError, match=r"conv2d expected input \(N, 4, H, W\), got \(1, 2, 5, 5\)"
    ):
        F.conv2d(x, np.zeros((4, 2, 3, 3)), groups=2)


# -- recycled memory never changes a result that is still held ----------------------------------
def test_outputs_and_graphs_survive_later_calls(rng):
    conv = nn.Conv2d(4, 8, 3, stride=2, padding=1, rng=0)
    up = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1, rng=1)
    x1 = kb.tensor(rng.standard_normal((16, 4, 32, 32)).astype(np.float32), requires_grad=True)
    x2 = kb.tensor(rng.standard_normal((16, 4, 32, 32)).astype(np.float32), requires_grad=True)
    y1 = up(conv(x1))
    kept = y1.numpy().copy()
    y2 = up(conv(x2))
    np.testing.assert_array_equal(y1.numpy(), kept)
    (y2 * y2).sum().backward()
    grad2 = x2.grad.copy()
    (y1 * y1).sum().backward()  # after other work on the same shapes
    assert not np.array_equal(x1.grad, grad2)
    x3 = kb.tensor(x1.numpy().copy(), requires_grad=True)
    y3 = up(conv(x3))
    (y3 * y3).sum().backward()
    np.testing.assert_array_equal(x3.grad, x1.grad)
    np.testing.assert_array_equal(y1.numpy(), kept)


def test_workspace_hands_out_an_array_again_only_once_it_is_unused():
    _workspace.clear()
    shape = (64, 64, 8)
    a = _workspace.empty(shape, np.float32)
    b = _workspace.empty(shape, np.float32)
    assert not np.shares_memory(a, b)
    address = a.__array_interface__["data"][0]
    del a
    c = _workspace.empty(shape, np.float32)
    assert c.__array_interface__["data"][0] == address  # a's memory, now free, comes back
    view = b[1:]
    del b
    d = _workspace.empty(shape, np.float32)
    assert not np.shares_memory(d, view)  # a view still holds b's memory
    z = _workspace.zeros(shape, np.float32)
    assert not z.any()
    small = _workspace.empty((3,), np.float64)
    assert small.base is None  # small arrays are left to the allocator
    _workspace.clear()


def test_backward_twice_with_retain_graph_doubles_the_gradients(rng):
    conv = nn.Conv2d(2, 3, 3, stride=2, padding=1, rng=0, dtype=np.float64)
    x = kb.tensor(rng.standard_normal((2, 2, 7, 7)), requires_grad=True)
    y = nn.ConvTranspose2d(3, 2, 2, stride=2, rng=1, dtype=np.float64)(conv(x))
    loss = (y * y).sum()
    loss.backward(retain_graph=True)
    first_x, first_w = x.grad.copy(), conv.weight.grad.copy()
    conv(kb.tensor(rng.standard_normal((2, 2, 7, 7))))  # unrelated work in between
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * first_x, rtol=1e-12)
    np.testing.assert_allclose(conv.weight.grad, 2 * first_w, rtol=1e-12)


@pytest.mark.parametrize(
    "view",
    [
        lambda a: a[:, :, ::2, 1:],  # strided slice
        lambda a: np.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2),  # CHWN
        lambda a: np.asfortranarray(a),
    ],
)
def test_any_memory_layout_gives_the_same_result(view, rng):
    base = rng.standard_normal((3, 2, 12, 9))
    x = view(base)
    w, wt = rng.standard_normal((4, 2, 3, 3)), rng.standard_normal((2, 3, 3, 2))
    for fn in (
        lambda a: F.conv2d(a, w, stride=2, padding=1),
        lambda a: F.conv_transpose2d(a, wt, stride=2, padding=1),
        lambda a: F.max_pool2d(a, 3, 2, 1, ceil_mode=True),
        lambda a: F.avg_pool2d(a, 2, 1, 1, count_include_pad=False),
    ):
        np.testing.assert_array_equal(fn(x).numpy(), fn(np.array(x, order="C")).numpy())
