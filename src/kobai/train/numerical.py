"""Gradients of a model's loss by finite differences, parameter by parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd import Tensor, no_grad


def numerical_gradients(
    model: Any, loss: Callable[..., Any], x: np.ndarray, y: np.ndarray, *, h: float = 1e-4
) -> float:
    """Set every parameter's ``.grad`` to the central difference of the loss; return the loss.

    Each parameter element costs two forward passes, so this is one pass per parameter where
    backpropagation costs a few passes in all: exact, and very slow for large networks (the
    point source document 001 makes). Buffers (BatchNorm running statistics) are restored
    after the perturbed passes, so only the unperturbed pass counts. Use float64 models for
    accurate differences; float32 rounds them at about 1e-3 of their size.
    """
    if h <= 0:
        raise ValueError(f"h must be > 0, got {h}")
    inputs = Tensor(x)
    buffers = (
        {k: v.copy() for k, v in model.named_buffers()} if hasattr(model, "named_buffers") else {}
    )

    def value() -> float:
        return float(loss(model(inputs), y).data)

    with no_grad():
        for p in model.parameters():
            flat = p.data.reshape(-1)
            grad = np.empty(flat.size, dtype=np.float64)
            for i in range(flat.size):
                original = flat[i]
                flat[i] = original + h
                upper = value()
                flat[i] = original - h
                lower = value()
                flat[i] = original
                grad[i] = (upper - lower) / (2 * h)
            p.grad = grad.reshape(p.data.shape).astype(p.data.dtype)
        if buffers:
            _restore(model, buffers)
        return value()


def _restore(model: Any, buffers: dict[str, np.ndarray]) -> None:
    current = dict(model.named_buffers())
    for name, saved in buffers.items():
        current[name][...] = saved
