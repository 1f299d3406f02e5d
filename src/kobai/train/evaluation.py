"""Predictions and scores of a model on data, in eval mode and without a graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd import Tensor, no_grad
from kobai.train import metrics as M


def pair_of_arrays(data: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``data = (X, y)`` as two ndarrays of the same, non-zero length (``name`` in errors)."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (X, y) of arrays, got {type(data).__name__}")
    x, y = (np.asarray(getattr(a, "data", a)) for a in data)
    if len(x) != len(y):
        raise ValueError(f"{name}: X and y have different lengths, {len(x)} and {len(y)}")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    return x, y


def predict(model: Any, x: np.ndarray, *, batch_size: int = 1024) -> np.ndarray:
    """The model's outputs for ``x`` in eval mode, without a graph, in batches.

    Returns
    -------
    ndarray of shape (n_samples, ...) — the raw outputs (logits for classifiers).
    """
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        with no_grad():
            outs = [model(Tensor(x[i : i + batch_size])).data for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    return np.concatenate(outs) if outs else np.empty((0,))


def evaluate(
    model: Any,
    data: tuple[Any, Any],
    loss: Callable[..., Any],
    *,
    task: str | None = None,
    batch_size: int = 1024,
) -> dict[str, float]:
    """Loss and metrics of ``model`` on ``data = (X, y)`` in eval mode, without a graph."""
    x, y = pair_of_arrays(data, "data")
    output = predict(model, x, batch_size=batch_size)
    with no_grad():
        value = float(loss(Tensor(output), y).item())
    return {"loss": value, **M.compute(task or M.infer_task(y), output, y)}


__all__ = ["evaluate", "pair_of_arrays", "predict"]
