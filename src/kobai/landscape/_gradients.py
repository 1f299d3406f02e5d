"""Hand-written NumPy gradients of the registered test functions (descend's fast path).

Each repeats, operation by operation, what autograd computes for the function's formula in
:mod:`kobai.landscape.functions` (PowScalar's ``2.0 * a`` and ``p * a ** (p - 1)``, Div's
``grad / b``, Cos's ``-grad * sin(a)``, and, where a variable feeds three or more terms, the
order in which the engine adds their contributions), so that descend's paths are the same to
the last bit as with autograd. Each takes points of shape (..., dim) and returns gradients of
that shape and dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _xy(p: Any) -> tuple[Any, Any]:
    return p[..., 0], p[..., 1]


def _stack(*parts: Any) -> np.ndarray:
    # np.array of one point's scalars is several times faster than np.stack (descend's case).
    out = np.array(parts)
    return out if out.ndim == 1 else np.moveaxis(out, 0, -1)


def quadratic(p: np.ndarray) -> np.ndarray:
    return _stack(1 / 2 * (2.0 * p[..., 0]))


def bowl(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    return _stack(1 / 20 * (2.0 * x), 2.0 * y)


def rosenbrock(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    g_valley = 100 * (2.0 * (y - x * x))
    return _stack(-(2.0 * (1 - x)) + -g_valley * (2.0 * x), g_valley)


def beale(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    y2, y3 = y * y, np.power(y, 3.0)
    g1, g2, g3 = (2.0 * (c - x + x * v) for c, v in ((1.5, y), (2.25, y2), (2.625, y3)))
    # The engine visits the third term first and, within a term, the product before "c - x".
    gx = g3 * y3 + -g3 + g2 * y2 + -g2 + g1 * y + -g1
    gy = g3 * x * (3.0 * np.power(y, 2.0)) + g2 * x * (2.0 * y) + g1 * x
    return _stack(gx, gy)


def himmelblau(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    g1, g2 = 2.0 * (x * x + y - 11), 2.0 * (x + y * y - 7)
    return _stack(g1 * (2.0 * x) + g2, g1 + g2 * (2.0 * y))


def saddle(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    return _stack(2.0 * x, 1 / 4 * (4.0 * np.power(y, 3.0)) + -1 / 2 * (2.0 * y))


def rastrigin(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    tau = 2 * np.pi
    return _stack(*(2.0 * v + 10 * np.sin(tau * v) * tau for v in (x, y)))


def plateau(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    g = -(-np.exp(-(x * x + y * y) / 8) / 8)
    return _stack(g * (2.0 * x), g * (2.0 * y))


def hill(p: np.ndarray) -> np.ndarray:
    x, y = _xy(p)
    g_hill = -(2 * np.exp(-((x + 2.5) * (x + 2.5) + y * y)))
    return _stack(
        1 / 10 * (2.0 * x) + g_hill * (2.0 * (x + 2.5)), 1 / 10 * (2.0 * y) + g_hill * (2.0 * y)
    )
