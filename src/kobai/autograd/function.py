"""The unit of differentiation: one op with its forward and backward side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.autograd import grad_mode
from kobai.autograd.engine import FREED_GRAPH
from kobai.autograd.tensor import Tensor, as_tensors


class Function:
    """One differentiable operation.

    A subclass takes its non-differentiable parameters in ``__init__``, computes the output
    array in ``forward(*arrays)`` (saving on ``self`` what ``backward`` needs), and returns the
    gradient of each input in ``backward(grad)``, in input order (``None`` for an input that
    needs none). Gradients may have the broadcast shape of the output: the engine sums them
    back to each input's shape. ``backward`` must never modify ``grad`` in place, and must not
    return the same new array for two inputs.

    ``backward_graph(grad)`` is the same derivative written with kobai ops on tensors (the
    inputs are ``self.inputs``), used only when ``create_graph=True`` asks for a gradient that
    can itself be differentiated; ``backward`` stays the fast NumPy path of every training
    step. An op without ``backward_graph`` raises a clear error under ``create_graph``.

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

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, ...]:
        """The input gradients as tensors built from ops (differentiable again)."""
        raise NotImplementedError(
            f"{self.name} has no differentiable backward (backward_graph), so create_graph=True "
            f"cannot differentiate through it; use create_graph=False or an op that has one"
        )

    def __call__(self, *inputs: Any) -> Tensor:
        tensors = as_tensors(inputs)
        # Whether the node is recorded is known before forward runs, so that forward can tell
        # from ``self.needs_grad`` (empty when nothing is recorded) whether to keep what only
        # backward needs; unrecorded, the node is dropped with the call and saves nothing.
        if grad_mode.state.enabled:
            for t in tensors:
                if t.requires_grad:
                    self.needs_grad = tuple([t.requires_grad for t in tensors])
                    self.inputs = tensors
                    return Tensor._from_op(self.forward(*[t.data for t in tensors]), self)
        return Tensor._from_op(self.forward(*[t.data for t in tensors]), None)

    def saved(self) -> tuple[Tensor, ...]:
        """The input tensors, which ``backward_graph`` differentiates through."""
        if self.inputs is None:
            raise RuntimeError(FREED_GRAPH)
        return self.inputs

    @property
    def name(self) -> str:
        """The op's name in graph pictures and error messages: its class name."""
        return type(self).__name__

    def release(self) -> None:
        """Drop the saved arrays and the links to the inputs (the graph is freed)."""
        self.__dict__.clear()
        self.inputs = None
