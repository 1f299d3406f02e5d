"""Max unpooling: the partial inverse of max pooling, PyTorch's ``max_unpool2d``.

One small op of its own (a scatter whose backward is a gather): composing a scatter from
kobai's ops would need a one-hot matrix per plane, H*W times larger than the input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.nn._im2col import Pair
from kobai.nn._pool_ops import pool_pairs


class MaxUnpool2dFunction(Function):
    """Write each input value at its index in a zero plane of ``size``; backward gathers."""

    def __init__(self, indices: np.ndarray, size: Pair) -> None:
        self.indices, self.size = indices, size

    def forward(self, x: np.ndarray) -> np.ndarray:
        planes = x.shape[:-2]
        flat = self.indices.reshape(*planes, -1)
        out = np.zeros((*planes, self.size[0] * self.size[1]), dtype=x.dtype)
        np.put_along_axis(out, flat, x.reshape(*planes, -1), axis=-1)
        self.shape = x.shape
        return out.reshape(*planes, *self.size)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        planes = grad.shape[:-2]
        flat = self.indices.reshape(*planes, -1)
        g = np.take_along_axis(grad.reshape(*planes, -1), flat, axis=-1)
        return (g.reshape(self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (UnpoolGather(self.indices, self.size, self.shape)(grad),)


class UnpoolGather(Function):
    """Max unpooling's backward as an op (a gather); its own backward is the scatter again."""

    def __init__(self, indices: np.ndarray, size: Pair, shape: tuple[int, ...]) -> None:
        self.indices, self.size, self.shape = indices, size, shape

    def forward(self, grad: np.ndarray) -> np.ndarray:
        planes = grad.shape[:-2]
        flat = self.indices.reshape(*planes, -1)
        return np.take_along_axis(grad.reshape(*planes, -1), flat, axis=-1).reshape(self.shape)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (MaxUnpool2dFunction(self.indices, self.size).forward(grad),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (MaxUnpool2dFunction(self.indices, self.size)(grad),)


def unpool_size(
    in_size: tuple[int, ...], kernel: Pair, stride: Pair, padding: Pair, output_size: Any
) -> Pair:
    """The output (H, W) of max unpooling: PyTorch's default ``(in - 1) * stride - 2 * pad +
    kernel``, or ``output_size`` (2 or 4 numbers) when it lies within a stride of it."""
    default = [
        (n - 1) * s - 2 * p + k for n, s, p, k in zip(in_size, stride, padding, kernel, strict=True)
    ]
    if output_size is None:
        return (default[0], default[1])
    sizes = [int(n) for n in output_size]
    if len(sizes) == 4:
        sizes = sizes[2:]
    if len(sizes) != 2:
        raise ValueError(
            f"output_size should be a sequence containing 2 or 4 elements, but it has a length "
            f"of '{len(sizes)}'"
        )
    for d in range(2):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < sizes[d] < high:
            raise ValueError(
                f'invalid output_size "{sizes}" (dim {d} must be between {low} and {high})'
            )
    return (sizes[0], sizes[1])


def max_unpool2d(
    input: Any,  # noqa: A002 - PyTorch's name
    indices: Any,
    kernel_size: int | Pair,
    stride: int | Pair | None = None,
    padding: int | Pair = 0,
    output_size: Any = None,
) -> Tensor:
    r"""Undo :func:`max_pool2d` as far as it can be undone (PyTorch's ``max_unpool2d``).

    Every value of ``input`` is written where ``indices`` says its maximum came from; the
    rest of the output is 0. The gradient of each input value is the output gradient at its
    index.

    Parameters
    ----------
    input : Tensor of shape (N, C, H, W) or (C, H, W)
        Pooled values.
    indices : int array or Tensor of the same shape
        From ``max_pool2d(..., return_indices=True)``: flat indices into each output plane.
    kernel_size, stride, padding : as given to the pooling
    output_size : sequence of int, optional
        (OH, OW) or (N, C, OH, OW); picks among the sizes a strided pooling maps to the same
        size (within a stride of the default).

    Returns
    -------
    Tensor of shape (N, C, OH, OW), :math:`OH = (H - 1)\,\text{stride} - 2\,\text{padding}
    + \text{kernel}` unless ``output_size`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn.functional import max_pool2d, max_unpool2d
    >>> x = np.array([[[[1.0, 2.0], [4.0, 3.0]]]])
    >>> y, i = max_pool2d(x, 2, return_indices=True)
    >>> max_unpool2d(y, i, 2).numpy()[0, 0]
    array([[0., 0.],
           [4., 0.]])
    """
    kernel, strides, pad, _ = pool_pairs(kernel_size, stride, padding)
    shape = input.shape if isinstance(input, Tensor) else np.shape(input)
    idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if len(shape) not in (3, 4):
        raise ValueError(f"max_unpool2d expected input (N, C, H, W) or (C, H, W), got {shape}")
    if idx.shape != tuple(shape) or idx.dtype.kind not in "iu":
        raise ValueError(
            f"max_unpool2d: indices must be integers of the input's shape {tuple(shape)}, got "
            f"shape {idx.shape} and dtype {idx.dtype}"
        )
    size = unpool_size(tuple(shape[-2:]), kernel, strides, pad, output_size)
    if idx.size and (idx.min() < 0 or idx.max() >= size[0] * size[1]):
        raise ValueError(
            f"max_unpool2d: found an invalid max index {idx.max() if idx.max() >= 0 else idx.min()}"
            f" for an output of size {size}"
        )
    return MaxUnpool2dFunction(idx.astype(np.int64, copy=False), size)(input)
