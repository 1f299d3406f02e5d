"""Normalisation layers: BatchNorm1d, BatchNorm2d, LayerNorm and GroupNorm."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.nn._norm_ops import group_norm, layer_norm, normalized_shape_of
from kobai.nn._ops import batch_norm
from kobai.nn._validation import check_dtype, float_dtype, shape_of
from kobai.nn.module import Module
from kobai.nn.parameter import Parameter
from kobai.validation import Maybe, Real, check_bool, check_int, check_real


def _affine_parameters(module: Module, shape: Any, affine: bool, bias: Any, dtype: Any) -> None:
    """Register ``weight`` (ones) and ``bias`` (zeros) of ``shape``, each None where the
    layer has no affine transform (or, for ``bias``, where it is switched off)."""
    if affine:
        module.weight = Parameter(np.ones(shape, dtype=dtype))
    else:
        module.register_parameter("weight", None)
    if affine and check_bool("bias", bias):
        module.bias = Parameter(np.zeros(shape, dtype=dtype))
    else:
        module.register_parameter("bias", None)


class _BatchNorm(Module):
    """Shared body of BatchNorm1d/2d; subclasses say which input ranks they accept."""

    ranks: tuple[int, ...] = ()
    layout = ""
    weight: Parameter | None
    bias: Parameter | None
    # weight and bias scale and shift normalised values: nn.init.initialize_ leaves them alone
    scale_and_shift = True
    running_mean: np.ndarray | None
    running_var: np.ndarray | None
    num_batches_tracked: np.ndarray | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.num_features = check_int("num_features", num_features, low=1)
        self.eps = check_real("eps", eps, low=0.0, low_open=True)
        self.momentum = Maybe(Real(0, 1)).check("momentum", momentum)
        self.affine = check_bool("affine", affine)
        self.track_running_stats = check_bool("track_running_stats", track_running_stats)
        dtype = float_dtype(dtype)
        _affine_parameters(self, num_features, self.affine, True, dtype)
        if self.track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batch tracked."""
        if self.running_mean is not None and self.running_var is not None:
            self.running_mean.fill(0)
            self.running_var.fill(1)
        if self.num_batches_tracked is not None:
            self.num_batches_tracked.fill(0)

    def forward(self, x: Any) -> Tensor:
        self._check_input(x)
        dtype = self.running_mean.dtype if self.running_mean is not None else None
        dtype = self.weight.dtype if self.weight is not None else dtype
        if dtype is not None:
            check_dtype(repr(self), x, dtype)
        momentum = self.momentum
        if self.training and self.num_batches_tracked is not None:
            self.num_batches_tracked += 1
            if momentum is None:  # cumulative moving average, as PyTorch
                momentum = 1.0 / float(self.num_batches_tracked)
        weight: Tensor | None = self.weight
        bias: Tensor | None = self.bias
        if weight is None or bias is None:
            ones = np.ones(self.num_features, dtype=getattr(x, "dtype", np.float32))
            weight, bias = Tensor(ones), Tensor(np.zeros_like(ones))
        return batch_norm(
            x,
            self.running_mean,
            self.running_var,
            weight,
            bias,
            training=self.training or not self.track_running_stats,
            momentum=momentum if momentum is not None else 0.0,
            eps=self.eps,
        )

    def _check_input(self, x: Any) -> None:
        shape = shape_of(x)
        name = f"{type(self).__name__}({self.num_features})"
        if len(shape) not in self.ranks or shape[1] != self.num_features:
            raise ValueError(
                f"{name} expected input {self.layout} with C = {self.num_features}, got {shape}"
            )
        if self.training and int(np.prod(shape)) // shape[1] <= 1:
            raise ValueError(
                f"{name} needs more than one value per channel in training mode, got input "
                f"of shape {shape}"
            )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs (PyTorch's ``torch.nn.BatchNorm1d``).

    .. math::

        y = \\frac{x - \\mathrm{E}[x]}{\\sqrt{\\mathrm{Var}[x] + \\epsilon}} \\gamma + \\beta

    In training the mean and the *biased* variance are those of the batch (over N, and L);
    the running statistics are updated as
    :math:`\\hat x_{new} = (1 - momentum) \\hat x + momentum \\cdot x_t` with the *unbiased*
    batch variance. In evaluation (``eval()``) the running statistics are used.

    Parameters
    ----------
    num_features : int
        C, the number of channels.
    eps : float, default 1e-5
    momentum : float or None, default 0.1
        None: cumulative average over all batches seen.
    affine : bool, default True
        Learn :math:`\\gamma` (``weight``, starts at 1) and :math:`\\beta` (``bias``, 0).
    track_running_stats : bool, default True
        Keep ``running_mean`` (starts at 0), ``running_var`` (starts at 1) and
        ``num_batches_tracked`` buffers; without them batch statistics are used always.
    dtype : dtype, default float32, keyword-only

    References
    ----------
    S. Ioffe and C. Szegedy, "Batch normalization: accelerating deep network training by
    reducing internal covariate shift", ICML 2015.
    """

    ranks = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs (PyTorch's ``torch.nn.BatchNorm2d``).

    Statistics per channel over N, H and W; otherwise as :class:`BatchNorm1d`.

    .. math::

        y = \\frac{x - \\mathrm{E}[x]}{\\sqrt{\\mathrm{Var}[x] + \\epsilon}} \\gamma + \\beta
    """

    ranks = (4,)
    layout = "(N, C, H, W)"


class LayerNorm(Module):
    """Layer normalisation over the last axes of each sample (PyTorch's ``torch.nn.LayerNorm``).

    .. math:: y = \\frac{x - \\mathrm{E}[x]}{\\sqrt{\\mathrm{Var}[x] + \\epsilon}} \\gamma + \\beta

    The mean and the biased variance are taken over the trailing ``normalized_shape`` axes,
    per sample, in training and evaluation alike (no running statistics).

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The trailing shape of the input that is normalised.
    eps : float > 0, default 1e-5
    elementwise_affine : bool, default True
        Learn :math:`\\gamma` (``weight``, starts at 1) and :math:`\\beta` (``bias``, 0), of
        shape ``normalized_shape``.
    bias : bool, default True
        Learn :math:`\\beta` as well (with ``elementwise_affine``).
    dtype : dtype, default float32, keyword-only

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> y = nn.LayerNorm(4)(np.array([[1.0, 2.0, 3.0, 4.0]], dtype=np.float32))
    >>> np.round(y.numpy(), 3)
    array([[-1.342, -0.447,  0.447,  1.342]], dtype=float32)
    """

    weight: Parameter | None
    bias: Parameter | None
    # weight and bias scale and shift normalised values: nn.init.initialize_ leaves them alone
    scale_and_shift = True

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.normalized_shape = normalized_shape_of(normalized_shape)
        self.eps = check_real("eps", eps, low=0.0, low_open=True)
        self.elementwise_affine = check_bool("elementwise_affine", elementwise_affine)
        dtype = float_dtype(dtype)
        _affine_parameters(self, self.normalized_shape, self.elementwise_affine, bias, dtype)

    def forward(self, x: Any) -> Tensor:
        if self.weight is not None:
            check_dtype(repr(self), x, self.weight.dtype)
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class GroupNorm(Module):
    """Group normalisation (PyTorch's ``torch.nn.GroupNorm``): each sample's channels are split
    into ``num_groups`` groups, standardised over the group's channels and positions, then
    scaled and shifted per channel.

    .. math:: y = \\frac{x - \\mathrm{E}_g[x]}{\\sqrt{\\mathrm{Var}_g[x] + \\epsilon}} \\gamma_c
        + \\beta_c

    ``num_groups = 1`` normalises whole samples (like :class:`LayerNorm` over (C, *), with
    per-channel affine parameters); ``num_groups = C`` is instance normalisation.

    Parameters
    ----------
    num_groups : int
        Must divide ``num_channels``.
    num_channels : int
        C.
    eps : float > 0, default 1e-5
    affine : bool, default True
        Learn per-channel :math:`\\gamma` (``weight``, 1) and :math:`\\beta` (``bias``, 0).
    dtype : dtype, default float32, keyword-only
    bias : bool, default True, keyword-only
        Learn :math:`\\beta` as well (with ``affine``).

    Shape
    -----
    input (N, C, *) -> output of the same shape.
    """

    weight: Parameter | None
    bias: Parameter | None
    # weight and bias scale and shift normalised values: nn.init.initialize_ leaves them alone
    scale_and_shift = True

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        *,
        dtype: Any = np.float32,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_groups = check_int("num_groups", num_groups, low=1)
        self.num_channels = check_int("num_channels", num_channels, low=1)
        if self.num_channels % self.num_groups:
            raise ValueError(
                f"num_channels must be divisible by num_groups, got {num_channels} and {num_groups}"
            )
        self.eps = check_real("eps", eps, low=0.0, low_open=True)
        self.affine = check_bool("affine", affine)
        dtype = float_dtype(dtype)
        _affine_parameters(self, self.num_channels, self.affine, bias, dtype)

    def forward(self, x: Any) -> Tensor:
        shape = shape_of(x)
        if len(shape) < 2 or shape[1] != self.num_channels:
            raise ValueError(f"{self!r} expected input (N, {self.num_channels}, *), got {shape}")
        if self.weight is not None:
            check_dtype(repr(self), x, self.weight.dtype)
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
