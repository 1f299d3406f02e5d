"""The derivatives of convolution as ops of their own, for ``create_graph=True``.

A convolution ``y = conv(x, W)`` is bilinear, and so are its two derivatives: the input
gradient ``col2im(W^T g)`` (a transposed convolution of the output gradient ``g``) and the
weight gradient ``g cols(x)^T``. Each of the three is the derivative of the others, so these
three ops differentiate one another any number of times. All work on batched (N, C, H, W)
arrays with one fixed :class:`Geometry`; the first-order training path never uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.nn._im2col import Pads, Pair, chwn_view, col2im, contiguous, im2col, nchw_view


@dataclass(frozen=True)
class Geometry:
    """Where a convolution's windows lie: the input is (N, C, H, W) with (H, W) ``in_size``,
    the output (N, O, OH, OW) with (OH, OW) ``out_size``, the weight ``weight_shape``."""

    kernel: Pair
    stride: Pair
    dilation: Pair
    pads: Pads
    groups: int
    in_size: Pair
    out_size: Pair
    weight_shape: tuple[int, int, int, int]


def _columns(x: np.ndarray, geo: Geometry) -> np.ndarray:
    """im2col of ``x`` as (groups, C/groups * kh * kw, OH * OW * N)."""
    cols = im2col(
        contiguous(chwn_view(x)), geo.kernel, geo.stride, geo.dilation, geo.pads, geo.out_size
    )
    return cols.reshape(geo.groups, -1, cols.shape[-1])


def _grouped(g: np.ndarray, geo: Geometry) -> np.ndarray:
    """An output-shaped (N, O, OH, OW) array as (groups, O/groups, OH * OW * N)."""
    return contiguous(chwn_view(g)).reshape(geo.groups, g.shape[1] // geo.groups, -1)


def conv_array(x: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """``conv(x, w)`` without bias, (N, O, OH, OW)."""
    o = w.shape[0]
    y = np.matmul(w.reshape(geo.groups, o // geo.groups, -1), _columns(x, geo))
    return nchw_view(y.reshape(o, *geo.out_size, x.shape[0]), unbatched=False)


def input_grad_array(g: np.ndarray, w: np.ndarray, geo: Geometry) -> np.ndarray:
    """``col2im(W^T g)``: the gradient of ``conv(x, w)`` with respect to ``x``, (N, C, H, W)."""
    wg = w.reshape(geo.groups, w.shape[0] // geo.groups, -1)
    dcols = np.matmul(wg.transpose(0, 2, 1), _grouped(g, geo))
    shape = (w.shape[1] * geo.groups, *geo.in_size, g.shape[0])
    dx = col2im(dcols, shape, geo.kernel, geo.stride, geo.dilation, geo.pads, geo.out_size)
    return nchw_view(dx, unbatched=False)


def weight_grad_array(x: np.ndarray, g: np.ndarray, geo: Geometry) -> np.ndarray:
    """``g cols(x)^T``: the gradient of ``conv(x, w)`` with respect to ``w``."""
    dw = np.matmul(_grouped(g, geo), _columns(x, geo).transpose(0, 2, 1))
    return dw.reshape(geo.weight_shape)


class Conv(Function):
    """``conv(x, w)`` (no bias) for a fixed geometry."""

    def __init__(self, geo: Geometry) -> None:
        self.geo = geo

    def forward(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        self.x, self.w = x, w
        return conv_array(x, w, self.geo)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        gx = input_grad_array(grad, self.w, self.geo) if self.needs_grad[0] else None
        gw = weight_grad_array(self.x, grad, self.geo) if self.needs_grad[1] else None
        return gx, gw

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, w = self.saved()
        gx = ConvInputGrad(self.geo)(grad, w) if self.needs_grad[0] else None
        gw = ConvWeightGrad(self.geo)(x, grad) if self.needs_grad[1] else None
        return gx, gw


class ConvInputGrad(Function):
    """``dx = col2im(W^T g)`` as an op of ``g`` and ``W``."""

    def __init__(self, geo: Geometry) -> None:
        self.geo = geo

    def forward(self, g: np.ndarray, w: np.ndarray) -> np.ndarray:
        self.g, self.w = g, w
        return input_grad_array(g, w, self.geo)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        gg = conv_array(grad, self.w, self.geo) if self.needs_grad[0] else None
        gw = weight_grad_array(grad, self.g, self.geo) if self.needs_grad[1] else None
        return gg, gw

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        g, w = self.saved()
        gg = Conv(self.geo)(grad, w) if self.needs_grad[0] else None
        gw = ConvWeightGrad(self.geo)(grad, g) if self.needs_grad[1] else None
        return gg, gw


class ConvWeightGrad(Function):
    """``dW = g cols(x)^T`` as an op of ``x`` and ``g``."""

    def __init__(self, geo: Geometry) -> None:
        self.geo = geo

    def forward(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        self.x, self.g = x, g
        return weight_grad_array(x, g, self.geo)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        gx = input_grad_array(self.g, grad, self.geo) if self.needs_grad[0] else None
        gg = conv_array(self.x, grad, self.geo) if self.needs_grad[1] else None
        return gx, gg

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, g = self.saved()
        gx = ConvInputGrad(self.geo)(g, grad) if self.needs_grad[0] else None
        gg = Conv(self.geo)(x, grad) if self.needs_grad[1] else None
        return gx, gg


def _batched(*tensors: Tensor) -> list[Tensor]:
    return [F.expand_dims(t, 0) for t in tensors]


def conv2d_backward_graph(op: Any, grad: Tensor) -> tuple[Tensor | None, ...]:
    """``Conv2dFunction.backward_graph``: its input, weight and bias gradients as ops."""
    x, w = op.saved()[:2]
    if op.unbatched:
        x, grad = _batched(x, grad)
    geo = Geometry(op.kernel, op.stride, op.dilation, op.pads, op.groups, op.in_shape[1:3],
                   op.out_size, op.weight_shape)  # fmt: skip
    return _gradients(op, ConvInputGrad(geo), ConvWeightGrad(geo), grad, w, x, grad)


def conv_transpose2d_backward_graph(op: Any, grad: Tensor) -> tuple[Tensor | None, ...]:
    """``ConvTranspose2dFunction.backward_graph``: the op is the input gradient of the
    convolution from its output space to its input space, so its derivatives are that
    convolution and its weight gradient."""
    x, w = op.saved()[:2]
    if op.unbatched:
        x, grad = _batched(x, grad)
    size = (grad.shape[-2], grad.shape[-1])
    geo = Geometry(op.kernel, op.stride, op.dilation, op.pads, op.groups, size, op.in_size,
                   op.weight_shape)  # fmt: skip
    return _gradients(op, Conv(geo), ConvWeightGrad(geo), grad, w, grad, x)


def _gradients(
    op: Any, input_op: Function, weight_op: Function, grad: Tensor, w: Tensor, *pair: Tensor
) -> tuple[Tensor | None, ...]:
    needs = op.needs_grad
    gx = input_op(grad, w) if needs[0] else None
    if gx is not None and op.unbatched:
        gx = F.reshape(gx, gx.shape[1:])
    gw = weight_op(*pair) if needs[1] else None
    gb = F.sum(grad, (0, 2, 3)) if len(needs) > 2 and needs[2] else None
    return (gx, gw, gb)[: len(needs)]
