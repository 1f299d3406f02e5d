"""Padding modes, Conv2d(padding_mode), ConvTranspose2d(output_size), pooling indices and
unpooling: hand-made values and clear errors (PyTorch's numbers: test_nn_layer_torch_reference)."""

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F

ROW = np.array([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("reflect", [3, 2, 1, 2, 3, 2]),
        ("replicate", [1, 1, 1, 2, 3, 3]),
        ("circular", [2, 3, 1, 2, 3, 1]),
        ("constant", [0, 0, 1, 2, 3, 0]),
    ],
)
def test_pad_modes_by_hand(mode, expected):
    np.testing.assert_array_equal(F.pad(ROW, (2, 1), mode=mode).data, [expected])


def test_pad_gradient_counts_each_copy():
    x = kb.tensor(ROW, dtype="float64", requires_grad=True)
    F.pad(x, (2, 2), mode="reflect").sum().backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 3.0, 2.0]])  # [3 2 | 1 2 3 | 2 1]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"pad": (3, 0), "mode": "reflect"}, ValueError, "must be less than the size"),
        ({"pad": (4, 0), "mode": "circular"}, ValueError, "must be at most the size"),
        ({"pad": (1,), "mode": "constant"}, ValueError, "an even number of ints"),
        ({"pad": (1, 1), "mode": "wrap"}, ValueError, "mode must be one of 'constant', "),
        ({"pad": (-1, 1), "mode": "reflect"}, ValueError, "negative padding needs mode"),
        ({"pad": (1.5, 1)}, TypeError, "pad must be a tuple or list of ints"),
    ],
)
def test_pad_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        F.pad(ROW, **kwargs)


def test_conv2d_padding_mode_pads_then_convolves():
    conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular", bias=False, rng=0)
    x = np.random.default_rng(0).standard_normal((1, 1, 4, 4)).astype(np.float32)
    wrapped = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="wrap")
    np.testing.assert_allclose(conv(x).data, F.conv2d(wrapped, conv.weight.data).data, rtol=1e-6)
    assert "padding_mode=circular" in repr(conv)
    with pytest.raises(ValueError, match="padding_mode must be one of 'zeros', 'reflect', "):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="padding_mode must be one of 'zeros', got 'reflect'"):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")


def test_conv_transpose_output_size_and_its_range():
    up = nn.ConvTranspose2d(2, 1, 3, stride=2, padding=1, rng=0)
    x = np.zeros((1, 2, 4, 4), dtype=np.float32)
    assert up(x).shape == (1, 1, 7, 7)
    assert up(x, output_size=(8, 7)).shape == (1, 1, 8, 7)
    assert up(x, output_size=[1, 1, 8, 8]).shape == (1, 1, 8, 8)
    assert up(x).shape == (1, 1, 7, 7)  # the requested size does not stick
    with pytest.raises(ValueError, match=r"valid sizes range from \[7, 7\] to \[8, 8\]"):
        up(x, output_size=(9, 7))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        up(x, output_size=(8,))


def test_pool_indices_then_unpool_restores_the_maxima():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    y, indices = nn.MaxPool2d(2, return_indices=True)(x)
    assert indices.dtype == np.int64
    np.testing.assert_array_equal(indices.data[0, 0], [[5, 7], [13, 15]])
    restored = nn.MaxUnpool2d(2)(y, indices).data
    np.testing.assert_array_equal(restored, np.where(x % 2 * (x // 4 % 2) == 1, x, 0))
    np.testing.assert_array_equal(restored, F.max_unpool2d(y, indices, 2).data)
    assert repr(nn.MaxUnpool2d(2)) == "MaxUnpool2d(kernel_size=2, stride=2, padding=0)"


def test_unpool_bad_arguments():
    y, indices = F.max_pool2d(np.zeros((1, 1, 4, 4)), 2, return_indices=True)
    with pytest.raises(ValueError, match='invalid output_size "\\[6, 4\\]"'):
        F.max_unpool2d(y, indices, 2, output_size=(6, 4))
    with pytest.raises(ValueError, match="found an invalid max index 99"):
        F.max_unpool2d(y, np.full((1, 1, 2, 2), 99), 2)
    with pytest.raises(ValueError, match="indices must be integers of the input's shape"):
        F.max_unpool2d(y, indices.data.astype(float), 2)
