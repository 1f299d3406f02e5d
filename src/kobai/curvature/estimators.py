r"""Stochastic estimators of a symmetric matrix's spectrum: Hutchinson's trace and stochastic
Lanczos quadrature (SLQ) for the eigenvalue density.

Both rest on random probes :math:`v` with :math:`\mathbb E[v v^\top] = I`: then
:math:`\mathbb E[v^\top A v] = \mathrm{tr}(A)`, and the spectral measure of :math:`A` seen
from :math:`v / \|v\|` averages to the eigenvalue density
:math:`\phi(t) = \frac1n \sum_i \delta(t - \lambda_i)`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.backend import as_rng
from kobai.curvature.lanczos import _tridiagonal_eigh, lanczos_tridiagonal
from kobai.curvature.operator import apply, as_operator, rademacher
from kobai.validation import check_int, check_real, is_integer


@dataclass(frozen=True)
class TraceEstimate:
    """Hutchinson's estimate of a trace.

    Attributes
    ----------
    trace : float
        The mean of the samples :math:`v_j^\\top A v_j`.
    stderr : float
        Their standard deviation over :math:`\\sqrt{\\text{probes}}` (NaN for one probe).
    probes : int
    samples : ndarray of shape (probes,)
    """

    trace: float
    stderr: float
    probes: int
    samples: np.ndarray


def hutchinson_trace(
    a: Any, *, rng: np.random.Generator | int | None = None, probes: int = 100
) -> TraceEstimate:
    r"""The trace of a symmetric matrix from products with random sign vectors.

    .. math:: \mathrm{tr}(A) \approx \frac1m \sum_{j=1}^m v_j^\top A v_j, \qquad
              v_j \in \{-1, +1\}^n \text{ (Rademacher)}

    Rademacher probes give the smallest variance among probes with independent entries,
    :math:`2 \sum_{i \ne j} A_{ij}^2` per sample (Hutchinson 1990).

    Parameters
    ----------
    a : LinearOperator, Hessian or symmetric ndarray of shape (n, n)
    rng : Generator or int, optional
        Draws the probes. Same seed, same numbers.
    probes : int, default 100
        Number of products with ``a``.

    Returns
    -------
    TraceEstimate

    Examples
    --------
    >>> import numpy as np
    >>> hutchinson_trace(np.diag([1.0, 2.0, 3.0]), rng=0, probes=10).trace
    6.0
    """
    op = as_operator(a)
    m = check_int("probes", probes, low=1)
    generator = as_rng(rng)
    samples = np.empty(m)
    for j in range(m):
        v = rademacher(generator, op.n)
        samples[j] = v @ apply(op, v)
    stderr = float(samples.std(ddof=1) / math.sqrt(m)) if m > 1 else math.nan
    return TraceEstimate(float(samples.mean()), stderr, m, samples)


@dataclass(frozen=True)
class Density:
    """An eigenvalue density by stochastic Lanczos quadrature.

    Attributes
    ----------
    grid : ndarray of shape (points,)
        Where the density is evaluated (eigenvalue axis).
    density : ndarray of shape (points,)
        :math:`\\hat\\phi` on ``grid``; it integrates to 1 over a grid that covers the nodes.
    nodes : ndarray of shape (probes, steps)
        Ritz values of each probe's Lanczos run (the quadrature nodes).
    weights : ndarray of shape (probes, steps)
        Their weights (squared first components of the Ritz vectors; each row sums to 1).
    sigma : float
        Standard deviation of the Gaussian that broadens each node.
    """

    grid: np.ndarray
    density: np.ndarray
    nodes: np.ndarray
    weights: np.ndarray
    sigma: float

    def moment_samples(self, p: int) -> np.ndarray:
        """Each probe's quadrature of :math:`t^p`, shape (probes,): unbiased samples of
        :math:`\\mathrm{tr}(A^p) / n`, exact per probe for ``p < 2 * steps``."""
        return (self.weights * self.nodes**p).sum(axis=1)

    def broadened(self, sigma: float, grid: int | np.ndarray = 2000) -> Density:
        """The same quadrature with another broadening and grid (e.g. one shared by several
        densities, so that their curves compare)."""
        sigma = check_real("sigma", sigma, low=0, low_open=True)
        points = _grid(
            grid, float(self.nodes.min()) - 5 * sigma, float(self.nodes.max()) + 5 * sigma
        )
        values = _broaden(points, self.nodes, self.weights, float(sigma)) / self.nodes.shape[0]
        return Density(points, values, self.nodes, self.weights, float(sigma))

    def moment(self, p: int) -> float:
        """:math:`\\frac1n \\mathrm{tr}(A^p)` estimated from the probes (before broadening)."""
        return float(self.moment_samples(p).mean())


def slq_density(
    a: Any,
    *,
    rng: np.random.Generator | int | None = None,
    probes: int = 10,
    steps: int = 80,
    sigma: float | None = None,
    grid: int | np.ndarray = 2000,
) -> Density:
    r"""The eigenvalue density of a symmetric matrix by stochastic Lanczos quadrature.

    For each probe :math:`v` (Rademacher, normalised), ``steps`` Lanczos steps give a
    tridiagonal :math:`T` with eigenpairs :math:`(\theta_i, s_i)`; the Gauss quadrature
    :math:`\sum_i s_{1i}^2 f(\theta_i)` of :math:`v^\top f(A) v` is exact for polynomials
    of degree below ``2 * steps``. Each node is broadened by a Gaussian:

    .. math:: \hat\phi(t) = \frac{1}{\text{probes}} \sum_{\text{probes}} \sum_i s_{1i}^2
              \, \frac{1}{\sigma\sqrt{2\pi}} e^{-(t - \theta_i)^2 / 2\sigma^2}

    Reference: Ghorbani, Krishnan and Xiao, "An Investigation into Neural Net Optimization
    via Hessian Eigenvalue Density", ICML 2019 (as PyHessian's ``density``).

    Parameters
    ----------
    a : LinearOperator, Hessian or symmetric ndarray of shape (n, n)
    rng : Generator or int, optional
        Draws the probes. Same seed, same numbers.
    probes : int, default 10
    steps : int, default 80
        Lanczos steps per probe (at most n).
    sigma : float, optional
        Broadening; default 1/200 of the span of the nodes.
    grid : int or ndarray, default 2000
        Number of evenly spaced points from 5 sigma below the smallest node to 5 sigma above
        the largest, or the points themselves.

    Returns
    -------
    Density
    """
    op = as_operator(a)
    m = check_int("probes", probes, low=1)
    s = min(check_int("steps", steps, low=1), op.n)
    generator = as_rng(rng)
    nodes, weights = np.zeros((m, s)), np.zeros((m, s))
    for j in range(m):
        tri = lanczos_tridiagonal(op, rademacher(generator, op.n), s, rng=generator)
        values, vectors = _tridiagonal_eigh(tri.alphas, tri.betas)
        nodes[j, : values.size], weights[j, : values.size] = values, vectors[0] ** 2
    span = float(nodes.max() - nodes.min())
    width = span / 200 if sigma is None else check_real("sigma", sigma, low=0, low_open=True)
    if not width > 0:
        width = max(abs(float(nodes.max())), 1.0) * 1e-3
    points = _grid(grid, float(nodes.min()) - 5 * width, float(nodes.max()) + 5 * width)
    return Density(points, _broaden(points, nodes, weights, width) / m, nodes, weights, width)


def _grid(grid: int | np.ndarray, low: float, high: float) -> np.ndarray:
    if is_integer(grid):
        return np.linspace(low, high, check_int("grid", grid, low=2))
    points = np.asarray(grid, dtype=np.float64)
    if points.ndim != 1 or points.size < 2 or not np.isfinite(points).all():
        raise ValueError(f"grid must be an int or a finite 1-D array of >= 2 points, got {grid!r}")
    return points


def _broaden(points: np.ndarray, nodes: np.ndarray, weights: np.ndarray, sigma: float) -> Any:
    out = np.zeros_like(points)
    norm = 1.0 / (sigma * math.sqrt(2 * math.pi))
    for theta, w in zip(nodes.ravel(), weights.ravel(), strict=True):
        if w > 0:
            out += w * norm * np.exp(-0.5 * ((points - theta) / sigma) ** 2)
    return out
