"""Gradients of a model's loss by finite differences, parameter by parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd import Tensor, no_grad
from kobai.train.checkpoint import generator_states, set_generator_states
from kobai.validation import check_real


def numerical_gradients(
    model: Any, loss: Callable[..., Any], x: np.ndarray, y: np.ndarray, *, h: float = 1e-4
) -> float:
    """Set every parameter's ``.grad`` to the central difference of the loss; return the loss.

    See :func:`numerical_step`, which also returns the model's output.
    """
    return numerical_step(model, loss, x, y, h=h)[0]


def numerical_step(
    model: Any, loss: Callable[..., Any], x: np.ndarray, y: np.ndarray, *, h: float = 1e-4
) -> tuple[float, np.ndarray]:
    """Set every parameter's ``.grad`` to the central difference of the loss; return the loss
    and the output of the unperturbed pass (a training step's output, for its metrics).

    Each parameter element costs two forward passes, so this is one pass per parameter where
    backpropagation costs a few passes in all: exact, and very slow for large networks (the
    point source document 001 makes). Every pass sees the same function: the random layers'
    generators (dropout masks, noise) are rewound before each pass, so all of them draw the
    mask a backpropagation step would draw, and the generators end where one training-mode
    pass leaves them. Buffers (BatchNorm running statistics) are restored after the perturbed
    passes, so only the unperturbed pass counts. Use float64 models for accurate differences;
    float32 rounds them at about 1e-3 of their size.
    """
    check_real("h", h, low=0, low_open=True)
    inputs = Tensor(x)
    buffers = (
        {k: v.copy() for k, v in model.named_buffers()} if hasattr(model, "named_buffers") else {}
    )
    generators = generator_states(model) if hasattr(model, "named_modules") else {}

    def forward() -> Tensor:
        # A new dropout mask per pass would difference two different functions.
        set_generator_states(model, generators)
        return model(inputs)

    def value() -> float:
        return float(loss(forward(), y).data)

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
        output = forward()
        return float(loss(output, y).data), output.data


def _restore(model: Any, buffers: dict[str, np.ndarray]) -> None:
    current = dict(model.named_buffers())
    for name, saved in buffers.items():
        current[name][...] = saved
