"""Layer and group normalisation, made of kobai's differentiable ops.

Both standardise groups of values with their own (biased) mean and variance, then scale and
shift: ``(x - mean) * (var + eps) ** -0.5 * weight + bias``. Being compositions of autograd
ops, their gradients (and any derivative of those) come from the ops.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.tensor import Tensor
from kobai.nn._validation import number, shape_of
from kobai.validation import is_integer, shown


def _standardise(x: Any, axes: tuple[int, ...], eps: float) -> Tensor:
    mean = F.mean(x, axes, True)
    centred = F.sub(x, mean)
    var = F.mean(F.mul(centred, centred), axes, True)
    return F.mul(centred, F.pow(F.add(var, eps), -0.5))


def _affine(y: Tensor, weight: Any, bias: Any, shape: tuple[int, ...]) -> Tensor:
    if weight is not None:
        y = F.mul(y, F.reshape(weight, shape))
    if bias is not None:
        y = F.add(y, F.reshape(bias, shape))
    return y


def normalized_shape_of(normalized_shape: Any) -> tuple[int, ...]:
    """``normalized_shape`` (an int or a sequence of ints > 0) as a tuple."""
    items = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else None
    if items is None:
        try:
            items = tuple(normalized_shape)
        except TypeError:
            items = (normalized_shape,)
    if not items or not all(is_integer(n) and n > 0 for n in items):
        raise ValueError(
            f"normalized_shape must be an int or a non-empty sequence of ints > 0, got "
            f"{normalized_shape!r}"
        )
    return tuple(int(n) for n in items)


def layer_norm(
    input: Any,
    normalized_shape: Any,
    weight: Any = None,
    bias: Any = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalisation over the last axes (PyTorch's ``F.layer_norm``).

    .. math:: y = \\frac{x - \\mathrm{E}[x]}{\\sqrt{\\mathrm{Var}[x] + \\epsilon}} \\gamma + \\beta

    with the mean and the biased variance over the trailing ``normalized_shape`` axes of
    each sample.

    Parameters
    ----------
    input : Tensor of shape (*, *normalized_shape)
    normalized_shape : int or sequence of int
    weight, bias : Tensor of shape normalized_shape, optional
        :math:`\\gamma` and :math:`\\beta`.
    eps : float > 0, default 1e-5

    References
    ----------
    J. L. Ba, J. R. Kiros and G. E. Hinton, "Layer normalization", 2016.
    """
    shape = normalized_shape_of(normalized_shape)
    x_shape = shape_of(input)
    if tuple(x_shape[len(x_shape) - len(shape) :]) != shape or len(x_shape) < len(shape):
        raise ValueError(
            f"layer_norm: input of shape {tuple(x_shape)} does not end in normalized_shape {shape}"
        )
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(shape_of(p)) != shape:
            raise ValueError(f"layer_norm: {name} must have shape {shape}, got {shape_of(p)}")
    eps = number("eps", eps, low=0.0, strict=True)
    y = _standardise(input, tuple(range(-len(shape), 0)), eps)
    return _affine(y, weight, bias, shape)


def group_norm(
    input: Any, num_groups: int, weight: Any = None, bias: Any = None, eps: float = 1e-5
) -> Tensor:
    """Group normalisation (PyTorch's ``F.group_norm``): the channels of each sample are split
    into ``num_groups`` groups, each standardised over its channels and positions.

    .. math:: y = \\frac{x - \\mathrm{E}_g[x]}{\\sqrt{\\mathrm{Var}_g[x] + \\epsilon}} \\gamma_c
        + \\beta_c

    Parameters
    ----------
    input : Tensor of shape (N, C, *)
    num_groups : int dividing C
    weight, bias : Tensor of shape (C,), optional
        Per-channel :math:`\\gamma` and :math:`\\beta`.
    eps : float > 0, default 1e-5

    References
    ----------
    Y. Wu and K. He, "Group normalization", ECCV 2018.
    """
    x_shape = tuple(shape_of(input))
    if len(x_shape) < 2:
        raise ValueError(f"group_norm expected input (N, C, *), got shape {x_shape}")
    channels = x_shape[1]
    if not is_integer(num_groups):
        raise TypeError(f"num_groups must be an integer, got {shown(num_groups)}")
    if num_groups < 1 or channels % num_groups:
        raise ValueError(
            f"group_norm: num_groups must be >= 1 and divide the {channels} channels, got "
            f"{num_groups}"
        )
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(shape_of(p)) != (channels,):
            raise ValueError(f"group_norm: {name} must have shape ({channels},), got {shape_of(p)}")
    eps = number("eps", eps, low=0.0, strict=True)
    grouped = F.reshape(input, (x_shape[0], int(num_groups), -1))
    y = F.reshape(_standardise(grouped, (2,), eps), x_shape)
    return _affine(y, weight, bias, (1, channels) + (1,) * (len(x_shape) - 2))
