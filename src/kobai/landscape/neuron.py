r"""The single neuron of source 000: ``y = f(w x + b)``, its loss surface over ``(w, b)``.

With training data :math:`(x_i, t_i)_{i=1}^N` and the mean squared error

.. math:: L(w, b) = \frac1N \sum_i \bigl(f(w x_i + b) - t_i\bigr)^2

the partial derivatives follow from the chain rule (source 000):

.. math::
    \frac{\partial L}{\partial w} = \frac2N \sum_i (y_i - t_i)\, f'(w x_i + b)\, x_i, \qquad
    \frac{\partial L}{\partial b} = \frac2N \sum_i (y_i - t_i)\, f'(w x_i + b)

and gradient descent repeats :math:`w \leftarrow w - \eta\, \partial L/\partial w`,
:math:`b \leftarrow b - \eta\, \partial L/\partial b` from a start point. Each step leaves its
contour line at a right angle, because the gradient is normal to the level set.

Examples
--------
>>> from kobai.data import make_single_neuron
>>> from kobai.landscape import neuron
>>> x, t = make_single_neuron(100, w=2.0, b=-1.0, rng=0)
>>> round(neuron.loss(x, t, 2.0, -1.0), 12)
0.0
>>> grid = neuron.loss_grid(x, t, [1.0, 2.0, 3.0], [-1.0, 0.0])
>>> grid.shape
(2, 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.autograd.grad_mode import no_grad
from kobai.nn import activation as act
from kobai.validation import Integer, Maybe, check_int, check_real, check_str

#: Largest grid (bytes of working memory) :func:`loss_grid` accepts by default.
MAX_GRID_BYTES = 2 * 1024**3
# More updates than anyone can look at; a bound keeps a typo (1e11) from eating the memory.
MAX_STEPS = 1_000_000
# Working buffer per chunk of data points: small enough to stay in cache-sized pieces.
_CHUNK_BYTES = 8 * 1024**2
_SCALAR_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softplus")


def _data(x: Any, t: Any) -> tuple[np.ndarray, np.ndarray]:
    xa, ta = np.asarray(x), np.asarray(t)
    if xa.ndim == 2 and xa.shape[1] == 1:
        xa = xa[:, 0]
    if ta.ndim == 2 and ta.shape[1] == 1:
        ta = ta[:, 0]
    if xa.ndim != 1 or ta.shape != xa.shape or xa.size == 0:
        raise ValueError(
            f"x and t must be the same number N >= 1 of scalars, shape (N,) or (N, 1); "
            f"got x {np.shape(x)} and t {np.shape(t)}"
        )
    dtype = np.result_type(xa.dtype, ta.dtype, np.float32)
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    return xa.astype(dtype, copy=False), ta.astype(dtype, copy=False)


def check_activation(activation: Any) -> str:
    """The normalised name of a single-neuron activation, or a ValueError listing the valid ones."""
    check_str("activation", activation, empty=True)
    key = activation.strip().lower().replace("-", "_")
    if key == "linear":
        key = "identity"
    if key not in (*_SCALAR_ACTIVATIONS, "identity"):
        raise ValueError(
            f"unknown activation {activation!r} for a single neuron; valid: "
            f"{', '.join((*_SCALAR_ACTIVATIONS, 'identity'))}"
        )
    return key


def activate(z: np.ndarray, activation: str) -> np.ndarray:
    """``f(z)`` of a named activation on an ndarray (same dtype; a new array)."""
    name = check_activation(activation)
    if name == "identity":
        return z.copy()
    with no_grad():
        return act.get(name)(z).data


def loss(x: Any, t: Any, w: float, b: float, activation: str = "sigmoid") -> float:
    """The mean squared error :math:`L(w, b)` at one point (reference for :func:`loss_grid`)."""
    xa, ta = _data(x, t)
    y = activate(xa * xa.dtype.type(w) + xa.dtype.type(b), activation)
    return float(np.mean((y.astype(np.float64) - ta) ** 2))


def gradient(x: Any, t: Any, w: float, b: float, activation: str = "sigmoid") -> np.ndarray:
    r"""The analytic gradient :math:`(\partial L/\partial w, \partial L/\partial b)` of source 000.

    Parameters
    ----------
    x, t : array_like of shape (N,) or (N, 1)
        Inputs and targets.
    w, b : float
        The point.
    activation : str, default "sigmoid"

    Returns
    -------
    ndarray of shape (2,), float64
    """
    xa, ta = _data(x, t)
    xd, td = xa.astype(np.float64), ta.astype(np.float64)
    z = w * xd + b
    residual = activate(z, activation) - td
    slope = act.derivative(check_activation(activation), z)
    common = 2.0 / xd.size * residual * slope
    return np.array([np.sum(common * xd), np.sum(common)])


def loss_grid(
    x: Any,
    t: Any,
    w_values: Any,
    b_values: Any,
    activation: str = "sigmoid",
    *,
    max_bytes: int = MAX_GRID_BYTES,
) -> np.ndarray:
    """The loss at every ``(w, b)`` of a grid, vectorised over the grid.

    The data are processed in chunks so that the working memory stays near 8 MB; for each
    chunk one array of shape ``(len(b_values), len(w_values), chunk)`` holds ``w x + b``,
    goes through the activation in place, and is reduced to squared errors.

    Parameters
    ----------
    x, t : array_like of shape (N,) or (N, 1)
        Inputs and targets (float32 stays float32).
    w_values, b_values : array_like of shape (nw,) and (nb,)
        The grid's axes.
    activation : str, default "sigmoid"
        sigmoid, tanh, relu, leaky_relu, elu, gelu, softplus or identity.
    max_bytes : int, keyword-only
        Refuse grids whose working memory (the result and one data point's buffer) would
        exceed this.

    Returns
    -------
    ndarray of shape (nb, nw)
        ``L[i, j] = L(w_values[j], b_values[i])``, rows along ``b`` as :func:`numpy.meshgrid`
        of ``(w_values, b_values)`` lays them out.
    """
    xa, ta = _data(x, t)
    name = check_activation(activation)
    w = np.asarray(w_values, dtype=xa.dtype).reshape(-1)
    b = np.asarray(b_values, dtype=xa.dtype).reshape(-1)
    cells = w.size * b.size
    if cells == 0:
        raise ValueError("w_values and b_values must not be empty")
    needed = cells * (8 + 2 * xa.itemsize)
    if needed > max_bytes:
        raise ValueError(
            f"a {b.size} x {w.size} grid needs at least {_size(needed)} of memory "
            f"(limit {_size(max_bytes)}); use fewer grid points or raise max_bytes"
        )
    chunk = max(1, min(xa.size, _CHUNK_BYTES // (cells * xa.itemsize)))
    total = np.zeros(cells, dtype=np.float64)
    for start in range(0, xa.size, chunk):
        total += _chunk_sse(xa[start : start + chunk], ta[start : start + chunk], w, b, name)
    return (total / xa.size).astype(xa.dtype).reshape(b.size, w.size)


def _chunk_sse(x: np.ndarray, t: np.ndarray, w: np.ndarray, b: np.ndarray, name: str) -> Any:
    """Sum over this chunk of squared errors, one per grid cell (flat, length nb * nw)."""
    z = np.empty((b.size, w.size, x.size), dtype=x.dtype)
    if name == "sigmoid":
        # 1 / (1 + exp(-z)), with -z built directly: one pass fewer than negating.
        np.add(np.multiply.outer(-w, x)[None], -b[:, None, None], out=z)
        with np.errstate(over="ignore"):
            np.exp(z, out=z)
        z += 1
        np.reciprocal(z, out=z)
    else:
        np.add(np.multiply.outer(w, x)[None], b[:, None, None], out=z)
        if name == "tanh":
            np.tanh(z, out=z)
        elif name == "relu":
            np.maximum(z, 0, out=z)
        elif name != "identity":
            z = activate(z, name)
    z -= t
    flat = z.reshape(-1, x.size)
    return np.einsum("ij,ij->i", flat, flat)


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


@dataclass
class NeuronTrajectory:
    """Gradient descent on the single neuron.

    Attributes
    ----------
    points : ndarray of shape (steps + 1, 2)
        ``(w_t, b_t)``, the start first.
    losses : ndarray of shape (steps + 1,)
        The full-data loss at each point (also for mini-batch and stochastic runs, so that
        the modes compare on the same scale).
    lr : float
    batch_size : int or None
        None for full batch.
    label : str
        "full batch", "mini-batch (B = 10)" or "stochastic (B = 1)".
    diverged_at : int or None
        The first update whose point or loss was not finite or passed ``1e6``: the run stopped
        there and ``points`` ends before it. None for a run that stayed bounded.
    """

    points: np.ndarray
    losses: np.ndarray
    lr: float
    batch_size: int | None
    label: str
    diverged_at: int | None = None

    def status_text(self, lang: str | None = None) -> str:
        """``"diverged at step 3 (lr 5 too large)"``, or ``""`` for a bounded run, in
        ``lang`` (default: kobai's language)."""
        from kobai.i18n import t

        if self.diverged_at is None:
            return ""
        return t("neuron.diverged_at", step=self.diverged_at, lr=f"{self.lr:g}", lang=lang)


#: A coordinate or loss beyond this means the run diverged (as in ``descend``).
DIVERGENCE = 1e6


def _batch_label(batch_size: int | None, n: int) -> str:
    if batch_size is None or batch_size >= n:
        return "full batch"
    if batch_size == 1:
        return "stochastic (B = 1)"
    return f"mini-batch (B = {batch_size})"


def descend_neuron(
    x: Any,
    t: Any,
    start: Any = (-0.5, 1.5),
    lr: float = 0.5,
    steps: int = 100,
    *,
    batch_size: int | None = None,
    activation: str = "sigmoid",
    rng: np.random.Generator | int | None = None,
) -> NeuronTrajectory:
    """Gradient descent on ``(w, b)`` with the analytic gradient, in one of three batch modes.

    Parameters
    ----------
    x, t : array_like of shape (N,) or (N, 1)
    start : (float, float), default (-0.5, 1.5)
        ``(w_0, b_0)``: the point marked "x" in the pictures.
    lr : float, default 0.5
    steps : int, default 100
        Number of updates.
    batch_size : int, optional, keyword-only
        None (or N): full batch. 1: stochastic (online) descent. Otherwise mini-batches; each
        epoch shuffles the data anew with ``rng`` and uses every sample once (source 002).
    activation : str, default "sigmoid", keyword-only
    rng : Generator or int, optional, keyword-only
        Needed for the shuffles of mini-batch and stochastic modes.

    Returns
    -------
    NeuronTrajectory
    """
    xa, ta = _data(x, t)
    n = xa.size
    check_activation(activation)
    steps = check_int("steps", steps, low=1, high=MAX_STEPS)
    lr = check_real("lr", lr, low=0)
    batch_size = Maybe(Integer(1)).check("batch_size", batch_size)
    size = n if batch_size is None else min(int(batch_size), n)
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    point = np.array(start, dtype=np.float64).reshape(-1)
    if point.shape != (2,):
        raise ValueError(f"start must be (w, b), got shape {point.shape}")
    points, losses = [point.copy()], [loss(xa, ta, point[0], point[1], activation)]
    diverged_at = None
    # Overflow on the way to divergence is expected: the run stops at it instead.
    with np.errstate(all="ignore"):
        for t, batch in enumerate(_batches(n, size, int(steps), generator), start=1):
            point = point - lr * gradient(xa[batch], ta[batch], point[0], point[1], activation)
            value = loss(xa, ta, point[0], point[1], activation)
            if not (np.all(np.abs(point) <= DIVERGENCE) and abs(value) <= DIVERGENCE):
                diverged_at = t
                break
            points.append(point.copy())
            losses.append(value)
    label = _batch_label(batch_size, n)
    return NeuronTrajectory(
        np.array(points), np.array(losses), float(lr), batch_size, label, diverged_at
    )


def _batches(n: int, size: int, steps: int, rng: np.random.Generator) -> Any:
    """``steps`` index arrays: consecutive slices of a fresh permutation per epoch."""
    if size >= n:
        full = np.arange(n)
        for _ in range(steps):
            yield full
        return
    done = 0
    while True:
        order = rng.permutation(n)
        for start in range(0, n, size):
            yield order[start : start + size]
            done += 1
            if done == steps:
                return


def gradient_arrows(
    x: Any, t: Any, points: Any, activation: str = "sigmoid"
) -> tuple[np.ndarray, np.ndarray]:
    """The analytic gradient at each of several ``(w, b)`` points, for drawing arrows.

    Returns
    -------
    points : ndarray of shape (m, 2)
    gradients : ndarray of shape (m, 2)
        ``(dL/dw, dL/db)`` at each point; the arrows of steepest descent are ``-gradients``.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    grads = np.array([gradient(x, t, w, b, activation) for w, b in pts]).reshape(-1, 2)
    return pts, grads
