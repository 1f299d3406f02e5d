"""Backpropagation to chosen inputs (``kobai.grad``) and with a recorded graph (create_graph).

The plain ``Tensor.backward()`` of a training step runs :func:`kobai.autograd.engine.run_backward`,
untouched by anything here. This walk is the general one: several outputs at once, gradients
returned for given inputs instead of accumulated into ``.grad`` (only the part of the graph that
leads to them is walked), and, with ``create_graph=True``, each op's ``backward_graph`` instead
of its NumPy ``backward``, so that the gradients are tensors made by ops and can be
differentiated again.

This module sits beside the engine, under the ops: it uses the tensors' own methods (attached
by the ops) for the little arithmetic it does on graph gradients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kobai.autograd import grad_mode
from kobai.autograd.engine import _accumulate_leaf, _fit, topological_order

if TYPE_CHECKING:
    from kobai.autograd.function import Function
    from kobai.autograd.tensor import Tensor


def check_recording(caller: str) -> None:
    """Refuse ``create_graph=True`` where no graph may be recorded (inside ``no_grad()``)."""
    if not grad_mode.state.enabled:
        raise RuntimeError(
            f"{caller}(create_graph=True) was called under no_grad(), which forbids recording "
            "the graph of the gradient; leave no_grad() or wrap the call in kobai.enable_grad()"
        )


def graph_order(roots: Sequence[Function]) -> list[Function]:
    """Every node that the ``roots`` depend on, after all nodes that consume its output."""
    return topological_order(*roots)


def _fit_graph(grad: Tensor, tensor: Tensor, node: Function) -> Tensor:
    """The differentiable counterpart of the engine's un-broadcasting: sum to the input shape."""
    shape = tensor.data.shape
    extra = grad.ndim - len(shape)
    kept = grad.shape[extra:] if extra >= 0 else ()
    if extra < 0 or any(g != n and n != 1 for g, n in zip(kept, shape, strict=True)):
        raise RuntimeError(
            f"{node.name}.backward_graph returned a gradient of shape {grad.shape} for an input "
            f"of shape {shape}"
        )
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and kept[i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape) if grad.shape != shape else grad


def _needed(order: list[Function], leaves: dict[int, list[int]], nodes: dict) -> set[Function]:
    """The nodes from which some wanted input can be reached (only those are walked through)."""
    needed: set[Function] = set()
    for node in reversed(order):  # producers before consumers
        assert node.inputs is not None
        for t in node.inputs:
            child = t._ctx
            if (child is None and id(t) in leaves) or (
                child is not None and (child in needed or child in nodes)
            ):
                needed.add(node)
                break
    return needed


def _add(total: Any, grad: Any) -> Any:
    return grad if total is None else total + grad


def backpropagate(
    outputs: Sequence[Tensor],
    seeds: Sequence[Any],
    inputs: Sequence[Tensor] | None,
    *,
    retain_graph: bool,
    create_graph: bool,
) -> list[Any] | None:
    """Propagate ``seeds`` (d objective / d output, one per output) back through the graph.

    With ``inputs`` None, the gradients are added to the ``.grad`` of every leaf that requires
    them (``Tensor.backward``); otherwise the gradient of each input is returned (None for an
    input that the outputs do not depend on) and no ``.grad`` changes. Seeds and gradients are
    ndarrays, or tensors when ``create_graph`` (each op's ``backward_graph`` runs, recorded).
    """
    leaves: dict[int, list[int]] = {}
    nodes: dict[Function, list[int]] = {}
    for index, x in enumerate(inputs or ()):
        if x._ctx is None:
            leaves.setdefault(id(x), []).append(index)
        else:
            nodes.setdefault(x._ctx, []).append(index)
    results: list[Any] = [None] * len(inputs or ())

    def reach_leaf(tensor: Tensor, grad: Any, upstream: Any) -> None:
        if inputs is None:
            if create_graph:
                tensor.grad = _add(tensor.grad, grad)
            else:
                _accumulate_leaf(tensor, grad, upstream)
            return
        for i in leaves.get(id(tensor), ()):
            results[i] = _add(results[i], grad)

    pending: dict[Function, Any] = {}
    for output, seed in zip(outputs, seeds, strict=True):
        if output._ctx is None:
            reach_leaf(output, seed, seed)
        else:
            pending[output._ctx] = _add(pending.get(output._ctx), seed)
    order = graph_order(list(pending))
    needed = _needed(order, leaves, nodes) if inputs is not None else None
    recording = grad_mode.enable_grad() if create_graph else grad_mode.no_grad()
    with recording:
        for node in order:
            upstream = pending.pop(node, None)
            if upstream is None:
                continue
            for i in nodes.get(node, ()):
                results[i] = _add(results[i], upstream)
            if needed is not None and node not in needed:
                continue
            if node.retained is not None and inputs is None:
                reach_leaf(node.retained, upstream, upstream)
            _step(node, upstream, pending, reach_leaf, create_graph)
            if not retain_graph:
                node.release()
    return None if inputs is None else results


def _step(
    node: Function, upstream: Any, pending: dict, reach_leaf: Any, create_graph: bool
) -> None:
    """Run one node's backward and hand each input gradient on."""
    assert node.inputs is not None
    grads: tuple[Any, ...] = (
        node.backward_graph(upstream) if create_graph else node.backward(upstream)
    )
    for tensor, wanted, g in zip(node.inputs, node.needs_grad, grads, strict=True):
        if not wanted or g is None:
            continue
        if g.shape != tensor.data.shape:
            g = _fit_graph(g, tensor, node) if create_graph else _fit(g, tensor, node)
        child = tensor._ctx
        if child is None:
            reach_leaf(tensor, g, upstream)
        else:
            pending[child] = _add(pending.get(child), g)
