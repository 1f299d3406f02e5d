"""The unit of differentiation: one op with its forward and backward side by side."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.autograd import grad_mode

# tensor.py imports the ops, which import this module: take the tensor module from
# sys.modules (it is attached as a package attribute only once it has finished loading, and
# the package's ``tensor`` name is the factory function, not the module).
_tensor: Any = importlib.import_module("kobai.autograd.tensor")

if TYPE_CHECKING:
    from kobai.autograd.tensor import Tensor


class Function:
    """One differentiable operation.

    A subclass takes its non-differentiable parameters in ``__init__``, computes the output
    array in ``forward(*arrays)`` (saving on ``self`` what ``backward`` needs), and returns the
    gradient of each input in ``backward(grad)``, in input order (``None`` for an input that
    needs none). Gradients may have the broadcast shape of the output: the engine sums them
    back to each input's shape. ``backward`` must never modify ``grad`` in place, and must not
    return the same new array for two inputs.

    Calling the instance on tensors, arrays or scalars runs ``forward`` and, when gradients are
    enabled and an input requires them, records the node in the graph.
    """

    inputs: tuple[Tensor, ...] | None = None
    needs_grad: tuple[bool, ...] = ()
    retained: Tensor | None = None

    if TYPE_CHECKING:
        # Each op narrows these to its own inputs (forward(self, a, b) -> ndarray).
        forward: Callable[..., np.ndarray]
        backward: Callable[[np.ndarray], tuple[np.ndarray | None, ...]]
    else:

        def forward(self, *xs):
            raise NotImplementedError(f"{type(self).__name__} does not define forward")

        def backward(self, grad):
            raise NotImplementedError(f"{type(self).__name__} does not define backward")

    def __call__(self, *inputs: Any) -> Tensor:
        tensors = _tensor.as_tensors(inputs)
        out = self.forward(*[t.data for t in tensors])
        if grad_mode.state.enabled:
            needs_grad = tuple([t.requires_grad for t in tensors])
            if True in needs_grad:
                self.inputs = tensors
                self.needs_grad = needs_grad
                return _tensor.Tensor._from_op(out, self)
        return _tensor.Tensor._from_op(out, None)

    @property
    def name(self) -> str:
        """The op's name in graph pictures and error messages: its class name."""
        return type(self).__name__

    def release(self) -> None:
        """Drop the saved arrays and the links to the inputs (the graph is freed)."""
        self.__dict__.clear()
        self.inputs = None
