"""Max and average pooling as differentiable ops, with PyTorch's names and semantics.

Both gather the windows with :func:`~kobai.nn._im2col.im2col` (padding filled with -inf or 0),
reduce over the kernel taps, and send gradients back with ``col2im``: vectorised passes per
kernel tap, never a loop over pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.nn import _workspace
from kobai.nn._im2col import (
    Pair,
    chwn_view,
    col2im,
    contiguous,
    im2col,
    nchw_view,
    pool_output_size,
    to_pair,
)
from kobai.validation import check_int


# -- argument checks shared by the functions and the modules ------------------------------
def pool_pairs(
    kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1
) -> tuple[Pair, Pair, Pair, Pair]:
    """Kernel, stride (the kernel when None), padding and dilation as checked pairs.

    PyTorch's rule: the padding is at most half of the (dilated) kernel extent.
    """
    kernel = to_pair(kernel_size, "kernel_size", minimum=1)
    strides = kernel if stride is None else to_pair(stride, "stride", minimum=1)
    pad = to_pair(padding, "padding", minimum=0)
    dil = to_pair(dilation, "dilation", minimum=1)
    for p, k, d in zip(pad, kernel, dil, strict=True):
        if p > (d * (k - 1) + 1) // 2:
            raise ValueError(
                f"padding must be at most half of the kernel extent, got padding={padding}, "
                f"kernel_size={kernel_size}, dilation={dilation}"
            )
    return kernel, strides, pad, dil


def _check_input(label: str, x: np.ndarray) -> None:
    if x.ndim not in (3, 4):
        raise ValueError(f"{label} expected input (N, C, H, W) or (C, H, W), got {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{label} expected a floating-point input, got dtype {x.dtype}")


class _Pool(Function):
    """Shared by the pooling ops: the windows as im2col columns, and the scatter back."""

    def __init__(
        self, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceil_mode: bool, label: str
    ) -> None:
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self.dilation, self.ceil_mode, self.label = dilation, ceil_mode, label

    def _windows(self, x: np.ndarray, fill: float) -> np.ndarray:
        """(C, kh * kw, OH * OW * N): every window of ``x``, the padding set to ``fill``."""
        _check_input(self.label, x)
        self.unbatched = x.ndim == 3
        x = x[None] if self.unbatched else x
        size = x.shape[2:]
        out = tuple(
            pool_output_size(n, p, k, s, d, self.ceil_mode)
            for n, p, k, s, d in zip(
                size, self.padding, self.kernel, self.stride, self.dilation, strict=True
            )
        )
        if min(out) < 1:
            raise ValueError(
                f"{self.label}: input {x.shape} is too small: the output would be {out}"
            )
        xv = contiguous(chwn_view(x))
        self.in_shape, self.out_size = xv.shape, (out[0], out[1])
        # With ceil_mode the last windows reach past the bottom/right padding: the taps that
        # do are cut off there (``im2col`` only reads the top and left padding).
        self.pads = (self.padding[0], 0, self.padding[1], 0)
        cols = im2col(xv, self.kernel, self.stride, self.dilation, self.pads, self.out_size, fill)
        return cols.reshape(xv.shape[0], self.kernel[0] * self.kernel[1], -1)

    def _output(self, y: np.ndarray) -> np.ndarray:
        return nchw_view(y.reshape(y.shape[0], *self.out_size, -1), unbatched=self.unbatched)

    def _grad_columns(self, grad: np.ndarray) -> np.ndarray:
        """The output gradient as contiguous (C, OH * OW * N)."""
        grad = grad[None] if self.unbatched else grad
        g = contiguous(chwn_view(grad))
        return g.reshape(g.shape[0], -1)

    def _scatter(self, blocks: np.ndarray) -> np.ndarray:
        """Input gradient from per-window gradients ``blocks`` (C, kh * kw, OH * OW * N)."""
        dx = col2im(
            blocks, self.in_shape, self.kernel, self.stride, self.dilation, self.pads, self.out_size
        )
        return nchw_view(dx, unbatched=self.unbatched)


class MaxPool2dFunction(_Pool):
    """Maximum over each window (padding counts as -inf); the gradient goes to the argmax.

    Ties go to the first maximum in row-major window order and NaN propagates, as in PyTorch.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        windows = self._windows(x, -np.inf)
        taps = windows.shape[1]
        best = np.max(windows, axis=1, out=_workspace.empty(windows[:, 0].shape, x.dtype))
        argmax = np.zeros(best.shape, dtype=np.int8 if taps < 128 else np.int32)
        hit = _workspace.empty(best.shape, np.bool_)
        step = _workspace.empty(best.shape, argmax.dtype)
        # Going backwards, the first window position holding the maximum is written last;
        # arithmetic (argmax += (k - argmax) * hit) is far faster than masked assignment.
        for k in range(taps - 1, -1, -1):
            np.equal(windows[:, k], best, out=hit)
            np.subtract(k, argmax, out=step)
            step *= hit
            argmax += step
        nan = np.isnan(best)
        if nan.any():  # PyTorch keeps the last NaN of a window
            for k in range(taps):
                np.copyto(argmax, k, where=nan & np.isnan(windows[:, k]))
        self.argmax = argmax
        return self._output(best)

    def indices(self) -> np.ndarray:
        """PyTorch's ``return_indices``: where each maximum lies, as a flat index into the
        H x W plane of its (sample, channel); int64 of the output's shape."""
        kw = self.kernel[1]
        c, h, w, n = self.in_shape
        taps = self.argmax.reshape(c, *self.out_size, n).astype(np.int64)
        p = np.arange(self.out_size[0])[:, None, None]
        q = np.arange(self.out_size[1])[None, :, None]
        rows = p * self.stride[0] + (taps // kw) * self.dilation[0] - self.padding[0]
        cols = q * self.stride[1] + (taps % kw) * self.dilation[1] - self.padding[1]
        return nchw_view(rows * w + cols, unbatched=self.unbatched).copy()

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        g = self._grad_columns(grad)
        taps = self.kernel[0] * self.kernel[1]
        blocks = _workspace.empty((g.shape[0], taps, g.shape[1]), g.dtype)
        hit = _workspace.empty(g.shape, np.bool_)
        finite = bool(np.isfinite(g).all())
        for k in range(taps):
            np.equal(self.argmax, k, out=hit)
            if finite:
                np.multiply(g, hit, out=blocks[:, k])
            else:  # inf * 0 would put NaN where no gradient goes
                blocks[:, k] = 0
                np.copyto(blocks[:, k], g, where=hit)
        return (self._scatter(blocks),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (MaxPoolScatter(snapshot(self))(grad),)

    def gather(self, x: np.ndarray) -> np.ndarray:
        """Each window's entry at the saved argmax: the pooling with the maxima held fixed."""
        windows = self._windows(x, 0.0)
        picked = np.take_along_axis(windows, self.argmax[:, None, :].astype(np.intp), axis=1)
        return self._output(picked[:, 0])


class AvgPool2dFunction(_Pool):
    """Mean over each window, with PyTorch's divisor rules (``count_include_pad``,
    ``divisor_override``, windows cut at the padded border in ``ceil_mode``)."""

    def __init__(
        self,
        kernel: Pair,
        stride: Pair,
        padding: Pair,
        ceil_mode: bool,
        count_include_pad: bool,
        divisor_override: int | None,
        label: str,
    ) -> None:
        super().__init__(kernel, stride, padding, (1, 1), ceil_mode, label)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x: np.ndarray) -> np.ndarray:
        windows = self._windows(x, 0.0)
        total = np.sum(windows, axis=1, out=_workspace.empty(windows[:, 0].shape, x.dtype))
        self.divisor = self._divisor(self.in_shape[1:3], x.dtype)
        c, n = self.in_shape[0], self.in_shape[3]
        total.reshape(c, *self.out_size, n)[...] /= self.divisor
        return self._output(total)

    def _divisor(self, size: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """(OH, OW, 1) window sizes, as PyTorch counts them."""
        if self.divisor_override is not None:
            return np.full((1, 1, 1), self.divisor_override, dtype=dtype)
        counts = []
        for n, o, k, s, p in zip(
            size, self.out_size, self.kernel, self.stride, self.padding, strict=True
        ):
            start = np.arange(o) * s - p
            end = np.minimum(start + k, n + p)
            if self.count_include_pad:
                counts.append(end - start)
            else:
                counts.append(np.minimum(end, n) - np.maximum(start, 0))
        return np.multiply.outer(counts[0], counts[1])[:, :, None].astype(dtype)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        g = self._grad_columns(grad)
        c, n = self.in_shape[0], self.in_shape[3]
        share = g.reshape(c, *self.out_size, n) / self.divisor
        # Every tap of a window gets the same share: a broadcast view, no copies.
        blocks = np.broadcast_to(
            share[:, None], (c, self.kernel[0] * self.kernel[1], *share.shape[1:])
        )
        return (self._scatter(blocks),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (AvgPoolScatter(snapshot(self))(grad),)


def snapshot(op: Function) -> Any:
    """A detached copy of a pooling op's settings and saved arrays (the op itself is freed
    after backward; the ops of its derivative keep what they need)."""
    copy = object.__new__(type(op))
    copy.__dict__.update(
        (k, v) for k, v in op.__dict__.items() if k not in ("inputs", "needs_grad", "retained")
    )
    return copy


class _PoolScatter(Function):
    """A pooling's backward as an op of the output gradient (the pooling keeps its windows)."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def forward(self, grad: np.ndarray) -> np.ndarray:
        return self.pool.backward(grad)[0]


class MaxPoolScatter(_PoolScatter):
    """Max pooling's backward as an op: each output gradient goes to its window's argmax."""

    pool: MaxPool2dFunction

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (self.pool.gather(grad),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (MaxPoolGather(self.pool)(grad),)


class MaxPoolGather(MaxPoolScatter):
    """The adjoint of :class:`MaxPoolScatter`: pick each window's entry at the argmax."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.pool.gather(x)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return self.pool.backward(grad)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (MaxPoolScatter(self.pool)(grad),)


class AvgPoolScatter(_PoolScatter):
    """Average pooling's backward as an op; its own derivative is the pooling itself."""

    pool: AvgPool2dFunction

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (snapshot(self.pool).forward(grad),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (snapshot(self.pool)(grad),)


def max_pool2d(
    input: Any,  # noqa: A002 - PyTorch's name
    kernel_size: int | Pair,
    stride: int | Pair | None = None,
    padding: int | Pair = 0,
    dilation: int | Pair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    r"""2-D max pooling, as PyTorch's ``max_pool2d``.

    .. math::
        y_{n,c,p,q} = \max_{i,j} x_{n,c,\; s_h p + d_h i - \text{pad}_h,\;
        s_w q + d_w j - \text{pad}_w}

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default 0
        Implicit -inf on both sides, at most half of the kernel extent.
    dilation : int or (int, int), default 1
    ceil_mode : bool, default False
        Round the output size up (the last window may hang over the end).
    return_indices : bool, default False
        Also return where each maximum lies (for :func:`max_unpool2d`).

    Returns
    -------
    Tensor of shape (N, C, OH, OW). The gradient flows to the first maximum of each window.
    With ``return_indices``: ``(output, indices)``, the indices an int64 Tensor of the same
    shape holding ``row * W + column`` of each maximum in its input plane.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn.functional import max_pool2d
    >>> max_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2).numpy()[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    kernel, strides, pad, dil = pool_pairs(kernel_size, stride, padding, dilation)
    op = MaxPool2dFunction(kernel, strides, pad, dil, bool(ceil_mode), "max_pool2d")
    out = op(input)
    return (out, Tensor(op.indices())) if return_indices else out


def avg_pool2d(
    input: Any,  # noqa: A002 - PyTorch's name
    kernel_size: int | Pair,
    stride: int | Pair | None = None,
    padding: int | Pair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    r"""2-D average pooling, as PyTorch's ``avg_pool2d``.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default 0
        Implicit zeros on both sides, at most half of the kernel size.
    ceil_mode : bool, default False
    count_include_pad : bool, default True
        Divide by the window size including the padding (else by the pixels inside).
    divisor_override : int, optional
        Divide every window sum by this instead.

    Returns
    -------
    Tensor of shape (N, C, OH, OW).

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn.functional import avg_pool2d
    >>> avg_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2).numpy()[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    kernel, strides, pad, _ = pool_pairs(kernel_size, stride, padding)
    divisor = check_divisor(divisor_override)
    op = AvgPool2dFunction(
        kernel, strides, pad, bool(ceil_mode), bool(count_include_pad), divisor, "avg_pool2d"
    )
    return op(input)


def check_divisor(divisor_override: Any) -> int | None:
    """``divisor_override`` as None or a positive int."""
    if divisor_override is None:
        return None
    return check_int("divisor_override", divisor_override, low=1)
