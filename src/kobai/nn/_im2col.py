"""im2col and col2im: the array plumbing under convolution and pooling.

Every convolution here is one matrix product between the weight and a "column" matrix whose
rows are the kernel taps ``(channel, i, j)`` and whose columns are the output positions. The
columns are ordered ``(OH, OW, N)``, batch fastest, and images are handled as ``(C, H, W, N)``:
the copies and adds then run along the batch axis, which is long and contiguous, instead of
along the short rows of a small feature map. Outputs are returned as ``(N, C, H, W)`` *views*
of that memory (like PyTorch's channels-last format), so a stack of convolutions and
element-wise activations never converts between the two layouts. Zero padding is never
materialised: each kernel tap copies (im2col) or adds (col2im) only the box of outputs that
meets real input. Large arrays come from :mod:`kobai.nn._workspace`, which recycles them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from kobai.nn import _workspace
from kobai.validation import is_integer

Pair = tuple[int, int]
Pads = tuple[int, int, int, int]  # top, bottom, left, right


def to_pair(value: Any, name: str, *, minimum: int) -> Pair:
    """``value`` (an int or a pair of ints) as a pair, each ``>= minimum``."""
    if is_integer(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(is_integer(v) for v in value):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return pair


def conv_output_size(size: int, pad: int, kernel: int, stride: int, dilation: int) -> int:
    """Output length of a convolution along one axis (``pad`` is the total of both sides)."""
    return (size + pad - dilation * (kernel - 1) - 1) // stride + 1


def pool_output_size(
    size: int, pad: int, kernel: int, stride: int, dilation: int, ceil_mode: bool
) -> int:
    """Output length of a pooling window along one axis, PyTorch's rule for ``ceil_mode``.

    With ``ceil_mode`` the last window may hang over the end, but it must start inside the
    input or the left padding.
    """
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def contiguous(a: np.ndarray) -> np.ndarray:
    """``a`` if C-contiguous, else a (recycled) contiguous copy."""
    if a.flags.c_contiguous:
        return a
    out = _workspace.empty(a.shape, a.dtype)
    np.copyto(out, a)
    return out


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for stacks of matrices (one BLAS product per group), into a recycled array."""
    out = _workspace.empty((*a.shape[:-1], b.shape[-1]), np.result_type(a, b))
    return np.matmul(a, b, out=out)


def nchw_view(a: np.ndarray, *, unbatched: bool) -> np.ndarray:
    """The ``(N, C, H, W)`` view of a ``(C, H, W, N)`` array; ``(C, H, W)`` if ``unbatched``
    (N is then 1: the op was given a single image)."""
    out = a.transpose(3, 0, 1, 2)
    return out[0] if unbatched else out


def chwn_view(x: np.ndarray) -> np.ndarray:
    """The (C, H, W, N) view of an (N, C, H, W) array."""
    return x.transpose(1, 2, 3, 0)


