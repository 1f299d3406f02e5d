"""The arithmetic operators and methods of :class:`Tensor`, attached once the ops have loaded.

The tensor module is the bottom of autograd and cannot import the ops (they make tensors), so,
as DeZero's ``setup_variable``, the ops attach these to the class when they load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai.autograd.ops import activation, arithmetic, linalg, reduction
from kobai.autograd.ops import shape as shape_ops
from kobai.autograd.tensor import Tensor

ArrayLike = Any


class TensorMethods:
    """The methods that :func:`setup_tensor` copies onto :class:`Tensor`."""

    data: np.ndarray  # a Tensor's, once attached

    def __add__(self, other: ArrayLike) -> Tensor:
        return arithmetic.add(self, other)

    def __radd__(self, other: ArrayLike) -> Tensor:
        return arithmetic.add(other, self)

    def __sub__(self, other: ArrayLike) -> Tensor:
        return arithmetic.sub(self, other)

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return arithmetic.sub(other, self)

    def __mul__(self, other: ArrayLike) -> Tensor:
        return arithmetic.mul(self, other)

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return arithmetic.mul(other, self)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return arithmetic.div(self, other)

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return arithmetic.div(other, self)

    def __neg__(self) -> Tensor:
        return arithmetic.neg(self)

    def __pos__(self: Any) -> Tensor:
        return self

    def __pow__(self, exponent: ArrayLike) -> Tensor:
        return arithmetic.pow(self, exponent)

    def __rpow__(self, base: ArrayLike) -> Tensor:
        return arithmetic.pow(base, self)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return linalg.matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return linalg.matmul(other, self)

    def __abs__(self) -> Tensor:
        return arithmetic.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return shape_ops.getitem(self, index)

    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (None: all axes), keeping reduced axes as size 1 if ``keepdims``."""
        return reduction.sum(self, axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (None: all axes); see :meth:`sum` for ``keepdims``."""
        return reduction.mean(self, axis, keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; the gradient is shared equally between tied maxima."""
        return reduction.max(self, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; the gradient is shared equally between tied minima."""
        return reduction.min(self, axis, keepdims)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over ``axis`` with ``ddof`` delta degrees of freedom.

        .. math:: \\operatorname{var}(x) = \\frac{1}{n - \\text{ddof}} \\sum_i (x_i - \\bar x)^2
        """
        return reduction.var(self, axis, keepdims, ddof=ddof)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """``log(sum(exp(x)))`` over ``axis``, computed stably (the maximum is subtracted first)."""
        return reduction.logsumexp(self, axis, keepdims)

    def exp(self) -> Tensor:
        """Elementwise :math:`e^x`."""
        return arithmetic.exp(self)

    def log(self) -> Tensor:
        """Elementwise natural logarithm."""
        return arithmetic.log(self)

    def sqrt(self) -> Tensor:
        """Elementwise square root."""
        return arithmetic.sqrt(self)

    def abs(self) -> Tensor:
        """Elementwise absolute value (gradient 0 at 0)."""
        return arithmetic.abs(self)

    def sigmoid(self) -> Tensor:
        """Elementwise :math:`\\sigma(x) = 1 / (1 + e^{-x})`."""
        return activation.sigmoid(self)

    def tanh(self) -> Tensor:
        """Elementwise hyperbolic tangent."""
        return activation.tanh(self)

    def relu(self) -> Tensor:
        """Elementwise :math:`\\max(x, 0)`."""
        return activation.relu(self)

    def softmax(self, axis: int = -1) -> Tensor:
        """Softmax along ``axis`` (default the last): :math:`e^{x_i} / \\sum_j e^{x_j}`."""
        return activation.softmax(self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """Logarithm of :meth:`softmax` along ``axis``, computed stably."""
        return activation.log_softmax(self, axis)

    def clip(self, min: ArrayLike = None, max: ArrayLike = None) -> Tensor:  # noqa: A002
        """Clip to ``[min, max]`` (None: no bound on that side); alias ``clamp``."""
        return arithmetic.clip(self, min, max)

    clamp = clip

    def maximum(self, other: ArrayLike) -> Tensor:
        """Elementwise maximum with ``other`` (broadcast)."""
        return arithmetic.maximum(self, other)

    def minimum(self, other: ArrayLike) -> Tensor:
        """Elementwise minimum with ``other`` (broadcast)."""
        return arithmetic.minimum(self, other)

    def pow(self, exponent: ArrayLike) -> Tensor:
        """Elementwise ``self ** exponent``."""
        return arithmetic.pow(self, exponent)

    def matmul(self, other: ArrayLike) -> Tensor:
        """Matrix product ``self @ other`` (NumPy's ``matmul`` rules for batches)."""
        return linalg.matmul(self, other)

    def reshape(self, *shape: Any) -> Tensor:
        """The data in a new shape: ``reshape(2, 3)`` or ``reshape((2, 3))``; -1 is inferred."""
        return shape_ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def flatten(self, start_axis: int = 0) -> Tensor:
        """Merge axes ``start_axis`` and after into one."""
        return shape_ops.reshape(self, self.data.shape[:start_axis] + (-1,))

    def transpose(self, *axes: Any) -> Tensor:
        """Permute the axes (none given: reverse them), as ``np.transpose``."""
        return shape_ops.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def permute(self, *axes: Any) -> Tensor:
        """Permute the axes into the given order, as ``torch.permute``."""
        return shape_ops.transpose(self, axes[0] if len(axes) == 1 else axes)

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The tensor with its axes reversed."""
        return shape_ops.transpose(self, None)

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Broadcast to ``shape``; the gradient is summed back over the broadcast axes."""
        return shape_ops.broadcast_to(self, shape)

    def expand_dims(self, axis: int) -> Tensor:
        """Insert an axis of size 1 at ``axis``; alias ``unsqueeze``."""
        return shape_ops.expand_dims(self, axis)

    unsqueeze = expand_dims

    def squeeze(self, axis: Any = None) -> Tensor:
        """Remove axes of size 1 (``axis``: only that one)."""
        return shape_ops.squeeze(self, axis)

    def astype(self, dtype: Any) -> Tensor:
        """A copy cast to ``dtype``; the gradient is cast back."""
        return arithmetic.cast(self, dtype)

    def float(self) -> Tensor:
        """A copy cast to float32."""
        return arithmetic.cast(self, np.float32)

    def double(self) -> Tensor:
        """A copy cast to float64."""
        return arithmetic.cast(self, np.float64)


_CLASS_ATTRIBUTES = {"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__",
                     "__annotations__", "__firstlineno__", "__static_attributes__"}  # fmt: skip


def setup_tensor() -> None:
    """Attach every method of :class:`TensorMethods` to :class:`Tensor` (idempotent)."""
    for name, value in vars(TensorMethods).items():
        if name not in _CLASS_ATTRIBUTES:
            setattr(Tensor, name, value)
