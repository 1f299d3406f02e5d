"""Convolution layers: Conv2d and ConvTranspose2d (PyTorch's names, shapes and defaults)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.backend import as_rng
from kobai.nn import init
from kobai.nn._conv_ops import (
    Conv2dFunction,
    ConvTranspose2dFunction,
    check_groups,
    check_output_padding,
    conv_pads,
)
from kobai.nn._im2col import Pair, to_pair
from kobai.nn._pad_ops import pad
from kobai.nn._validation import (
    boolean,
    check_dtype,
    float_dtype,
    positive_int,
    shape_of,
    weight_array,
)
from kobai.nn.module import Module
from kobai.nn.parameter import Parameter

if TYPE_CHECKING:
    from kobai.backend import RNG

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _padding_mode(mode: Any, allowed: tuple[str, ...] = PADDING_MODES) -> str:
    if mode not in allowed:
        raise ValueError(
            f"padding_mode must be one of {', '.join(map(repr, allowed))}, got {mode!r}"
        )
    return str(mode)


class _ConvBase(Module):
    """Arguments, parameters and printing shared by the two convolution layers."""

    weight: Parameter
    bias: Parameter | None
    padding: Pair | str
    padding_mode: str

    def _setup(
        self,
        in_channels: Any,
        out_channels: Any,
        kernel_size: Any,
        stride: Any,
        dilation: Any,
        groups: Any,
    ) -> None:
        self.in_channels = positive_int("in_channels", in_channels)
        self.out_channels = positive_int("out_channels", out_channels)
        self.kernel_size: Pair = to_pair(kernel_size, "kernel_size", minimum=1)
        self.stride: Pair = to_pair(stride, "stride", minimum=1)
        self.dilation: Pair = to_pair(dilation, "dilation", minimum=1)
        self.groups = check_groups(groups, self.in_channels, self.out_channels)

    def _make_parameters(self, shape: tuple[int, ...], bias: Any, dtype: Any, rng: RNG) -> None:
        dtype = float_dtype(dtype)
        self.weight = Parameter(weight_array(type(self).__name__, shape, dtype))
        if boolean("bias", bias):
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng=rng)

    def reset_parameters(self, *, rng: RNG = None) -> None:
        """Draw the initial values again (PyTorch's default initialisation).

        Weight :math:`U(-1/\\sqrt{k}, 1/\\sqrt{k})` via ``kaiming_uniform_(a=sqrt(5))`` and
        bias :math:`U(-1/\\sqrt{k}, 1/\\sqrt{k})`, with :math:`k = \\text{weight.shape[1]}
        \\cdot k_h k_w` (for the transposed layer that is ``out_channels / groups``, as in
        PyTorch).
        """
        init.default_linear_(self.weight, self.bias, rng=as_rng(rng))

    def _name(self) -> str:
        return (
            f"{type(self).__name__}({self.in_channels} -> {self.out_channels}, "
            f"kernel_size={self.kernel_size})"
        )

    def _function(self, label: str) -> Function:
        """The op of one forward pass (each layer's own)."""
        raise NotImplementedError

    def forward(self, x: Any) -> Tensor:
        label = self._name()
        check_dtype(label, x, self.weight.dtype)
        operands = (x, self.weight) if self.bias is None else (x, self.weight, self.bias)
        return self._function(label)(*operands)

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        output_padding = getattr(self, "output_padding", (0, 0))
        if output_padding != (0, 0):
            s += f", output_padding={output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvBase):
    r"""2-D convolution over a batch of images (PyTorch's ``torch.nn.Conv2d``).

    .. math::
        y_{n,o} = b_o + \sum_{c \in \text{group}(o)} W_{o,c} \star x_{n,c}

    where :math:`\star` is cross-correlation with the given stride, zero padding and
    dilation. Computed by im2col and one matrix product; see :func:`kobai.nn.functional.conv2d`.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : int, (int, int), "valid" or "same", default 0
        Zeros added on both sides. ``"same"`` keeps H and W (stride 1 only; an odd total goes
        to the bottom/right, as in PyTorch).
    dilation : int or (int, int), default 1
    groups : int, default 1
        Split the channels into independent groups; both channel counts must be divisible
        by it. ``groups = in_channels`` is a depthwise convolution.
    bias : bool, default True
    padding_mode : {"zeros", "reflect", "replicate", "circular"}, default "zeros"
        What the padding holds: zeros, or the input mirrored, its edge repeated, or wrapped
        around (see :func:`kobai.nn.functional.pad`).
    rng : np.random.Generator, int or None, keyword-only
        Generator (or seed) of the initial values.
    dtype : dtype, default float32, keyword-only

    Attributes
    ----------
    weight : Parameter of shape (out_channels, in_channels / groups, kh, kw)
    bias : Parameter of shape (out_channels,) or None

    Shape
    -----
    input (N, in_channels, H, W) or (in_channels, H, W) -> output (N, out_channels, OH, OW),
    :math:`OH = \lfloor (H + 2\,\text{padding} - \text{dilation}\,(k_h - 1) - 1) /
    \text{stride} \rfloor + 1`.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> conv = nn.Conv2d(1, 16, 3, stride=2, padding=1, rng=0)
    >>> conv
    Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
    >>> conv(np.zeros((8, 1, 28, 28), dtype=np.float32)).shape
    (8, 16, 14, 14)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Pair,
        stride: int | Pair = 1,
        padding: int | Pair | str = 0,
        dilation: int | Pair = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        rng: RNG = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self._setup(in_channels, out_channels, kernel_size, stride, dilation, groups)
        self.padding_mode = _padding_mode(padding_mode)
        self._pads = conv_pads(padding, self.kernel_size, self.stride, self.dilation)
        self.padding = (
            padding if isinstance(padding, str) else to_pair(padding, "padding", minimum=0)
        )
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self._make_parameters(shape, bias, dtype, rng)

    def _function(self, label: str) -> Function:
        pads = self._pads if self.padding_mode == "zeros" else (0, 0, 0, 0)
        return Conv2dFunction(self.stride, pads, self.dilation, self.groups, label)

    def forward(self, x: Any) -> Tensor:
        if self.padding_mode != "zeros":
            # As PyTorch: pad explicitly in the mode, then convolve without padding.
            check_dtype(self._name(), x, self.weight.dtype)
            top, bottom, left, right = self._pads
            x = pad(x, (left, right, top, bottom), mode=self.padding_mode)
        return super().forward(x)


class ConvTranspose2d(_ConvBase):
    r"""Transposed 2-D convolution (PyTorch's ``torch.nn.ConvTranspose2d``).

    The adjoint (gradient) of :class:`Conv2d` with the same weight: it maps a
    ``Conv2d``-sized output back to the input size, so it upsamples when ``stride > 1``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : int or (int, int), default 0
        Rows/columns removed from both sides of the output.
    output_padding : int or (int, int), default 0
        Extra rows/columns at the bottom/right of the output, to pick among the input sizes
        that a strided ``Conv2d`` maps to the same size; smaller than the stride or the
        dilation. ``forward(x, output_size=...)`` picks it from the wanted size instead.
    groups : int, default 1
    bias : bool, default True
    dilation : int or (int, int), default 1
    padding_mode : {"zeros"}, default "zeros"
        The only mode PyTorch has for transposed convolutions.
    rng : np.random.Generator, int or None, keyword-only
    dtype : dtype, default float32, keyword-only

    Attributes
    ----------
    weight : Parameter of shape (in_channels, out_channels / groups, kh, kw)
    bias : Parameter of shape (out_channels,) or None

    Shape
    -----
    input (N, in_channels, H, W) or (in_channels, H, W) -> output (N, out_channels, OH, OW),
    :math:`OH = (H - 1)\,\text{stride} - 2\,\text{padding} + \text{dilation}\,(k_h - 1)
    + \text{output\_padding} + 1`.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> up = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1, rng=0)
    >>> up(np.zeros((8, 32, 7, 7), dtype=np.float32)).shape
    (8, 16, 14, 14)
    """

    padding: Pair

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Pair,
        stride: int | Pair = 1,
        padding: int | Pair = 0,
        output_padding: int | Pair = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | Pair = 1,
        padding_mode: str = "zeros",
        *,
        rng: RNG = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self._setup(in_channels, out_channels, kernel_size, stride, dilation, groups)
        self.padding_mode = _padding_mode(padding_mode, ("zeros",))  # PyTorch's only one here
        self.padding = to_pair(padding, "padding", minimum=0)
        self.output_padding = to_pair(output_padding, "output_padding", minimum=0)
        check_output_padding(self.output_padding, self.stride, self.dilation)
        self._output_padding = self.output_padding
        shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        self._make_parameters(shape, bias, dtype, rng)

    def _function(self, label: str) -> Function:
        return ConvTranspose2dFunction(
            self.stride, self.padding, self._output_padding, self.dilation, self.groups, label
        )

    def forward(self, x: Any, output_size: Any = None) -> Tensor:
        """The transposed convolution of ``x``; ``output_size`` ((OH, OW), or a full
        (N, C, OH, OW)) picks the output padding that gives that size, as in PyTorch."""
        self._output_padding = self.output_padding
        if output_size is not None:
            self._output_padding = transposed_output_padding(
                shape_of(x), output_size, self.stride, self.padding, self.kernel_size, self.dilation
            )
        return super().forward(x)


def transposed_output_padding(
    shape: tuple[int, ...],
    output_size: Any,
    stride: Pair,
    padding: Pair,
    kernel: Pair,
    dilation: Pair,
) -> Pair:
    """The output padding that makes a transposed convolution of an input of ``shape`` give
    ``output_size`` ((OH, OW) or the full shape), with PyTorch's checks and messages."""
    leading = len(shape) - 2
    sizes = tuple(int(n) for n in output_size)
    if len(sizes) == leading + 2:
        sizes = sizes[leading:]
    if len(sizes) != 2:
        raise ValueError(
            f"ConvTranspose2D: for {len(shape)}D input, output_size must have 2 or "
            f"{leading + 2} elements (got {len(sizes)})"
        )
    smallest = [
        (n - 1) * s - 2 * p + d * (k - 1) + 1
        for n, s, p, d, k in zip(shape[-2:], stride, padding, dilation, kernel, strict=True)
    ]
    largest = [m + s - 1 for m, s in zip(smallest, stride, strict=True)]
    if any(not lo <= n <= hi for n, lo, hi in zip(sizes, smallest, largest, strict=True)):
        raise ValueError(
            f"requested an output size of {list(sizes)}, but valid sizes range from {smallest} "
            f"to {largest} (for an input of {tuple(shape[-2:])})"
        )
    return (sizes[0] - smallest[0], sizes[1] - smallest[1])
