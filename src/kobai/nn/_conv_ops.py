"""Convolution as differentiable ops, with PyTorch's ``torch.nn.functional`` names.

Each op is a :class:`~kobai.autograd.function.Function`; the lowercase functions check their
arguments and call it. The array work is im2col (strided copies of the input), one matrix
product per convolution (a stack of one product per group), and col2im (one add per kernel
tap) for the adjoint; see :mod:`kobai.nn._im2col` for the memory layout. The pooling ops live
in :mod:`kobai.nn._pool_ops` and are re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.nn._conv_grad_ops import conv2d_backward_graph, conv_transpose2d_backward_graph
from kobai.nn._im2col import (
    Pads,
    Pair,
    chwn_view,
    col2im,
    contiguous,
    conv_output_size,
    im2col,
    matmul,
    nchw_view,
    to_pair,
)
from kobai.nn._pool_ops import AvgPool2dFunction, MaxPool2dFunction, avg_pool2d, max_pool2d
from kobai.validation import check_int

__all__ = [
    "AvgPool2dFunction",
    "Conv2dFunction",
    "ConvTranspose2dFunction",
    "MaxPool2dFunction",
    "avg_pool2d",
    "conv2d",
    "conv_transpose2d",
    "max_pool2d",
]

PADDING_STRINGS = ("same", "valid")


# -- argument checks shared by the functions and the modules ------------------------------
def check_groups(groups: Any, in_channels: int | None = None, out_channels: int = 0) -> int:
    """``groups`` as an int >= 1 that divides both channel counts (when given)."""
    groups = check_int("groups", groups, low=1)
    if in_channels is not None and in_channels % groups:
        raise ValueError(f"in_channels must be divisible by groups, got {in_channels} and {groups}")
    if out_channels % groups:
        raise ValueError(
            f"out_channels must be divisible by groups, got {out_channels} and {groups}"
        )
    return int(groups)


def conv_pads(padding: Any, kernel: Pair, stride: Pair, dilation: Pair) -> Pads:
    """Padding (int, pair, ``"same"`` or ``"valid"``) as (top, bottom, left, right).

    ``"same"`` pads ``dilation * (kernel - 1)`` in total, the odd one at the bottom/right, as
    PyTorch does; it needs stride 1.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise ValueError(f"padding='same' needs stride 1, got stride={stride}")
            (kh, kw), (dh, dw) = kernel, dilation
            th, tw = dh * (kh - 1), dw * (kw - 1)
            return (th // 2, th - th // 2, tw // 2, tw - tw // 2)
        else:
            raise ValueError(
                f"padding must be an int, a pair of ints or one of "
                f"{', '.join(map(repr, PADDING_STRINGS))}, got {padding!r}"
            )
    ph, pw = to_pair(padding, "padding", minimum=0)
    return (ph, ph, pw, pw)


def check_output_padding(output_padding: Pair, stride: Pair, dilation: Pair) -> None:
    """PyTorch's rule: each output padding smaller than the stride or the dilation."""
    for op, s, d in zip(output_padding, stride, dilation, strict=True):
        if not (op < s or op < d):
            raise ValueError(
                f"output_padding must be smaller than either stride or dilation, got "
                f"output_padding={output_padding}, stride={stride}, dilation={dilation}"
            )


def _check_arrays(label: str, x: np.ndarray, weight: np.ndarray, channels: int) -> None:
    if x.ndim not in (3, 4) or x.shape[-3] != channels:
        raise ValueError(f"{label} expected input (N, {channels}, H, W), got {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{label} expected a floating-point input, got dtype {x.dtype}")
    if x.dtype != weight.dtype:
        raise TypeError(
            f"{label}: input dtype {x.dtype} does not match weight dtype {weight.dtype}"
        )


def _check_weight(label: str, weight: np.ndarray, bias: np.ndarray | None, out: int) -> None:
    if weight.ndim != 4:
        raise ValueError(f"{label} expected a 4-d weight, got shape {weight.shape}")
    if bias is not None and bias.shape != (out,):
        raise ValueError(f"{label} expected bias of shape ({out},), got {bias.shape}")


def _too_small(label: str, x: np.ndarray, pads: Pads, extent: Pair) -> ValueError:
    h, w = x.shape[-2:]
    padded = (h + pads[0] + pads[1], w + pads[2] + pads[3])
    return ValueError(
        f"{label}: input of size ({h}, {w}) (padded: {padded}) is smaller than the kernel "
        f"extent {extent}, got input {x.shape}"
    )


def _weight_grad(a: np.ndarray, b: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``a @ b`` (stacks of matrices) in a new array of the weight's shape (owned).

    ``b`` is a transposed view of im2col columns, so the product sums over the long axis of
    output positions. OpenBLAS runs such products up to 1.5 times faster when the larger
    side of the result is its row axis, so a wide result is computed transposed, then copied
    into place (the weight is small).
    """
    out = np.empty(shape, dtype=np.result_type(a, b))
    out3 = out.reshape(a.shape[0], a.shape[1], b.shape[2])
    if b.shape[2] > a.shape[1]:
        np.copyto(out3, np.matmul(b.transpose(0, 2, 1), a.transpose(0, 2, 1)).transpose(0, 2, 1))
    else:
        np.matmul(a, b, out=out3)
    return out


# -- ops ----------------------------------------------------------------------------------
class Conv2dFunction(Function):
    """2-D cross-correlation of (N, C, H, W) inputs, as ``torch.nn.functional.conv2d``.

    Forward: ``W (G, O/G, C/G*kh*kw) @ im2col(x) (G, C/G*kh*kw, OH*OW*N)``. Backward: the
    weight gradient is ``grad @ cols.T``, the input gradient ``col2im(W.T @ grad)``.
    """

    def __init__(self, stride: Pair, pads: Pads, dilation: Pair, groups: int, label: str) -> None:
        self.stride, self.pads, self.dilation = stride, pads, dilation
        self.groups, self.label = groups, label

    def forward(
        self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None
    ) -> np.ndarray:
        _check_weight(self.label, weight, bias, weight.shape[0])
        _check_arrays(self.label, x, weight, weight.shape[1] * self.groups)
        self.unbatched = x.ndim == 3
        x = x[None] if self.unbatched else x
        o, cg, kh, kw = self.weight_shape = weight.shape
        top, bottom, left, right = self.pads
        (sh, sw), (dh, dw) = self.stride, self.dilation
        out_size = (
            conv_output_size(x.shape[2], top + bottom, kh, sh, dh),
            conv_output_size(x.shape[3], left + right, kw, sw, dw),
        )
        if min(out_size) < 1:
            raise _too_small(self.label, x, self.pads, (dh * (kh - 1) + 1, dw * (kw - 1) + 1))
        g = self.groups
        # One transposing copy (none for the output of a conv) beats a gather per kernel tap.
        xv = contiguous(chwn_view(x))
        self.kernel, self.out_size, self.in_shape = (kh, kw), out_size, xv.shape
        cols = im2col(xv, self.kernel, self.stride, self.dilation, self.pads, out_size)
        self.cols = cols.reshape(g, cg * kh * kw, -1)
        self.weight = weight.reshape(g, o // g, -1)
        y = matmul(self.weight, self.cols).reshape(o, *out_size, x.shape[0])
        if bias is not None:
            y += bias[:, None, None, None]
        return nchw_view(y, unbatched=self.unbatched)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        grad = grad[None] if self.unbatched else grad
        g, og, _ = self.weight.shape
        # (O, OH, OW, N) is this op's own output layout: no copy for a grad from a conv.
        g2 = contiguous(chwn_view(grad)).reshape(g, og, -1)
        gx = gw = gb = None
        if self.needs_grad[0]:
            dcols = matmul(self.weight.transpose(0, 2, 1), g2)
            dx = col2im(
                dcols,
                self.in_shape,
                self.kernel,
                self.stride,
                self.dilation,
                self.pads,
                self.out_size,
            )
            gx = nchw_view(dx, unbatched=self.unbatched)
        if self.needs_grad[1]:
            gw = _weight_grad(g2, self.cols.transpose(0, 2, 1), self.weight_shape)
        if len(self.needs_grad) > 2 and self.needs_grad[2]:
            gb = g2.reshape(g * og, -1).sum(axis=1)
        return (gx, gw, gb)[: len(self.needs_grad)]

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return conv2d_backward_graph(self, grad)


class ConvTranspose2dFunction(Function):
    """Transposed 2-D convolution, as ``torch.nn.functional.conv_transpose2d``.

    The forward is the input gradient of :class:`Conv2dFunction` (``col2im(W.T @ x)``) and
    the backward is a convolution of the output gradient.
    """

    def __init__(
        self,
        stride: Pair,
        padding: Pair,
        output_padding: Pair,
        dilation: Pair,
        groups: int,
        label: str,
    ) -> None:
        self.stride, self.padding, self.output_padding = stride, padding, output_padding
        self.dilation, self.groups, self.label = dilation, groups, label
        self.pads = (padding[0], padding[0], padding[1], padding[1])

    def forward(
        self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None
    ) -> np.ndarray:
        _check_weight(self.label, weight, bias, weight.shape[1] * self.groups)
        _check_arrays(self.label, x, weight, weight.shape[0])
        self.unbatched = x.ndim == 3
        x = x[None] if self.unbatched else x
        n, cin, h, w = x.shape
        _, cog, kh, kw = self.weight_shape = weight.shape
        sizes = [
            (size - 1) * s - 2 * p + d * (k - 1) + op + 1
            for size, s, p, d, k, op in zip(
                (h, w),
                self.stride,
                self.padding,
                self.dilation,
                (kh, kw),
                self.output_padding,
                strict=True,
            )
        ]
        if min(sizes) < 1:
            raise ValueError(
                f"{self.label}: input {x.shape} gives an output of size {tuple(sizes)}, "
                "which is not positive (padding too large?)"
            )
        g = self.groups
        self.kernel, self.in_size = (kh, kw), (h, w)
        self.x = contiguous(chwn_view(x)).reshape(g, cin // g, -1)
        self.weight = weight.reshape(g, cin // g, -1)
        cols = matmul(self.weight.transpose(0, 2, 1), self.x)
        y = col2im(
            cols,
            (cog * g, sizes[0], sizes[1], n),
            self.kernel,
            self.stride,
            self.dilation,
            self.pads,
            self.in_size,
        )
        if bias is not None:
            y += bias[:, None, None, None]
        return nchw_view(y, unbatched=self.unbatched)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        grad = grad[None] if self.unbatched else grad
        g, cig, _ = self.weight.shape
        gx = gw = gb = None
        if self.needs_grad[0] or self.needs_grad[1]:
            gv = contiguous(chwn_view(grad))
            cols = im2col(gv, self.kernel, self.stride, self.dilation, self.pads, self.in_size)
            cols = cols.reshape(g, -1, cols.shape[-1])
            if self.needs_grad[0]:
                gx = matmul(self.weight, cols).reshape(g * cig, *self.in_size, grad.shape[0])
                gx = nchw_view(gx, unbatched=self.unbatched)
            if self.needs_grad[1]:
                gw = _weight_grad(self.x, cols.transpose(0, 2, 1), self.weight_shape)
        if len(self.needs_grad) > 2 and self.needs_grad[2]:
            gb = grad.sum(axis=(0, 2, 3))
        return (gx, gw, gb)[: len(self.needs_grad)]

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        return conv_transpose2d_backward_graph(self, grad)


# -- functions ----------------------------------------------------------------------------
def _operands(x: Any, weight: Any, bias: Any) -> tuple[Any, ...]:
    return (x, weight) if bias is None else (x, weight, bias)


def conv2d(
    input: Any,  # noqa: A002 - PyTorch's name
    weight: Any,
    bias: Any = None,
    stride: int | Pair = 1,
    padding: int | Pair | str = 0,
    dilation: int | Pair = 1,
    groups: int = 1,
) -> Tensor:
    r"""2-D convolution (cross-correlation) of a batch of images, as PyTorch's ``conv2d``.

    .. math::
        y_{n,o,p,q} = b_o + \sum_{c,i,j} W_{o,c,i,j}\,
        x_{n,\,g(o) C_g + c,\; s_h p + d_h i - \text{pad}_h,\; s_w q + d_w j - \text{pad}_w}

    with zero padding and :math:`g(o)` the group of output channel :math:`o`.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    weight : Tensor of shape (O, C / groups, kh, kw)
    bias : Tensor of shape (O,), optional
    stride, dilation : int or (int, int), default 1
    padding : int, (int, int), "valid" or "same", default 0
        Zeros added on both sides; ``"same"`` keeps the size (stride 1 only).
    groups : int, default 1
        Channels are split into ``groups`` independent convolutions (``groups = C`` is a
        depthwise convolution).

    Returns
    -------
    Tensor of shape (N, O, OH, OW), with
    :math:`OH = \lfloor (H + 2\,\text{pad}_h - d_h (k_h - 1) - 1) / s_h \rfloor + 1`.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn.functional import conv2d
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d(x, np.ones((1, 1, 2, 2)), stride=2).numpy()[0, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.ndim != 4:
        raise ValueError(f"conv2d expected a 4-d weight, got shape {w.shape}")
    stride = to_pair(stride, "stride", minimum=1)
    dilation = to_pair(dilation, "dilation", minimum=1)
    groups = check_groups(groups, None, w.shape[0])
    pads = conv_pads(padding, w.shape[2:], stride, dilation)
    op = Conv2dFunction(stride, pads, dilation, groups, "conv2d")
    return op(*_operands(input, weight, bias))


def conv_transpose2d(
    input: Any,  # noqa: A002 - PyTorch's name
    weight: Any,
    bias: Any = None,
    stride: int | Pair = 1,
    padding: int | Pair = 0,
    output_padding: int | Pair = 0,
    groups: int = 1,
    dilation: int | Pair = 1,
) -> Tensor:
    r"""Transposed 2-D convolution, as PyTorch's ``conv_transpose2d``.

    The adjoint of :func:`conv2d` with the same weight: every input pixel scatters
    ``x * W`` onto a window of the output.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    weight : Tensor of shape (C, O / groups, kh, kw)
    bias : Tensor of shape (O,), optional
    stride, dilation : int or (int, int), default 1
    padding : int or (int, int), default 0
        Removed from both sides of the output (``dilation * (k - 1) - padding`` zeros on
        the input of the equivalent convolution).
    output_padding : int or (int, int), default 0
        Extra rows/columns at the bottom/right of the output; each must be smaller than the
        stride or the dilation.
    groups : int, default 1

    Returns
    -------
    Tensor of shape (N, O, OH, OW), with
    :math:`OH = (H - 1) s_h - 2\,\text{pad}_h + d_h (k_h - 1) + \text{output\_padding}_h + 1`.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn.functional import conv_transpose2d
    >>> conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), stride=2).shape
    (1, 1, 4, 4)
    """
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.ndim != 4:
        raise ValueError(f"conv_transpose2d expected a 4-d weight, got shape {w.shape}")
    stride = to_pair(stride, "stride", minimum=1)
    dilation = to_pair(dilation, "dilation", minimum=1)
    pad = to_pair(padding, "padding", minimum=0)
    output_padding = to_pair(output_padding, "output_padding", minimum=0)
    check_output_padding(output_padding, stride, dilation)
    groups = check_groups(groups, w.shape[0])
    op = ConvTranspose2dFunction(stride, pad, output_padding, dilation, groups, "conv_transpose2d")
    return op(*_operands(input, weight, bias))
