"""Curvature pieces that the curvature and learning-rate studies share: the single neuron's
Hessian, its minimum, and the measured stability threshold of gradient descent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai import nn


def neuron_hessian(x: np.ndarray, t: np.ndarray, w: float, b: float) -> Any:
    """The Hessian over ``(w, b)`` of the single neuron's mean squared error (source 000),
    ``L = mean((sigmoid(w x + b) - t)^2)``, as a :class:`~kobai.curvature.Hessian` of an
    ``nn`` model (float64)."""
    from kobai.curvature import Hessian

    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid()).double()
    model[0].weight.data[...] = w
    model[0].bias.data[...] = b
    data = (np.asarray(x, np.float64).reshape(-1, 1), np.asarray(t, np.float64).reshape(-1, 1))
    return Hessian(model, nn.MSELoss(), data)


def neuron_minimum(x: np.ndarray, t: np.ndarray, start: Any, iterations: int = 20) -> np.ndarray:
    """The ``(w, b)`` where the neuron's gradient vanishes, by Newton's method from ``start``
    (the exact gradient and the exact 2x2 Hessian at each iterate)."""
    point = np.array(start, dtype=np.float64)
    for _ in range(iterations):
        hessian = neuron_hessian(x, t, point[0], point[1])
        point = point - np.linalg.solve(hessian.matrix(), hessian.gradient())
    return point


def stability_threshold(
    converges: Callable[[float], bool], low: float, high: float, *, rel: float = 1e-3
) -> float:
    """The learning rate where ``converges`` turns from True to False, by bisection on a log
    scale to relative precision ``rel``; ``converges(low)`` must be True and
    ``converges(high)`` False."""
    if not converges(low) or converges(high):
        raise ValueError(
            f"the threshold is not bracketed: converges({low:g}) must be True and "
            f"converges({high:g}) False"
        )
    while high / low > 1 + rel:
        middle = float(np.sqrt(low * high))
        if converges(middle):
            low = middle
        else:
            high = middle
    return float(np.sqrt(low * high))


def returns_to(
    step: Callable[[np.ndarray, float], np.ndarray],
    centre: np.ndarray,
    offset: np.ndarray,
    lr: float,
    steps: int,
) -> bool:
    """Whether ``steps`` updates ``p <- step(p, lr)`` from ``centre + offset`` end closer to
    ``centre`` than they started (gradient descent converges back to the minimum)."""
    point = centre + offset
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            point = step(point, lr)
            if not np.isfinite(point).all():
                return False
    return bool(np.linalg.norm(point - centre) < np.linalg.norm(offset))
