"""Orthogonal and truncated-normal initialisation, and the helpers every initialiser of
:mod:`kobai.nn.init` (which re-exports them) fills tensors with."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.backend import as_rng
from kobai.validation import check_real

if TYPE_CHECKING:
    from kobai.backend import RNG

T = TypeVar("T", Tensor, np.ndarray)


def _array(tensor: Any) -> np.ndarray:
    if isinstance(tensor, Tensor):
        return tensor.data
    if isinstance(tensor, np.ndarray):
        return tensor
    raise TypeError(f"tensor must be a kobai Tensor or an ndarray, got {type(tensor).__name__}")


def _fill(tensor: T, values: np.ndarray | float) -> T:
    _array(tensor)[...] = values
    return tensor


def orthogonal_(tensor: T, gain: float = 1.0, *, rng: RNG = None) -> T:
    """Fill with a (semi-)orthogonal matrix times ``gain``, as PyTorch does.

    The tensor is seen as a matrix ``(rows, cols) = (shape[0], size / shape[0])``; a standard
    normal matrix of that shape (transposed when wide) is factored ``Q R``, the columns of
    ``Q`` take the signs of ``diag(R)`` (so that ``Q`` is uniformly distributed), and ``Q``
    (transposed back) fills the tensor. Rows (or columns, whichever are fewer) are then
    orthonormal: :math:`W W^T = gain^2 I` for a wide or square ``W``.

    References
    ----------
    A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the nonlinear dynamics
    of learning in deep linear neural networks", ICLR 2014.
    """
    array = _array(tensor)
    if array.ndim < 2:
        raise ValueError(
            f"orthogonal_ needs a tensor with at least 2 dimensions, got shape {array.shape}"
        )
    if array.size == 0:
        return tensor
    rows = array.shape[0]
    cols = array.size // rows
    flat = as_rng(rng).standard_normal((rows, cols))
    wide = rows < cols
    q, r = np.linalg.qr(flat.T if wide else flat)
    q = q * np.sign(np.diag(r))
    return _fill(tensor, (gain * (q.T if wide else q)).reshape(array.shape))


def trunc_normal_(
    tensor: T,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    *,
    rng: RNG = None,
) -> T:
    r"""Fill with draws from :math:`N(mean, std^2)` truncated to ``[a, b]``, by PyTorch's
    (2.13) rejection sampling, so the same draws give the same values.

    With :math:`P = \Phi((b - mean)/std) - \Phi((a - mean)/std)` the probability mass inside
    the interval: if :math:`P > 0.3`, normal draws outside ``[a, b]`` are replaced by fresh ones
    until none is left; otherwise uniform proposals on ``[a, b]`` are accepted with probability
    :math:`e^{-((x - mean)/std)^2/2}` relative to the density's peak on the interval. ``a`` and
    ``b`` are values, not numbers of standard deviations. As PyTorch, warns when ``mean`` is
    more than 2 std outside ``[a, b]``.
    """
    std = check_real("std", std, low=0, low_open=True)
    if not a < b:
        raise ValueError(f"trunc_normal_ needs a < b, got a={a}, b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution "
            "of values may be incorrect.",
            UserWarning,
            stacklevel=2,
        )
    generator, shape = as_rng(rng), _array(tensor).shape
    mass = _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std)
    if mass > 0.3:
        values = generator.normal(mean, std, shape)
        while True:
            outside = (values < a) | (values > b)
            if not outside.any():
                break
            values = np.where(outside, generator.normal(mean, std, shape), values)
        return _fill(tensor, values)
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def rejected(x: np.ndarray) -> np.ndarray:
        return (
            np.log(generator.uniform(0.0, 1.0, shape)) > -0.5 * ((x - mean) / std) ** 2 - log_peak
        )

    values = generator.uniform(a, b, shape)
    pending = rejected(values)
    while pending.any():
        candidates = generator.uniform(a, b, shape)
        values = np.where(pending, candidates, values)
        pending = np.where(pending, rejected(candidates), pending)
    return _fill(tensor, values)


def _normal_cdf(z: float) -> float:
    return (1.0 + math.erf(z / math.sqrt(2.0))) / 2.0
