"""``kobai.grad``: gradients of outputs with respect to chosen inputs, as PyTorch's
``torch.autograd.grad``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai.autograd import backprop
from kobai.autograd.tensor import Tensor, seed_tensor


def _tensors(value: Any, name: str) -> tuple[Tensor, ...]:
    """A tensor or a non-empty sequence of tensors, as a tuple."""
    items = (value,) if isinstance(value, Tensor) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise TypeError(
            f"{name} must be a Tensor or a non-empty sequence of Tensors, got {value!r}"
        )
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise TypeError(f"{name}[{i}] must be a Tensor, got {type(item).__name__}")
    return tuple(items)


def _grad_outputs(grad_outputs: Any, count: int) -> list[Any]:
    if grad_outputs is None:
        return [None] * count
    if isinstance(grad_outputs, (Tensor, np.ndarray)) or not isinstance(
        grad_outputs, (list, tuple)
    ):
        grad_outputs = (grad_outputs,)
    if len(grad_outputs) != count:
        raise ValueError(
            f"grad_outputs must give one gradient per output ({count}), got {len(grad_outputs)}"
        )
    return list(grad_outputs)


def _owned(grads: list[Any]) -> list[Tensor | None]:
    """First-order gradients as tensors that own their arrays (the walk may hand one array to
    several inputs, or hand back the seed itself)."""
    seen: set[int] = set()
    out: list[Tensor | None] = []
    for g in grads:
        if g is None:
            out.append(None)
            continue
        if id(g) in seen or not (g.flags.owndata and g.flags.writeable):
            g = g.copy()
        seen.add(id(g))
        out.append(Tensor._from_op(g, None))
    return out


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    *,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` with respect to ``inputs`` (PyTorch's ``torch.autograd.grad``).

    .. math:: g_i = \\sum_k \\left(\\frac{\\partial y_k}{\\partial x_i}\\right)^{\\!\\top} v_k

    with :math:`y_k` the outputs, :math:`v_k` the ``grad_outputs`` and :math:`x_i` the inputs.
    Nothing is added to any ``.grad``.

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
        The differentiated tensors :math:`y_k`.
    inputs : Tensor or sequence of Tensor
        The tensors :math:`x_i` to differentiate with respect to (leaves or intermediate
        tensors; each must require grad).
    grad_outputs : array_like, Tensor or sequence of them, optional
        :math:`v_k`, one per output, of its shape; may be omitted (or None) for a
        single-element output, whose :math:`v` is then 1. A Tensor that requires grad is
        kept in the graph (with ``create_graph=True`` the result can be differentiated with
        respect to it).
    retain_graph : bool, optional
        Keep the graph of ``outputs`` for another backward pass. Defaults to ``create_graph``.
    create_graph : bool, default False
        Record the backward pass as a graph of ops, so that the gradients can be
        differentiated again (any number of times).
    allow_unused : bool, default False
        Return None for an input that the outputs do not depend on (otherwise an error).

    Returns
    -------
    tuple of Tensor or None
        One gradient per input, of its shape.

    Examples
    --------
    >>> import kobai as kb
    >>> x = kb.tensor(2.0, dtype="float64", requires_grad=True)
    >>> (dx,) = kb.grad(x**3, x, create_graph=True)
    >>> (dxx,) = kb.grad(dx, x)
    >>> float(dx), float(dxx)
    (12.0, 12.0)
    """
    outs = _tensors(outputs, "outputs")
    ins = _tensors(inputs, "inputs")
    for i, x in enumerate(ins):
        if not x.requires_grad:
            raise RuntimeError(
                f"inputs[{i}] (shape {x.shape}) does not require grad, so nothing can be "
                "differentiated with respect to it; create it with requires_grad=True"
            )
    if create_graph:
        backprop.check_recording("grad")
    given = _grad_outputs(grad_outputs, len(outs))
    seeds: list[Any] = []
    for k, (out, v) in enumerate(zip(outs, given, strict=True)):
        if not out.requires_grad:
            raise RuntimeError(
                f"outputs[{k}] (shape {out.shape}) does not require grad: it does not depend "
                "on any tensor with requires_grad=True (or was computed under no_grad())"
            )
        seed = seed_tensor(out, v, f"grad_outputs[{k}]")
        seeds.append(seed if create_graph else seed.data)
    retain = create_graph if retain_graph is None else bool(retain_graph)
    grads = backprop.backpropagate(outs, seeds, ins, retain_graph=retain, create_graph=create_graph)
    assert grads is not None
    for i, g in enumerate(grads):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"inputs[{i}] (shape {ins[i].shape}) was not used to compute the outputs, so "
                "it has no gradient; pass allow_unused=True to get None for it"
            )
    return tuple(grads) if create_graph else tuple(_owned(grads))
