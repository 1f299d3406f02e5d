"""Ops that move values around without arithmetic: reshape, transpose, indexing, joining."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.validation import is_integer


class Reshape(Function):
    """A new shape for the same data; the gradient is reshaped back."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.new_shape = shape

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.shape = a.shape
        try:
            return a.reshape(self.new_shape)
        except ValueError:
            raise ValueError(
                f"cannot reshape a tensor of shape {a.shape} ({a.size} elements) into shape "
                f"{self.new_shape}"
            ) from None

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad.reshape(self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (reshape(grad, self.shape),)


class Transpose(Function):
    """Permute the axes (None: reverse them); the gradient is permuted back."""

    def __init__(self, axes: tuple[int, ...] | None) -> None:
        self.axes = axes

    def forward(self, a: np.ndarray) -> np.ndarray:
        axes = self.axes if self.axes is not None else tuple(reversed(range(a.ndim)))
        if sorted(ax % max(a.ndim, 1) for ax in axes) != list(range(a.ndim)):
            raise ValueError(f"axes {axes} are not a permutation of the {a.ndim} axes of {a.shape}")
        self.inverse = tuple(np.argsort([ax % a.ndim for ax in axes]))
        return np.transpose(a, axes)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (np.transpose(grad, self.inverse),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (transpose(grad, self.inverse),)


class BroadcastTo(Function):
    """Broadcast to a shape; the engine sums the gradient over the broadcast axes."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.target = shape

    def forward(self, a: np.ndarray) -> np.ndarray:
        try:
            return np.broadcast_to(a, self.target)
        except ValueError:
            raise ValueError(f"cannot broadcast shape {a.shape} to shape {self.target}") from None

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad,)  # the engine sums the broadcast axes back

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad,)


class ExpandDims(Function):
    """Insert an axis of size 1; the gradient is reshaped back."""

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, a: np.ndarray) -> np.ndarray:
        if not -a.ndim - 1 <= self.axis <= a.ndim:
            raise ValueError(f"axis {self.axis} is out of range for expand_dims of shape {a.shape}")
        self.shape = a.shape
        return np.expand_dims(a, self.axis)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad.reshape(self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (reshape(grad, self.shape),)


class Squeeze(Function):
    """Remove axes of size 1; the gradient is reshaped back."""

    def __init__(self, axis: int | tuple[int, ...] | None) -> None:
        self.axis = axis

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.shape = a.shape
        try:
            return np.squeeze(a, axis=self.axis)
        except ValueError:
            raise ValueError(
                f"cannot squeeze axis {self.axis} of shape {a.shape}: its size is not 1"
            ) from None

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad.reshape(self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (reshape(grad, self.shape),)


def _is_basic_index(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(
        item is None or item is Ellipsis or isinstance(item, slice) or is_integer(item)
        for item in items
    )


class GetItem(Function):
    """``a[index]`` for slices, ints, integer arrays (repeats accumulate) and boolean masks."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self.basic = _is_basic_index(index)

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.shape, self.dtype = a.shape, a.dtype
        try:
            return a[self.index]
        except IndexError as exc:
            raise IndexError(f"index {self.index!r} into shape {a.shape}: {exc}") from None

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        out = np.zeros(self.shape, dtype=grad.dtype)
        if self.basic:
            out[self.index] = grad
        else:
            np.add.at(out, self.index, grad)
        return (out,)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (ScatterAdd(self.index, self.basic, self.shape)(grad),)


class ScatterAdd(Function):
    """The adjoint of ``a[index]``: zeros of ``shape`` with ``grad`` added at ``index``."""

    def __init__(self, index: Any, basic: bool, shape: tuple[int, ...]) -> None:
        self.index, self.basic, self.shape = index, basic, shape

    def forward(self, grad: np.ndarray) -> np.ndarray:
        out = np.zeros(self.shape, dtype=grad.dtype)
        if self.basic:
            out[self.index] = grad
        else:
            np.add.at(out, self.index, grad)
        return out

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad[self.index],)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (GetItem(self.index)(grad),)


class Concatenate(Function):
    """Join arrays along an existing axis; the gradient is split at the same places."""

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *arrays: np.ndarray) -> np.ndarray:
        self.sizes = [x.shape[self.axis] for x in arrays]
        try:
            return np.concatenate(arrays, axis=self.axis)
        except ValueError:
            shapes = ", ".join(str(x.shape) for x in arrays)
            raise ValueError(f"cannot concatenate shapes {shapes} along axis {self.axis}") from None

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray, ...]:
        cuts = np.cumsum(self.sizes)[:-1]
        return tuple(np.split(grad, cuts, axis=self.axis))

    def backward_graph(self, grad: Tensor) -> tuple[Tensor, ...]:
        axis = self.axis % grad.ndim
        bounds = np.cumsum([0, *self.sizes])
        lead = (slice(None),) * axis
        return tuple(
            GetItem((*lead, slice(int(lo), int(hi))))(grad)
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        )


