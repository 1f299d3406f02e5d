"""Shape layers: Flatten, Unflatten, Identity."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai.autograd.ops import reshape
from kobai.autograd.tensor import Tensor
from kobai.nn._validation import shape_of
from kobai.nn.module import Module
from kobai.validation import check_int


def _int(name: str, value: Any) -> int:
    return check_int(name, value)


def _axis(name: str, dim: int, ndim: int, layer: str, shape: tuple[int, ...]) -> int:
    if not -ndim <= dim < ndim:
        raise ValueError(f"{layer} has {name}={dim}, out of range for an input of shape {shape}")
    return dim % ndim


class Flatten(Module):
    """Merge axes ``start_dim`` .. ``end_dim`` into one (PyTorch's ``torch.nn.Flatten``).

    Parameters
    ----------
    start_dim : int, default 1
        First axis to merge (axis 0, the batch, is kept by default).
    end_dim : int, default -1
        Last axis to merge.

    Shape
    -----
    (N, C, H, W) -> (N, C * H * W) with the defaults.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = _int("start_dim", start_dim)
        self.end_dim = _int("end_dim", end_dim)

    def forward(self, x: Any) -> Tensor:
        shape = shape_of(x)
        ndim = max(len(shape), 1)
        layer = repr(self)
        start = _axis("start_dim", self.start_dim, ndim, layer, shape)
        end = _axis("end_dim", self.end_dim, ndim, layer, shape)
        if start > end:
            raise ValueError(f"{layer}: start_dim comes after end_dim for input shape {shape}")
        new_shape = (*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])
        return reshape(x, new_shape)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size`` (PyTorch's ``torch.nn.Unflatten``).

    Parameters
    ----------
    dim : int
        The axis to split.
    unflattened_size : sequence of int
        Its new shape; the product must equal the axis' size.

    Shape
    -----
    ``Unflatten(1, (1, 28, 28))``: (N, 784) -> (N, 1, 28, 28).
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim = _int("dim", dim)
        if isinstance(unflattened_size, (str, bytes)) or not isinstance(unflattened_size, Sequence):
            raise TypeError(
                f"unflattened_size must be a sequence of ints, got {unflattened_size!r}"
            )
        self.unflattened_size = tuple(
            check_int("unflattened_size entry", n, low=1) for n in unflattened_size
        )
        if not self.unflattened_size:
            raise ValueError("unflattened_size must not be empty")

    def forward(self, x: Any) -> Tensor:
        shape = shape_of(x)
        layer = repr(self)
        dim = _axis("dim", self.dim, max(len(shape), 1), layer, shape)
        if not shape or shape[dim] != math.prod(self.unflattened_size):
            raise ValueError(
                f"{layer} expected axis {self.dim} of size "
                f"{math.prod(self.unflattened_size)}, got input of shape {shape}"
            )
        return reshape(x, (*shape[:dim], *self.unflattened_size, *shape[dim + 1 :]))

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Identity(Module):
    """Returns its input unchanged (a placeholder layer, PyTorch's ``torch.nn.Identity``).

    Any constructor arguments are accepted and ignored, as in PyTorch.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x if isinstance(x, Tensor) else Tensor(x)

    def derivative(self, x: Any) -> np.ndarray:
        """f'(x) = 1 everywhere."""
        data = np.asarray(x.data if isinstance(x, Tensor) else x)
        return np.ones_like(data, dtype=data.dtype if data.dtype.kind == "f" else np.float32)
