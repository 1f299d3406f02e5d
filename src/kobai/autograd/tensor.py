"""The Tensor: an ndarray that remembers how it was computed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from kobai.autograd import engine
from kobai.autograd import functional as F
from kobai.autograd.function import Function
from kobai.backend import DEFAULT_DTYPE, as_dtype, is_floating

ArrayLike = Any


# Booleans, integers, floats and complex numbers: what arithmetic is defined on. Objects,
# strings, bytes, dates and structured records are refused, however they arrive.
NUMERIC_KINDS = "biufc"


def _to_array(data: ArrayLike, dtype: Any, copy: bool) -> np.ndarray:
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return _numeric(data, np.array(data, dtype=_numeric_dtype(dtype), copy=copy or None))
    if isinstance(data, (np.ndarray, np.generic)):
        return _numeric(data, np.array(data, copy=copy or None))
    array = _numeric(data, np.asarray(data))
    return array.astype(DEFAULT_DTYPE) if array.dtype.kind in "iuf" else array


def _numeric_dtype(dtype: Any) -> np.dtype:
    resolved = as_dtype(dtype)
    if resolved.kind not in NUMERIC_KINDS:
        raise TypeError(f"a tensor's dtype must be numeric, got {resolved}")
    return resolved


def _numeric(data: Any, array: np.ndarray) -> np.ndarray:
    if array.dtype.kind not in NUMERIC_KINDS:
        raise TypeError(f"cannot make a tensor from {type(data).__name__} (dtype {array.dtype})")
    return array


def _constant(value: ArrayLike, dtype: np.dtype | None) -> np.ndarray:
    if dtype is not None:
        return np.asarray(value, dtype=dtype)
    return _to_array(value, None, copy=False)


def as_tensors(inputs: Sequence[ArrayLike]) -> tuple[Tensor, ...]:
    """The inputs as tensors; non-tensors take the dtype of the first floating tensor."""
    for x in inputs:
        if not isinstance(x, Tensor):
            break
    else:
        # Every op call passes through here: all tensors (the usual case) costs one loop.
        return inputs if type(inputs) is tuple else tuple(inputs)
    dtype = None
    for x in inputs:
        if isinstance(x, Tensor) and x.data.dtype.kind == "f":
            dtype = x.data.dtype
            break
    return tuple(
        x if isinstance(x, Tensor) else Tensor._from_op(_constant(x, dtype), None) for x in inputs
    )


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    Parameters
    ----------
    data : array_like
        The values. Python numbers and lists become float32 (the default dtype); ndarrays keep
        their dtype and are shared, not copied (use :func:`kobai.tensor` for a copy).
    requires_grad : bool, default False
        Record operations on this tensor so that ``backward`` can compute ``.grad``.
    dtype : dtype, optional
        Convert the data to this dtype.

    Attributes
    ----------
    data : ndarray
        The values.
    grad : ndarray or None
        The gradient accumulated by ``backward`` (an ndarray of the tensor's shape and dtype).
    requires_grad : bool
        Whether operations on this tensor are recorded.

    Examples
    --------
    >>> import kobai as kb
    >>> x = kb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x + x).sum()
    >>> y.backward()
    >>> x.grad
    array([3., 5., 7.], dtype=float32)
    """

    __slots__ = ("data", "grad", "requires_grad", "_ctx", "__weakref__")
    # ndarray (op) Tensor defers to the Tensor's reflected operator instead of making an array.
    __array_ufunc__ = None

    data: np.ndarray
    grad: np.ndarray | None
    requires_grad: bool
    _ctx: Function | None

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None) -> None:
        self.data = _to_array(data, dtype, copy=False)
        self.grad = None
        self.requires_grad = False
        self._ctx = None
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _from_op(data: Any, ctx: Function | None) -> Tensor:
        out = object.__new__(Tensor)
        out.data = data if type(data) is np.ndarray else np.asarray(data)
        out.grad = None
        out.requires_grad = ctx is not None
        out._ctx = ctx
        return out

    # -- autograd -------------------------------------------------------------------------
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves only) and return the tensor."""
        if self._ctx is not None:
            raise RuntimeError("requires_grad can only be changed on a leaf tensor")
        if requires_grad and not is_floating(self.data.dtype):
            raise TypeError(
                f"only floating-point tensors can require gradients, got dtype {self.data.dtype}"
            )
        self.requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        """True for a tensor not computed by a recorded op."""
        return self._ctx is None

    @property
    def grad_fn(self) -> Function | None:
        """The op that computed this tensor (None for leaves and constants)."""
        return self._ctx

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after ``backward`` (leaves always keep it)."""
        if self._ctx is not None:
            self._ctx.retained = self
        elif not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")

    def backward(self, grad: ArrayLike = None, retain_graph: bool = False) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires it.

        Parameters
        ----------
        grad : array_like, optional
            d(objective)/d(self), of the tensor's shape. May be omitted for a single-element
            tensor (it is then 1).
        retain_graph : bool, default False
            Keep the graph (and the values it saved) so that ``backward`` can run again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad: no input of it has "
                "requires_grad=True (or it was computed under no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() on a non-scalar tensor of shape {self.shape} needs a grad "
                    "argument of the same shape (or call .sum().backward())"
                )
            seed = np.ones_like(self.data)
        else:
            seed = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
            if seed.shape != self.shape:
                raise ValueError(
                    f"grad must have the tensor's shape {self.shape}, got shape {seed.shape}"
                )
        engine.run_backward(self, seed, retain_graph)

    def detach(self) -> Tensor:
        """A tensor sharing this one's data, cut from the graph."""
        return Tensor._from_op(self.data, None)

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``grad = None``)."""
        self.grad = None

    # -- NumPy-like information -----------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``data``."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        """The dtype of ``data``."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """The number of axes of ``data``."""
        return self.data.ndim

    def numel(self) -> int:
        """Number of elements."""
        return int(self.data.size)

    def numpy(self) -> np.ndarray:
        """The data as an ndarray (shared, not copied)."""
        return self.data

    def item(self) -> float:
        """The single value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item() needs a tensor with one element, got shape {self.shape} "
                f"({self.data.size} elements)"
            )
        return self.data.item()

    def tolist(self) -> Any:
        """The data as (nested) Python lists of numbers."""
        return self.data.tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if dtype is None and not copy:
            return self.data
        return np.array(self.data, dtype=dtype, copy=True if copy else None)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self.data.size} elements is ambiguous"
            )
        return bool(self.data.item())

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype != DEFAULT_DTYPE:
            extras.append(f"dtype={self.data.dtype}")
        if self._ctx is not None:
            extras.append(f"grad_fn=<{self._ctx.name}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # -- operators ------------------------------------------------------------------------
    def __add__(self, other: ArrayLike) -> Tensor:
        return F.add(self, other)

    def __radd__(self, other: ArrayLike) -> Tensor:
        return F.add(other, self)

    def __sub__(self, other: ArrayLike) -> Tensor:
        return F.sub(self, other)

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return F.sub(other, self)

    def __mul__(self, other: ArrayLike) -> Tensor:
        return F.mul(self, other)

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return F.mul(other, self)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return F.div(self, other)

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return F.div(other, self)

    def __neg__(self) -> Tensor:
        return F.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, exponent: ArrayLike) -> Tensor:
        return F.pow(self, exponent)

    def __rpow__(self, base: ArrayLike) -> Tensor:
        return F.pow(base, self)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return F.matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return F.matmul(other, self)

    def __abs__(self) -> Tensor:
        return F.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return F.getitem(self, index)

    # Comparisons give boolean tensors outside the graph, element by element (as in PyTorch);
    # tensors stay hashable by identity.
    def _compare(self, other: ArrayLike, op: Any) -> Tensor:
        other_data = other.data if isinstance(other, Tensor) else other
        return Tensor._from_op(op(self.data, other_data), None)

    def __lt__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: ArrayLike) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    __hash__ = object.__hash__

    # -- methods mirroring kobai.functional -----------------------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (None: all axes), keeping reduced axes as size 1 if ``keepdims``."""
        return F.sum(self, axis, keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (None: all axes); see :meth:`sum` for ``keepdims``."""
        return F.mean(self, axis, keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; the gradient is shared equally between tied maxima."""
        return F.max(self, axis, keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; the gradient is shared equally between tied minima."""
        return F.min(self, axis, keepdims)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over ``axis`` with ``ddof`` delta degrees of freedom.

        .. math:: \\operatorname{var}(x) = \\frac{1}{n - \\text{ddof}} \\sum_i (x_i - \\bar x)^2
        """
        return F.var(self, axis, keepdims, ddof=ddof)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """``log(sum(exp(x)))`` over ``axis``, computed stably (the maximum is subtracted first)."""
        return F.logsumexp(self, axis, keepdims)

    def exp(self) -> Tensor:
        """Elementwise :math:`e^x`."""
        return F.exp(self)

    def log(self) -> Tensor:
        """Elementwise natural logarithm."""
        return F.log(self)

    def sqrt(self) -> Tensor:
        """Elementwise square root."""
        return F.sqrt(self)

    def abs(self) -> Tensor:
        """Elementwise absolute value (gradient 0 at 0)."""
        return F.abs(self)

    def sigmoid(self) -> Tensor:
        """Elementwise :math:`\\sigma(x) = 1 / (1 + e^{-x})`."""
        return F.sigmoid(self)

    def tanh(self) -> Tensor:
        """Elementwise hyperbolic tangent."""
        return F.tanh(self)

    def relu(self) -> Tensor:
        """Elementwise :math:`\\max(x, 0)`."""
        return F.relu(self)

    def softmax(self, axis: int = -1) -> Tensor:
        """Softmax along ``axis`` (default the last): :math:`e^{x_i} / \\sum_j e^{x_j}`."""
        return F.softmax(self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """Logarithm of :meth:`softmax` along ``axis``, computed stably."""
        return F.log_softmax(self, axis)

    def clip(self, min: ArrayLike = None, max: ArrayLike = None) -> Tensor:  # noqa: A002
        """Clip to ``[min, max]`` (None: no bound on that side); alias ``clamp``."""
        return F.clip(self, min, max)

    clamp = clip

    def maximum(self, other: ArrayLike) -> Tensor:
        """Elementwise maximum with ``other`` (broadcast)."""
        return F.maximum(self, other)

    def minimum(self, other: ArrayLike) -> Tensor:
        """Elementwise minimum with ``other`` (broadcast)."""
        return F.minimum(self, other)

    def pow(self, exponent: ArrayLike) -> Tensor:
        """Elementwise ``self ** exponent``."""
        return F.pow(self, exponent)

    def matmul(self, other: ArrayLike) -> Tensor:
        """Matrix product ``self @ other`` (NumPy's ``matmul`` rules for batches)."""
        return F.matmul(self, other)

    def reshape(self, *shape: Any) -> Tensor:
        """The data in a new shape: ``reshape(2, 3)`` or ``reshape((2, 3))``; -1 is inferred."""
        return F.reshape(self, shape[0] if len(shape) == 1 else shape)

    def flatten(self, start_axis: int = 0) -> Tensor:
        """Merge axes ``start_axis`` and after into one."""
        return F.reshape(self, self.shape[:start_axis] + (-1,))

    def transpose(self, *axes: Any) -> Tensor:
        """Permute the axes (none given: reverse them), as ``np.transpose``."""
        return F.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def permute(self, *axes: Any) -> Tensor:
        """Permute the axes into the given order, as ``torch.permute``."""
        return F.transpose(self, axes[0] if len(axes) == 1 else axes)

    @property
    def T(self) -> Tensor:  # noqa: N802 - NumPy's name
        """The tensor with its axes reversed."""
        return F.transpose(self, None)

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Broadcast to ``shape``; the gradient is summed back over the broadcast axes."""
        return F.broadcast_to(self, shape)

    def expand_dims(self, axis: int) -> Tensor:
        """Insert an axis of size 1 at ``axis``; alias ``unsqueeze``."""
        return F.expand_dims(self, axis)

    unsqueeze = expand_dims

    def squeeze(self, axis: Any = None) -> Tensor:
        """Remove axes of size 1 (``axis``: only that one)."""
        return F.squeeze(self, axis)

    def astype(self, dtype: Any) -> Tensor:
        """A copy cast to ``dtype``; the gradient is cast back."""
        return F.cast(self, dtype)

    def float(self) -> Tensor:
        """A copy cast to float32."""
        return F.cast(self, np.float32)

    def double(self) -> Tensor:
        """A copy cast to float64."""
        return F.cast(self, np.float64)


def tensor(data: ArrayLike, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (float32 for Python numbers and lists).

    Examples
    --------
    >>> import kobai as kb
    >>> kb.tensor([1, 2]).dtype
    dtype('float32')
    >>> kb.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    tensor([1., 2.], dtype=float64, requires_grad=True)
    """
    out = Tensor(_to_array(data, dtype, copy=True))
    if requires_grad:
        out.requires_grad_(True)
    return out


def zeros(*shape: int, dtype: Any = DEFAULT_DTYPE, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros."""
    return tensor(np.zeros(shape, dtype=as_dtype(dtype)), requires_grad=requires_grad)


def ones(*shape: int, dtype: Any = DEFAULT_DTYPE, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return tensor(np.ones(shape, dtype=as_dtype(dtype)), requires_grad=requires_grad)
