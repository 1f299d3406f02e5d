"""Pooling layers: MaxPool2d, AvgPool2d and MaxUnpool2d (PyTorch's names, arguments and
printing)."""

from __future__ import annotations

from typing import Any

from kobai.autograd.tensor import Tensor
from kobai.nn._im2col import Pair
from kobai.nn._pool_ops import AvgPool2dFunction, MaxPool2dFunction, check_divisor, pool_pairs
from kobai.nn._unpool_ops import max_unpool2d
from kobai.nn._validation import boolean
from kobai.nn.module import Module


class MaxPool2d(Module):
    r"""2-D max pooling (PyTorch's ``torch.nn.MaxPool2d``).

    .. math::
        y_{n,c,p,q} = \max_{i,j} x_{n,c,\; s_h p + d_h i - \text{pad}_h,\;
        s_w q + d_w j - \text{pad}_w}

    The gradient of each output goes to the first maximum of its window; padding counts as
    :math:`-\infty`.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size`` (non-overlapping windows).
    padding : int or (int, int), default 0
        At most half of the (dilated) kernel.
    dilation : int or (int, int), default 1
    return_indices : bool, default False
        Also return where each maximum lies (flat ``row * W + column`` indices into each
        input plane), for :class:`MaxUnpool2d`.
    ceil_mode : bool, default False
        Round the output size up, so that no input row or column at the end is dropped.

    Shape
    -----
    input (N, C, H, W) or (C, H, W) -> output (N, C, OH, OW), :math:`OH = \lfloor (H +
    2\,\text{padding} - \text{dilation}\,(k_h - 1) - 1) / \text{stride} \rfloor + 1`
    (rounded up with ``ceil_mode``).

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> pool = nn.MaxPool2d(2)
    >>> pool
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> pool(np.arange(16.0).reshape(1, 1, 4, 4)).numpy()[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """

    def __init__(
        self,
        kernel_size: int | Pair,
        stride: int | Pair | None = None,
        padding: int | Pair = 0,
        dilation: int | Pair = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self._pairs = pool_pairs(kernel_size, stride, padding, dilation)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices = boolean("return_indices", return_indices)
        self.ceil_mode = boolean("ceil_mode", ceil_mode)

    def forward(self, x: Any) -> Any:
        op = MaxPool2dFunction(*self._pairs, self.ceil_mode, f"MaxPool2d({self.extra_repr()})")
        out = op(x)
        return (out, Tensor(op.indices())) if self.return_indices else out

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    r"""2-D average pooling (PyTorch's ``torch.nn.AvgPool2d``).

    .. math::
        y_{n,c,p,q} = \frac{1}{|w_{p,q}|} \sum_{i,j} x_{n,c,\; s_h p + i - \text{pad}_h,\;
        s_w q + j - \text{pad}_w}

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default 0
        Zeros on both sides, at most half of the kernel.
    ceil_mode : bool, default False
        Round the output size up.
    count_include_pad : bool, default True
        :math:`|w_{p,q}|` counts the padding zeros (else only the pixels of the input).
    divisor_override : int, optional
        Divide every window sum by this number instead.

    Shape
    -----
    input (N, C, H, W) or (C, H, W) -> output (N, C, OH, OW).

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> nn.AvgPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4)).numpy()[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """

    def __init__(
        self,
        kernel_size: int | Pair,
        stride: int | Pair | None = None,
        padding: int | Pair = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self._pairs = pool_pairs(kernel_size, stride, padding)[:3]
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = boolean("ceil_mode", ceil_mode)
        self.count_include_pad = boolean("count_include_pad", count_include_pad)
        self.divisor_override = check_divisor(divisor_override)

    def forward(self, x: Any) -> Tensor:
        op = AvgPool2dFunction(
            *self._pairs,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
            f"AvgPool2d({self.extra_repr()})",
        )
        return op(x)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(Module):
    r"""Partial inverse of :class:`MaxPool2d` (PyTorch's ``torch.nn.MaxUnpool2d``).

    Puts each value back where ``MaxPool2d(..., return_indices=True)`` found it; every
    other output value is 0. See :func:`kobai.nn.functional.max_unpool2d`.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default 0

    Shape
    -----
    ``forward(input, indices, output_size=None)``: input and indices (N, C, H, W) -> output
    (N, C, OH, OW), :math:`OH = (H - 1)\,\text{stride} - 2\,\text{padding} + k_h` unless
    ``output_size`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    >>> y, indices = pool(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> unpool(y, indices).numpy()[0, 0]
    array([[ 0.,  0.,  0.,  0.],
           [ 0.,  5.,  0.,  7.],
           [ 0.,  0.,  0.,  0.],
           [ 0., 13.,  0., 15.]])
    """

    def __init__(
        self, kernel_size: int | Pair, stride: int | Pair | None = None, padding: int | Pair = 0
    ) -> None:
        super().__init__()
        pool_pairs(kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, input: Any, indices: Any, output_size: Any = None) -> Tensor:
        return max_unpool2d(
            input, indices, self.kernel_size, self.stride, self.padding, output_size
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
