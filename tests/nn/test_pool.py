"""MaxPool2d and AvgPool2d against naive loops and hand-computed values."""

import re

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F


def _out_size(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling output size, written out (not shared with the library)."""
    span = size + 2 * p - d * (k - 1) - 1
    out = -(-span // s) + 1 if ceil_mode else span // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _windows(x, k, s, p, d, ceil_mode):
    """Yield (p, q, rows, cols) with each window's in-range input rows and columns."""
    h, w = x.shape[2:]
    oh = _out_size(h, k[0], s[0], p[0], d[0], ceil_mode)
    ow = _out_size(w, k[1], s[1], p[1], d[1], ceil_mode)
    for i in range(oh):
        for j in range(ow):
            rows = [i * s[0] - p[0] + d[0] * a for a in range(k[0])]
            cols = [j * s[1] - p[1] + d[1] * b for b in range(k[1])]
            yield i, j, [r for r in rows if 0 <= r < h], [c for c in cols if 0 <= c < w]


def ref_max_pool(x, k, s, p=(0, 0), d=(1, 1), ceil_mode=False):
    windows = list(_windows(x, k, s, p, d, ceil_mode))
    out = np.full((*x.shape[:2], windows[-1][0] + 1, windows[-1][1] + 1), -np.inf)
    for i, j, rows, cols in windows:
        out[:, :, i, j] = x[:, :, rows][:, :, :, cols].max(axis=(2, 3))
    return out


def ref_avg_pool(x, k, s, p=(0, 0), ceil_mode=False, count_include_pad=True, divisor=None):
    h, w = x.shape[2:]
    windows = list(_windows(x, k, s, p, (1, 1), ceil_mode))
    out = np.zeros((*x.shape[:2], windows[-1][0] + 1, windows[-1][1] + 1))
    for i, j, rows, cols in windows:
        total = x[:, :, rows][:, :, :, cols].sum(axis=(2, 3))
        if divisor is not None:
            n = divisor
        elif count_include_pad:
            # the window counts the padding, but not what lies beyond it (ceil_mode)
            r0, c0 = i * s[0] - p[0], j * s[1] - p[1]
            n = (min(r0 + k[0], h + p[0]) - r0) * (min(c0 + k[1], w + p[1]) - c0)
        else:
            n = len(rows) * len(cols)
        out[:, :, i, j] = total / n
    return out


def test_references_agree_with_hand_computed_values():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    expected = [[6.0, 8.0, 9.0], [16.0, 18.0, 19.0], [21.0, 23.0, 24.0]]
    np.testing.assert_array_equal(ref_max_pool(x, (2, 2), (2, 2), ceil_mode=True)[0, 0], expected)
    # 3x3 windows, stride 2, padding 1 on a 4x4 ramp: window sums over the in-range pixels
    y = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_allclose(
        ref_avg_pool(y, (3, 3), (2, 2), (1, 1), count_include_pad=False)[0, 0],
        [[10 / 4, 24 / 6], [51 / 6, 90 / 9]],
    )
    np.testing.assert_allclose(
        ref_avg_pool(y, (3, 3), (2, 2), (1, 1))[0, 0], [[10 / 9, 24 / 9], [51 / 9, 90 / 9]]
    )


MAX_SETTINGS = {
    "k2": ((2, 3, 6, 6), {"kernel_size": 2}),
    "k3-s2-p1-odd": ((2, 2, 7, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    "ceil-mode": ((1, 2, 7, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    "ceil-mode-no-pad": ((1, 1, 5, 7), {"kernel_size": 2, "ceil_mode": True}),
    "dilation": ((2, 2, 9, 8), {"kernel_size": (3, 2), "stride": (2, 1), "dilation": (2, 3)}),
    "dilation-pad": ((1, 2, 8, 8), {"kernel_size": 3, "padding": 2, "dilation": 2}),
    "overlap-stride1": ((1, 3, 5, 4), {"kernel_size": (2, 3), "stride": 1, "padding": (1, 1)}),
}


def _pair(v):
    return (v, v) if isinstance(v, int) else v


@pytest.mark.parametrize("name", MAX_SETTINGS)
def test_max_pool_matches_reference(name, rng):
    shape, kwargs = MAX_SETTINGS[name]
    x = rng.standard_normal(shape)
    k = _pair(kwargs["kernel_size"])
    s = _pair(kwargs.get("stride", kwargs["kernel_size"]))
    expected = ref_max_pool(
        x,
        k,
        s,
        _pair(kwargs.get("padding", 0)),
        _pair(kwargs.get("dilation", 1)),
        kwargs.get("ceil_mode", False),
    )
    out = F.max_pool2d(x, **kwargs)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)


AVG_SETTINGS = {
    "k2": ((2, 3, 6, 6), {"kernel_size": 2}),
    "k3-s2-p1": ((2, 2, 7, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    "exclude-pad": (
        (1, 2, 7, 9),
        {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
    ),
    "ceil-include-pad": (
        (1, 2, 6, 7),
        {"kernel_size": (2, 3), "stride": 2, "padding": 1, "ceil_mode": True},
    ),
    "ceil-exclude-pad": (
        (2, 1, 8, 5),
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    "divisor": ((1, 2, 5, 6), {"kernel_size": (3, 2), "stride": (1, 2), "divisor_override": 5}),
}


@pytest.mark.parametrize("name", AVG_SETTINGS)
def test_avg_pool_matches_reference(name, rng):
    shape, kwargs = AVG_SETTINGS[name]
    x = rng.standard_normal(shape)
    expected = ref_avg_pool(
        x,
        _pair(kwargs["kernel_size"]),
        _pair(kwargs.get("stride", kwargs["kernel_size"])),
        _pair(kwargs.get("padding", 0)),
        kwargs.get("ceil_mode", False),
        kwargs.get("count_include_pad", True),
        kwargs.get("divisor_override"),
    )
    out = F.avg_pool2d(x, **kwargs)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_ceil_mode_drops_a_window_that_would_start_in_the_right_padding():
    # ceil((5 + 2 - 2) / 2) + 1 = 4 windows, but the 4th would start at 6 - 1 = 5 >= 5
    assert F.max_pool2d(np.zeros((1, 1, 5, 5)), 2, 2, 1, ceil_mode=True).shape == (1, 1, 3, 3)
    assert F.max_pool2d(np.zeros((1, 1, 5, 5)), 2, 2, 0, ceil_mode=True).shape == (1, 1, 3, 3)
    assert F.max_pool2d(np.zeros((1, 1, 5, 5)), 2, 2, 0).shape == (1, 1, 2, 2)


def test_max_pool_gradient_goes_to_the_first_maximum():
    x = kb.tensor(np.ones((1, 1, 2, 4)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad[0, 0], [[1, 0, 1, 0], [0, 0, 0, 0]])


def test_overlapping_windows_add_their_gradients():
    x = kb.tensor(np.array([[[[0.0, 0, 0], [0, 5, 0], [0, 0, 0]]]]), requires_grad=True)
    out = F.max_pool2d(x, 2, stride=1)
    np.testing.assert_array_equal(out.numpy(), np.full((1, 1, 2, 2), 5.0))
    out.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    np.testing.assert_array_equal(x.grad[0, 0], [[0, 0, 0], [0, 10, 0], [0, 0, 0]])


def test_avg_pool_gradient_spreads_evenly():
    x = kb.tensor(np.zeros((1, 1, 3, 3)), requires_grad=True)
    F.avg_pool2d(x, 2, stride=1).sum().backward()
    np.testing.assert_allclose(
        x.grad[0, 0], [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]
    )


def test_max_pool_propagates_nan():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = np.nan
    out = F.max_pool2d(x, 2).numpy()[0, 0]
    assert np.isnan(out[0, 0])
    np.testing.assert_array_equal(out[1], [13.0, 15.0])
    assert out[0, 1] == 7.0


def test_padding_is_minus_infinity_for_max_and_zero_for_avg():
    x = np.full((1, 1, 2, 2), -3.0)
    np.testing.assert_array_equal(F.max_pool2d(x, 3, 1, 1).numpy(), np.full((1, 1, 2, 2), -3.0))
    np.testing.assert_array_equal(
        F.avg_pool2d(x, 3, 1, 1).numpy(), np.full((1, 1, 2, 2), -12.0 / 9)
    )


@pytest.mark.parametrize("layer", [nn.MaxPool2d(3, 2, 1), nn.AvgPool2d(2)])
def test_float32_in_float32_out_and_float32_gradient(layer, rng):
    x = kb.tensor(rng.standard_normal((2, 3, 7, 6)).astype(np.float32), requires_grad=True)
    out = layer(x)
    assert out.dtype == np.float32
    (out * out).sum().backward()
    assert x.grad.dtype == np.float32


def test_unbatched_input(rng):
    x = rng.standard_normal((3, 6, 5))
    np.testing.assert_array_equal(nn.MaxPool2d(2)(x).numpy(), nn.MaxPool2d(2)(x[None]).numpy()[0])
    assert nn.AvgPool2d(3, 2, 1)(x).shape == (3, 3, 3)


def test_repr_is_pytorchs():
    assert repr(nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    assert repr(nn.MaxPool2d((3, 2), 1, (1, 0), ceil_mode=True)) == (
        "MaxPool2d(kernel_size=(3, 2), stride=1, padding=(1, 0), dilation=1, ceil_mode=True)"
    )
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.AvgPool2d(3, 2, 1)) == "AvgPool2d(kernel_size=3, stride=2, padding=1)"


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: nn.MaxPool2d(0), ValueError, "kernel_size must be >= 1, got 0"),
        (lambda: nn.MaxPool2d(2, stride=0), ValueError, "stride must be >= 1, got 0"),
        (lambda: nn.MaxPool2d(2, dilation=0), ValueError, "dilation must be >= 1, got 0"),
        (lambda: nn.MaxPool2d(2.0), TypeError, "kernel_size must be an int or a pair"),
        (
            lambda: nn.MaxPool2d(3, padding=2),
            ValueError,
            "padding must be at most half of the kernel extent, got padding=2, kernel_size=3",
        ),
        (lambda: nn.AvgPool2d(2, padding=2), ValueError, "padding must be at most half"),
        (lambda: nn.MaxPool2d(2, ceil_mode=1), TypeError, "ceil_mode must be true or false, got 1"),
        (lambda: nn.AvgPool2d(2, count_include_pad=None), TypeError, "count_include_pad must"),
        (
            lambda: nn.AvgPool2d(2, divisor_override=0),
            ValueError,
            "divisor_override must be an integer >= 1, got 0",
        ),
        (lambda: nn.AvgPool2d(2, divisor_override=1.5), TypeError, "divisor_override must be an"),
    ],
)
def test_bad_arguments_raise_at_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_dilation_widens_the_padding_limit():
    assert nn.MaxPool2d(3, 1, padding=2, dilation=2)(np.zeros((1, 1, 4, 4))).shape == (1, 1, 4, 4)


def test_bad_inputs_are_named():
    message = "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False) "
    message += "expected input (N, C, H, W) or (C, H, W), got (4, 4)"
    with pytest.raises(ValueError, match=re.escape(message)):
        nn.MaxPool2d(2)(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"avg_pool2d: input \(1, 1, 2, 2\) is too small"):
        F.avg_pool2d(np.zeros((1, 1, 2, 2)), 3)
    with pytest.raises(TypeError, match="expected a floating-point input, got dtype bool"):
        F.max_pool2d(np.zeros((1, 1, 2, 2), dtype=bool), 2)


def test_an_infinite_gradient_goes_only_to_the_maximum():
    x = kb.tensor(np.array([[[[1.0, 2.0], [3.0, 0.0]]]]), requires_grad=True)
    F.max_pool2d(x, 2).backward(np.array([[[[np.inf]]]]))
    np.testing.assert_array_equal(x.grad[0, 0], [[0.0, 0.0], [np.inf, 0.0]])
