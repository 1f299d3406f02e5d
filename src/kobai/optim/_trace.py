"""The points an optimizer visits: a few steps on a small function, for examples and lessons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor, tensor
from kobai.validation import check_int


def _squares(w: Tensor) -> Tensor:
    return (w * w).sum()


def trace_steps(
    optimizer: Callable[..., Any],
    start: Sequence[float] | np.ndarray,
    steps: int = 1,
    *,
    loss: Callable[[Tensor], Tensor] = _squares,
    **hyper: Any,
) -> np.ndarray:
    r"""The weights an optimizer visits while it minimizes ``loss`` from ``start``.

    Each step is the usual ``zero_grad()``, ``loss(w).backward()``, ``step()``.

    Parameters
    ----------
    optimizer : callable
        An optimizer class (or any function ``optimizer([w], **hyper)`` that makes one).
    start : sequence of float or ndarray of shape (n,)
        The starting weights (made float32).
    steps : int, default 1
        How many steps to take.
    loss : callable, default ``sum(w ** 2)``
        The function minimized, of a Tensor of shape (n,) to a scalar Tensor.
    **hyper
        The optimizer's hyper-parameters.

    Returns
    -------
    ndarray of shape (steps + 1, n), float32
        The starting weights, then the weights after each step.

    Examples
    --------
    >>> from kobai.optim import SGD, trace_steps
    >>> trace_steps(SGD, [1.0, -2.0], 2, lr=0.25)  # w - 0.25 * 2w halves w
    array([[ 1.  , -2.  ],
           [ 0.5 , -1.  ],
           [ 0.25, -0.5 ]], dtype=float32)
    """
    w = tensor(np.asarray(start, dtype=np.float32), requires_grad=True)
    opt = optimizer([w], **hyper)
    points = [w.data.copy()]
    for _ in range(check_int("steps", steps, low=0)):
        opt.zero_grad()
        loss(w).backward()
        opt.step()
        points.append(w.data.copy())
    return np.stack(points)