class Stack(Function):
    """Join arrays along a new axis; the gradient is unstacked along it."""

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *arrays: np.ndarray) -> np.ndarray:
        try:
            return np.stack(arrays, axis=self.axis)
        except ValueError:
            shapes = ", ".join(str(x.shape) for x in arrays)
            raise ValueError(f"cannot stack shapes {shapes} along axis {self.axis}") from None

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray, ...]:
        return tuple(np.moveaxis(grad, self.axis, 0))

    def backward_graph(self, grad: Tensor) -> tuple[Tensor, ...]:
        axis = self.axis % grad.ndim
        lead = (slice(None),) * axis
        return tuple(GetItem((*lead, i))(grad) for i in range(grad.shape[axis]))


class Pad(Function):
    """Constant padding, ``np.pad`` style ``pad_width``."""

    def __init__(self, pad_width: Any, value: float) -> None:
        self.pad_width, self.value = pad_width, value

    def forward(self, a: np.ndarray) -> np.ndarray:
        try:
            widths = np.broadcast_to(np.asarray(self.pad_width, dtype=int), (a.ndim, 2))
        except ValueError:
            raise ValueError(
                f"pad_width {self.pad_width!r} does not fit a tensor of shape {a.shape}"
            ) from None
        if (widths < 0).any():
            raise ValueError(f"pad_width must be >= 0, got {self.pad_width!r}")
        self.crop = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, a.shape, strict=True))
        return np.pad(a, widths, mode="constant", constant_values=self.value)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad[self.crop],)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (GetItem(self.crop)(grad),)


def _shape_arg(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"shape must be an int or a sequence of ints, got {shape!r}") from None


def reshape(a: Any, shape: Any) -> Any:
    """The same values in a new shape (one entry may be -1)."""
    return Reshape(_shape_arg(shape))(a)


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute the axes (reverse them when ``axes`` is None)."""
    return Transpose(None if axes is None else _shape_arg(axes))(a)


def permute(a: Any, axes: Sequence[int]) -> Any:
    """Permute the axes to ``axes`` (PyTorch's name for :func:`transpose` with axes)."""
    return Transpose(_shape_arg(axes))(a)


def broadcast_to(a: Any, shape: Sequence[int]) -> Any:
    """Broadcast to ``shape``; the gradient is summed back."""
    return BroadcastTo(_shape_arg(shape))(a)


def expand_dims(a: Any, axis: int) -> Any:
    """Insert an axis of size 1 at ``axis``."""
    return ExpandDims(int(axis))(a)


def squeeze(a: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """Remove axes of size 1 (only ``axis`` if given)."""
    return Squeeze(axis)(a)


def getitem(a: Any, index: Any) -> Any:
    """``a[index]``: basic slicing, integer-array and boolean-mask indexing."""
    if isinstance(index, tuple):
        index = tuple(getattr(i, "data", i) for i in index)
    else:
        index = getattr(index, "data", index)
    return GetItem(index)(a)


def _sequence(tensors: Any, name: str) -> list[Any]:
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError(f"{name} needs a non-empty list or tuple of tensors, got {tensors!r}")
    return list(tensors)


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along an existing axis."""
    return Concatenate(int(axis))(*_sequence(tensors, "concatenate"))


def stack(tensors: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along a new axis."""
    return Stack(int(axis))(*_sequence(tensors, "stack"))


def pad(a: Any, pad_width: Any, value: float = 0.0) -> Any:
    """Pad with a constant ``value``; ``pad_width`` as in ``np.pad``: ``((before, after), ...)``."""
    return Pad(pad_width, float(value))(a)
