"""Conv2d and ConvTranspose2d against naive loop implementations written here."""

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F


# -- reference implementations: one output pixel (or one input pixel) at a time ---------------
def ref_conv2d(x, w, b=None, stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1), groups=1):
    """Cross-correlation, one output pixel at a time; ``pads`` = (top, bottom, left, right)."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    (sh, sw), (dh, dw), (top, bottom, left, right) = stride, dilation, pads
    xp = np.zeros((n, c, h + top + bottom, wd + left + right))
    xp[:, :, top : top + h, left : left + wd] = x
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for oc in range(o):
        g = oc // og
        for p in range(oh):
            for q in range(ow):
                rows = slice(p * sh, p * sh + dh * (kh - 1) + 1, dh)
                cols = slice(q * sw, q * sw + dw * (kw - 1) + 1, dw)
                patch = xp[:, g * cg : (g + 1) * cg, rows, cols]
                out[:, oc, p, q] = np.tensordot(patch, w[oc], axes=3)
        if b is not None:
            out[:, oc] += b[oc]
    return out


def ref_conv_transpose2d(
    x, w, b=None, stride=(1, 1), padding=(0, 0), output_padding=(0, 0), groups=1, dilation=(1, 1)
):
    """Every input pixel scatters ``x * W`` onto the output; then the padding is cut off."""
    n, cin, h, wd = x.shape
    _, cog, kh, kw = w.shape
    (sh, sw), (dh, dw), (ph, pw), (oph, opw) = stride, dilation, padding, output_padding
    full = np.zeros(
        (
            n,
            cog * groups,
            (h - 1) * sh + dh * (kh - 1) + 1 + oph,
            (wd - 1) * sw + dw * (kw - 1) + 1 + opw,
        )
    )
    cig = cin // groups
    for ci in range(cin):
        g = ci // cig
        for i in range(h):
            for j in range(wd):
                for a in range(kh):
                    for c in range(kw):
                        full[:, g * cog : (g + 1) * cog, i * sh + a * dh, j * sw + c * dw] += (
                            x[:, ci, i, j, None] * w[ci, :, a, c]
                        )
    out = full[:, :, ph : full.shape[2] - ph, pw : full.shape[3] - pw]
    if b is not None:
        out = out + b[None, :, None, None]
    return out


def test_references_agree_with_hand_computed_values():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    # x[p, q] - x[p + 1, q + 1] = -5 everywhere
    np.testing.assert_array_equal(ref_conv2d(x, w), np.full((1, 1, 3, 3), -5.0))
    up = ref_conv_transpose2d(np.array([[[[1.0, 2.0]]]]), np.ones((1, 1, 2, 2)), stride=(1, 2))
    np.testing.assert_array_equal(up, [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0]]]])


CONV_SETTINGS = {
    "plain": ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    "stride2-pad1-odd": ((3, 2, 9, 7), (5, 2, 3, 3), {"stride": 2, "padding": 1}),
    "dilation-asymmetric": (
        (2, 3, 10, 9),
        (4, 3, 3, 2),
        {"stride": (1, 2), "padding": (2, 1), "dilation": (2, 3)},
    ),
    "batch1-1x1": ((1, 4, 5, 5), (3, 4, 1, 1), {}),
    "groups2-stride2": ((2, 6, 7, 7), (4, 3, 3, 3), {"stride": 2, "padding": 1, "groups": 2}),
    "depthwise": ((2, 4, 6, 5), (8, 1, 3, 3), {"padding": (1, 2), "groups": 4}),
    "stride-beyond-kernel": ((2, 2, 8, 9), (3, 2, 2, 2), {"stride": 3}),
    "kernel-equals-input": ((2, 3, 3, 4), (2, 3, 3, 4), {}),
}


def _pads(padding):
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    return (ph, ph, pw, pw)


@pytest.mark.parametrize("name", CONV_SETTINGS)
def test_conv2d_forward_matches_reference(name, rng):
    xs, ws, kwargs = CONV_SETTINGS[name]
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    out = F.conv2d(x, w, b, **kwargs)
    stride = kwargs.get("stride", 1)
    dilation = kwargs.get("dilation", 1)
    expected = ref_conv2d(
        x,
        w,
        b,
        stride=(stride, stride) if isinstance(stride, int) else stride,
        pads=_pads(kwargs.get("padding", 0)),
        dilation=(dilation, dilation) if isinstance(dilation, int) else dilation,
        groups=kwargs.get("groups", 1),
    )
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("kernel", "dilation", "pads"),
    [
        ((3, 3), (1, 1), (1, 1, 1, 1)),
        ((4, 3), (1, 2), (1, 2, 2, 2)),
        ((2, 2), (3, 1), (1, 2, 0, 1)),
    ],
)
def test_same_padding_keeps_the_size_and_puts_the_odd_pixel_last(kernel, dilation, pads, rng):
    x, w = rng.standard_normal((2, 2, 7, 6)), rng.standard_normal((3, 2, *kernel))
    out = F.conv2d(x, w, padding="same", dilation=dilation)
    assert out.shape == (2, 3, 7, 6)
    np.testing.assert_allclose(
        out.numpy(), ref_conv2d(x, w, pads=pads, dilation=dilation), atol=1e-12
    )


def test_valid_padding_is_no_padding(rng):
    x, w = rng.standard_normal((1, 2, 5, 6)), rng.standard_normal((3, 2, 3, 2))
    np.testing.assert_array_equal(F.conv2d(x, w, padding="valid").numpy(), F.conv2d(x, w).numpy())


CONVT_SETTINGS = {
    "plain": ((2, 3, 4, 5), (3, 2, 3, 3), {}),
    "stride2-pad1-outpad1": (
        (2, 4, 3, 4),
        (4, 3, 3, 3),
        {"stride": 2, "padding": 1, "output_padding": 1},
    ),
    "odd-strides-dilation": (
        (1, 2, 3, 4),
        (2, 3, 2, 3),
        {"stride": (3, 2), "padding": (2, 1), "output_padding": (2, 1), "dilation": (1, 2)},
    ),
    "groups2": ((2, 4, 3, 3), (4, 3, 2, 2), {"stride": 2, "groups": 2}),
    "outpad-below-dilation": ((1, 2, 4, 4), (2, 2, 3, 3), {"dilation": 2, "output_padding": 1}),
    "batch1-1x1": ((1, 3, 5, 2), (3, 4, 1, 1), {"stride": 2}),
}


def _pair(v):
    return (v, v) if isinstance(v, int) else v


@pytest.mark.parametrize("name", CONVT_SETTINGS)
def test_conv_transpose2d_forward_matches_reference(name, rng):
    xs, ws, kwargs = CONVT_SETTINGS[name]
    groups = kwargs.get("groups", 1)
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    b = rng.standard_normal(ws[1] * groups)
    out = F.conv_transpose2d(x, w, b, **kwargs)
    expected = ref_conv_transpose2d(
        x,
        w,
        b,
        stride=_pair(kwargs.get("stride", 1)),
        padding=_pair(kwargs.get("padding", 0)),
        output_padding=_pair(kwargs.get("output_padding", 0)),
        groups=groups,
        dilation=_pair(kwargs.get("dilation", 1)),
    )
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_conv_transpose2d_output_size_formula():
    # (H - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    layer = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1, rng=0)
    assert layer(np.zeros((4, 32, 7, 7), dtype=np.float32)).shape == (4, 16, 14, 14)
    layer = nn.ConvTranspose2d(2, 3, (3, 2), stride=(3, 1), padding=(0, 1), dilation=(2, 3), rng=0)
    assert layer(np.zeros((1, 2, 4, 5), dtype=np.float32)).shape == (1, 3, 14, 6)


@pytest.mark.parametrize(
    ("xs", "ws", "stride", "padding", "dilation", "groups"),
    [
        ((2, 3, 9, 8), (4, 3, 3, 3), 2, 1, 1, 1),
        ((1, 4, 10, 7), (6, 2, 3, 2), (2, 3), (1, 2), (2, 1), 2),
        ((3, 2, 6, 6), (2, 1, 4, 4), 3, 0, 1, 2),
    ],
)
def test_conv_transpose_is_the_adjoint_of_conv(xs, ws, stride, padding, dilation, groups, rng):
    """<conv2d(x, W), y> == <x, conv_transpose2d(y, W)> with the same weight."""
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    y_shape = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups).shape
    y = rng.standard_normal(y_shape)
    s, p, d = _pair(stride), _pair(padding), _pair(dilation)
    # The output padding that brings conv_transpose2d back to x's size.
    op = tuple(
        xs[2 + a] - ((y_shape[2 + a] - 1) * s[a] - 2 * p[a] + d[a] * (ws[2 + a] - 1) + 1)
        for a in range(2)
    )
    back = F.conv_transpose2d(y, w, None, stride, padding, op, groups, dilation)
    assert back.shape == xs
    lhs = np.sum(F.conv2d(x, w, None, stride, padding, dilation, groups).numpy() * y)
    rhs = np.sum(x * back.numpy())
    assert abs(lhs - rhs) <= 1e-10 * abs(lhs)


def test_conv2d_input_gradient_is_conv_transpose_of_the_output_gradient(rng):
    x = kb.tensor(rng.standard_normal((2, 3, 7, 7)), requires_grad=True)
    w = rng.standard_normal((4, 3, 3, 3))
    g = rng.standard_normal((2, 4, 4, 4))
    F.conv2d(x, w, stride=2, padding=1).backward(g)
    expected = ref_conv_transpose2d(g, w, stride=(2, 2), padding=(1, 1))
    np.testing.assert_allclose(x.grad, expected, atol=1e-12)


def test_unbatched_input_gives_unbatched_output(rng):
    x, w, b = rng.standard_normal((3, 6, 5)), rng.standard_normal((2, 3, 3, 3)), np.ones(2)
    out = F.conv2d(x, w, b, padding=1)
    assert out.shape == (2, 6, 5)
    np.testing.assert_allclose(out.numpy(), F.conv2d(x[None], w, b, padding=1).numpy()[0])
    up = F.conv_transpose2d(x, rng.standard_normal((3, 2, 2, 2)), stride=2)
    assert up.shape == (2, 12, 10)


def test_no_bias_and_frozen_inputs_give_only_the_gradients_asked_for(rng):
    x = kb.tensor(rng.standard_normal((2, 2, 5, 5)))
    w = kb.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    F.conv2d(x, w, stride=2).sum().backward()
    assert x.grad is None
    # d sum / d w[o, c, i, j] = sum of the inputs that tap (i, j) sees
    xd = x.numpy()
    expected = np.stack(
        [
            xd[:, :, i : i + 3 : 2, j : j + 3 : 2].sum(axis=(0, 2, 3))
            for i in range(3)
            for j in range(3)
        ],
        axis=-1,
    )
    np.testing.assert_allclose(w.grad, np.broadcast_to(expected.reshape(2, 3, 3), (3, 2, 3, 3)))
