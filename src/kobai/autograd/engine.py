"""Reverse-mode differentiation: walk the graph backwards and accumulate gradients.

:func:`tune_allocator` (``kobai.tune_allocator``) tunes the C allocator for training loops
when asked; the ``kobai`` commands do.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from kobai.backend import glibc

if TYPE_CHECKING:
    from kobai.autograd.function import Function
    from kobai.autograd.tensor import Tensor

FREED_GRAPH = (
    "trying to backward through the graph a second time (or after its saved values were "
    "freed); call .backward(retain_graph=True) the first time if you need to go back twice"
)


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape``.

    Parameters
    ----------
    grad : ndarray
        Gradient with the broadcast shape of an op's output.
    shape : tuple of int
        Shape of the op's input.

    Returns
    -------
    ndarray of shape ``shape`` (or ``grad`` unchanged when it cannot be summed to it; the
    engine then reports the mismatch).
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0:
        return grad
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    summed = grad.sum(axis=axes, keepdims=True) if axes else grad
    if extra:
        summed = summed.reshape(summed.shape[extra:])
    return summed


def topological_order(*roots: Function) -> list[Function]:
    """Every node that the ``roots`` depend on, each after all nodes that consume its output.

    Iterative depth-first search from each root in turn, so the depth of the graph is not
    limited by Python's recursion limit; the order depends only on the graph, never on memory
    addresses.
    """
    order: list[Function] = []
    visited: set[Function] = set()
    for root in roots:
        if root in visited:
            continue
        if root.inputs is None:
            raise RuntimeError(FREED_GRAPH)
        visited.add(root)
        stack = [(root, iter(root.inputs))]
        while stack:
            node, children = stack[-1]
            for tensor in children:
                child = tensor._ctx
                if child is not None and child not in visited:
                    if child.inputs is None:
                        raise RuntimeError(FREED_GRAPH)
                    visited.add(child)
                    stack.append((child, iter(child.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _fit(grad: np.ndarray, tensor: Tensor, node: Function) -> np.ndarray:
    if grad.shape != tensor.data.shape:
        grad = unbroadcast(grad, tensor.data.shape)
        if grad.shape != tensor.data.shape:
            raise RuntimeError(
                f"{node.name}.backward returned a gradient of shape {grad.shape} for an input "
                f"of shape {tensor.data.shape}"
            )
    return grad


def _accumulate_leaf(tensor: Tensor, grad: np.ndarray, upstream: np.ndarray) -> None:
    if tensor.grad is None:
        # The leaf must own its gradient: in-place work on it (accumulation, clipping) must
        # never reach an array that another tensor or the graph still holds.
        owned = grad.flags.owndata and grad.flags.writeable and grad is not upstream
        tensor.grad = grad if owned else grad.copy()
    else:
        tensor.grad += grad


# mallopt(3) parameters of glibc.
_M_TOP_PAD, _M_MMAP_THRESHOLD = -2, -3
_allocator_tuned = False


def tune_allocator() -> bool:
    """Ask glibc to keep freed memory for reuse instead of returning it to the system.

    A training step allocates and frees the same large arrays (activations, gradients,
    im2col columns) every time. By default glibc serves arrays above a threshold with fresh
    ``mmap`` pages and gives freed heap space back at once, so each step pays a page fault
    for every 4 KiB it touches again (measured: about 770 faults per step, a sixth to a fifth
    of the step time, for a small convolutional autoencoder: 7.2 ms a step, 6.0 ms tuned).
    This raises the ``mmap`` threshold to 32 MiB and keeps 64 MiB of slack at the top of the heap
    (``M_MMAP_THRESHOLD``, ``M_TOP_PAD``), which removes those faults. Peak memory does not
    grow (the memory kept is memory the process already used); it is returned to the system
    less eagerly.

    Never called by the library itself (it changes the whole process's allocator): call it
    once in a training script; the ``kobai`` commands and the benchmarks do. Does nothing on
    other C libraries or when the environment variable ``KOBAI_TUNE_MALLOC`` is ``0``.

    Returns
    -------
    bool
        True when the allocator was tuned.
    """
    global _allocator_tuned
    _allocator_tuned = True
    libc = glibc()  # only glibc has these mallopt parameters
    if os.environ.get("KOBAI_TUNE_MALLOC", "1") == "0" or libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(_M_TOP_PAD, 64 << 20))


def run_backward(root: Tensor, grad: np.ndarray, retain_graph: bool) -> None:
    """Propagate ``grad`` (d out / d root) from ``root`` to every leaf that requires grad."""
    node = root._ctx
    if node is None:
        _accumulate_leaf(root, grad, grad)
        return
    order = topological_order(node)
    pending: dict[Function, np.ndarray] = {node: grad}
    for node in order:
        upstream = pending.pop(node, None)
        if upstream is None:
            continue
        if node.retained is not None:
            _accumulate_leaf(node.retained, upstream, upstream)
        assert node.inputs is not None
        grads = node.backward(upstream)
        for tensor, needed, g in zip(node.inputs, node.needs_grad, grads, strict=True):
            if not needed or g is None:
                continue
            if g.shape != tensor.data.shape:
                g = _fit(g, tensor, node)
            child = tensor._ctx
            if child is not None:
                previous = pending.get(child)
                pending[child] = g if previous is None else previous + g
            else:
                _accumulate_leaf(tensor, g, upstream)
        if not retain_graph:
            node.release()
