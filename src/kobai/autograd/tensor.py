"""The Tensor: an ndarray that remembers how it was computed.

This module is the bottom of autograd: it imports no op. The ops (``kobai.autograd.ops``) build
on it, and attach the arithmetic operators and methods to :class:`Tensor` when they load, as
DeZero's ``setup_variable`` does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.autograd import backprop, engine
from kobai.backend import DEFAULT_DTYPE, as_dtype, is_floating

if TYPE_CHECKING:
    from kobai.autograd.function import Function

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
    # An ndarray; a Tensor (carrying its own graph) after backward(create_graph=True).
    grad: Any
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

    def backward(
        self,
        gradient: ArrayLike = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Compute the gradient of this tensor with respect to every leaf that requires it.

        The gradients are added to each leaf's ``.grad``.

        Parameters
        ----------
        gradient : array_like or Tensor, optional
            d(objective)/d(self), of the tensor's shape. May be omitted for a single-element
            tensor (it is then 1).
        retain_graph : bool, optional
            Keep the graph (and the values it saved) so that ``backward`` can run again.
            Defaults to ``create_graph``.
        create_graph : bool, default False
            Record the backward pass itself as a graph of ops, so that the gradients can be
            differentiated again: each ``.grad`` is then a :class:`Tensor` (with its own
            ``grad_fn``) instead of an ndarray.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad: no input of it has "
                "requires_grad=True (or it was computed under no_grad())"
            )
        retain = create_graph if retain_graph is None else bool(retain_graph)
        if create_graph:
            backprop.check_recording("backward")
            graph_seed = seed_tensor(self, gradient, "gradient")
            backprop.backpropagate(
                [self], [graph_seed], None, retain_graph=retain, create_graph=True
            )
            return
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() on a non-scalar tensor of shape {self.shape} needs a gradient "
                    "argument of the same shape (or call .sum().backward())"
                )
            seed = np.ones_like(self.data)
        else:
            data = gradient.data if isinstance(gradient, Tensor) else gradient
            seed = np.array(data, dtype=self.dtype)
            if seed.shape != self.shape:
                raise ValueError(
                    f"gradient must have the tensor's shape {self.shape}, got shape {seed.shape}"
                )
        engine.run_backward(self, seed, retain)

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

    def _repr_html_(self) -> str:
        # Jupyter's rich display: shape, dtype, gradient state, then the values as NumPy prints.
        from kobai._html import tensor_html

        return tensor_html(self)

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

    if TYPE_CHECKING:
        # Arithmetic, reductions and shape methods: attached by kobai.autograd.ops.methods once
        # the ops have loaded (the ops make tensors, so this module cannot import them).
        def __add__(self, other: ArrayLike) -> Tensor: ...
        def __radd__(self, other: ArrayLike) -> Tensor: ...
        def __sub__(self, other: ArrayLike) -> Tensor: ...
        def __rsub__(self, other: ArrayLike) -> Tensor: ...
        def __mul__(self, other: ArrayLike) -> Tensor: ...
        def __rmul__(self, other: ArrayLike) -> Tensor: ...
        def __truediv__(self, other: ArrayLike) -> Tensor: ...
        def __rtruediv__(self, other: ArrayLike) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __pos__(self) -> Tensor: ...
        def __pow__(self, exponent: ArrayLike) -> Tensor: ...
        def __rpow__(self, base: ArrayLike) -> Tensor: ...
        def __matmul__(self, other: ArrayLike) -> Tensor: ...
        def __rmatmul__(self, other: ArrayLike) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __getitem__(self, index: Any) -> Tensor: ...
        def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def max(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def min(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor: ...
        def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def exp(self) -> Tensor: ...
        def log(self) -> Tensor: ...
        def sqrt(self) -> Tensor: ...
        def abs(self) -> Tensor: ...
        def sigmoid(self) -> Tensor: ...
        def tanh(self) -> Tensor: ...
        def relu(self) -> Tensor: ...
        def softmax(self, axis: int = -1) -> Tensor: ...
        def log_softmax(self, axis: int = -1) -> Tensor: ...
        def clip(self, min: ArrayLike = None, max: ArrayLike = None) -> Tensor: ...  # noqa: A002

        clamp = clip

        def maximum(self, other: ArrayLike) -> Tensor: ...
        def minimum(self, other: ArrayLike) -> Tensor: ...
        def pow(self, exponent: ArrayLike) -> Tensor: ...
        def matmul(self, other: ArrayLike) -> Tensor: ...
        def reshape(self, *shape: Any) -> Tensor: ...
        def flatten(self, start_axis: int = 0) -> Tensor: ...
        def transpose(self, *axes: Any) -> Tensor: ...
        def permute(self, *axes: Any) -> Tensor: ...
        @property
        def T(self) -> Tensor: ...  # noqa: N802 - NumPy's name
        def broadcast_to(self, shape: Sequence[int]) -> Tensor: ...
        def expand_dims(self, axis: int) -> Tensor: ...

        unsqueeze = expand_dims

        def squeeze(self, axis: Any = None) -> Tensor: ...
        def astype(self, dtype: Any) -> Tensor: ...
        def float(self) -> Tensor: ...
        def double(self) -> Tensor: ...


def seed_tensor(output: Tensor, gradient: Any, name: str) -> Tensor:
    """d(objective)/d(output) as a tensor of the output's shape and dtype (ones for a scalar).

    A tensor given as ``gradient`` is used as it is, so its own graph is kept (the double-vjp
    trick differentiates with respect to it).
    """
    if gradient is None:
        if output.data.size != 1:
            raise RuntimeError(
                f"the output of shape {output.shape} is not a scalar: give {name} of that shape "
                "(d objective / d output), or reduce the output first (e.g. .sum())"
            )
        return Tensor._from_op(np.ones_like(output.data), None)
    if isinstance(gradient, Tensor):
        seed = gradient
    else:
        seed = Tensor._from_op(np.array(gradient, dtype=output.dtype), None)
    if seed.shape != output.shape:
        raise ValueError(
            f"{name} must have the output's shape {output.shape}, got shape {seed.shape}"
        )
    return seed


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
