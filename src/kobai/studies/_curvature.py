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
    model.load_state_dict({"0.weight": np.array([[w]]), "0.bias": np.array([b])})
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
    converges: Callable[[float], bool], low: float, high: float, *, rel: float = 1e-4
) -> tuple[float, float]:
    """The learning rates ``(low, high)`` between which ``converges`` turns from True to
    False, by bisection on a log scale until ``high / low <= 1 + rel``; ``converges(low)``
    must be True and ``converges(high)`` False."""
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
    return float(low), float(high)


def returns_to(
    step: Callable[[np.ndarray, float], np.ndarray],
    centre: np.ndarray,
    offset: np.ndarray,
    lr: float,
    steps: int,
) -> bool:
    """Whether ``steps`` updates ``p <- step(p, lr)`` from ``centre + offset`` stay near
    ``centre`` and end closer to it than they started (gradient descent converges back).

    Staying near matters: above the bound the iterates can fly off and, by chance, land
    close to the minimum again."""
    point, start = centre + offset, float(np.linalg.norm(offset))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            point = step(point, lr)
            distance = float(np.linalg.norm(point - centre))
            if not distance <= 2 * start:  # also catches NaN
                return False
    return distance < start


def descent_step(hessian: Any) -> Callable[[np.ndarray, float], np.ndarray]:
    """One gradient-descent update of the model behind ``hessian``, on flat parameters:
    ``step(p, lr) = p - lr * grad L(p)`` (the gradient by an ordinary backward pass)."""

    def step(point: np.ndarray, lr: float) -> np.ndarray:
        start = 0
        for p in hessian.params:
            p.data[...] = point[start : start + p.data.size].reshape(p.data.shape)
            start += p.data.size
        return point - lr * hessian.gradient().astype(np.float64)

    return step


def flat_parameters(hessian: Any) -> np.ndarray:
    """The current parameters of the model behind ``hessian`` as one float64 vector."""
    return np.concatenate([p.data.reshape(-1) for p in hessian.params]).astype(np.float64)


def measured_threshold(hessian: Any, centre: np.ndarray, *, steps: int = 300) -> dict[str, Any]:
    """The largest learning rate from which gradient descent returns to the minimum
    ``centre``, measured by bisection, beside the prediction :math:`2/\\lambda_{max}`.

    Returns ``lambda_max``, ``predicted``, ``measured`` (the middle of the bisection's last
    ``bracket``, which holds the true threshold). The descent starts a little off the
    minimum, mostly along the top eigenvector (where the instability shows first) and a
    little along a fixed random direction.
    """
    top = hessian.eigenvalues(1, rng=0, tol=1e-8)
    predicted = 2.0 / float(top.eigenvalues[0])
    scale = 1e-3 * max(1.0, float(np.linalg.norm(centre)))
    other = np.random.default_rng(0).standard_normal(centre.size)
    offset = scale * (top.eigenvectors[:, 0] + 0.01 * other / np.linalg.norm(other))
    step = descent_step(hessian)
    try:
        low, high = stability_threshold(
            lambda lr: returns_to(step, centre, offset, lr, steps), 0.5 * predicted, 2 * predicted
        )
    finally:
        step(centre, 0.0)  # leave the model at the minimum
    return {"lambda_max": float(top.eigenvalues[0]), "predicted": predicted,
            "measured": float(np.sqrt(low * high)), "bracket": (low, high)}  # fmt: skip