def _valid(offset: int, stride: int, pad: int, size: int, out: int) -> tuple[int, int, int]:
    """Outputs ``[lo, hi)`` whose input ``o * stride + offset - pad`` lies in ``[0, size)``,
    and the input index of ``lo``."""
    lo = max(0, -((offset - pad) // stride))
    hi = min(out, (size - 1 + pad - offset) // stride + 1)
    return lo, max(lo, hi), lo * stride + offset - pad


def _tap_boxes(
    size: tuple[int, int],
    kernel: Pair,
    stride: Pair,
    dilation: Pair,
    pads: Pads,
    out_size: Pair,
) -> list[tuple[int, int, tuple[slice, slice], tuple[slice, slice]]]:
    """For each kernel tap ``(i, j)``: the output box that reads real (unpadded) input, and
    the input rows/columns it reads, as slices."""
    boxes = []
    for i in range(kernel[0]):
        r0, r1, r = _valid(i * dilation[0], stride[0], pads[0], size[0], out_size[0])
        for j in range(kernel[1]):
            c0, c1, c = _valid(j * dilation[1], stride[1], pads[2], size[1], out_size[1])
            outputs = (slice(r0, r1), slice(c0, c1))
            inputs = (
                slice(r, r + stride[0] * (r1 - r0 - 1) + 1 if r1 > r0 else r, stride[0]),
                slice(c, c + stride[1] * (c1 - c0 - 1) + 1 if c1 > c0 else c, stride[1]),
            )
            boxes.append((i, j, outputs, inputs))
    return boxes


def im2col(
    x: np.ndarray,
    kernel: Pair,
    stride: Pair,
    dilation: Pair,
    pads: Pads,
    out_size: Pair,
    fill: float = 0.0,
) -> np.ndarray:
    """Column matrix of shape (C * kh * kw, OH * OW * N) of a (C, H, W, N) input.

    When every window lies inside the input it is one copy through a strided window view;
    otherwise each tap copies the box of outputs that sees real input and sets the rest to
    ``fill`` (no padded copy of the input is made). Only the top and left padding are given
    explicitly: ``out_size`` says where the windows end.
    """
    c, h, w, n = x.shape
    (kh, kw), (oh, ow) = kernel, out_size
    inside = all(
        (o - 1) * s + d * (k - 1) < size
        for o, s, d, k, size in zip(out_size, stride, dilation, kernel, (h, w), strict=True)
    )
    if pads[0] == pads[2] == 0 and inside:
        s_c, s_h, s_w, s_n = x.strides
        windows = as_strided(
            x,
            shape=(c, kh, kw, oh, ow, n),
            strides=(
                s_c,
                s_h * dilation[0],
                s_w * dilation[1],
                s_h * stride[0],
                s_w * stride[1],
                s_n,
            ),
            writeable=False,
        )
        cols = _workspace.empty(windows.shape, x.dtype)
        np.copyto(cols, windows)
        return cols.reshape(c * kh * kw, oh * ow * n)
    cols = _workspace.empty((c, kh, kw, oh, ow, n), x.dtype)
    for i, j, (rows, columns), (src_rows, src_cols) in _tap_boxes(
        (h, w), kernel, stride, dilation, pads, out_size
    ):
        block = cols[:, i, j]
        block[:, : rows.start] = fill
        block[:, rows.stop :] = fill
        block[:, rows, : columns.start] = fill
        block[:, rows, columns.stop :] = fill
        block[:, rows, columns] = x[:, src_rows, src_cols]
    return cols.reshape(c * kh * kw, oh * ow * n)


def col2im(
    cols: np.ndarray,
    shape: tuple[int, int, int, int],
    kernel: Pair,
    stride: Pair,
    dilation: Pair,
    pads: Pads,
    out_size: Pair,
) -> np.ndarray:
    """Adjoint of :func:`im2col`: add each column entry back to the input pixel it came from.

    ``cols`` (C * kh * kw, OH * OW * N), or any array with that layout such as
    (C, kh * kw, OH * OW * N) or a broadcast view -> a new contiguous (C, H, W, N) array of
    ``shape``; entries that fall in the padding are dropped. One add per kernel tap.
    """
    c, h, w, n = shape
    blocks = cols.reshape(c, *kernel, *out_size, n)
    boxes = [
        box
        for box in _tap_boxes((h, w), kernel, stride, dilation, pads, out_size)
        if box[2][0].stop > box[2][0].start and box[2][1].stop > box[2][1].start
    ]
    if stride != (1, 1):
        return _col2im_by_phase(blocks, shape, stride, boxes)
    out = _workspace.zeros(shape, blocks.dtype)
    for i, j, (rows, columns), (dst_rows, dst_cols) in boxes:
        out[:, dst_rows, dst_cols] += blocks[:, i, j, rows, columns]
    return out


def _col2im_by_phase(
    blocks: np.ndarray, shape: tuple[int, int, int, int], stride: Pair, boxes: list[Any]
) -> np.ndarray:
    """col2im for stride ``s > 1``: a tap only reaches the pixels of one phase
    ``(h mod s_h, w mod s_w)``. Each phase is accumulated in its own contiguous array, where
    a tap is a plain box (NumPy adds those several times faster than stride-``s`` views),
    and the phases are then copied into place."""
    c, h, w, n = shape
    sh, sw = stride
    phases: dict[tuple[int, int], np.ndarray] = {}
    for i, j, (rows, columns), (dst_rows, dst_cols) in boxes:
        (u, a), (v, b) = divmod(dst_rows.start, sh), divmod(dst_cols.start, sw)
        if (a, b) not in phases:
            phase_shape = (c, -(-(h - a) // sh), -(-(w - b) // sw), n)
            phases[(a, b)] = _workspace.zeros(phase_shape, blocks.dtype)
        u_box = slice(u, u + rows.stop - rows.start)
        v_box = slice(v, v + columns.stop - columns.start)
        phases[(a, b)][:, u_box, v_box] += blocks[:, i, j, rows, columns]
    # A phase that no tap reaches stays zero.
    every_phase = len(phases) == min(sh, h) * min(sw, w)
    out = (_workspace.empty if every_phase else _workspace.zeros)(shape, blocks.dtype)
    for (a, b), phase in phases.items():
        out[:, a::sh, b::sw] = phase
    return out
