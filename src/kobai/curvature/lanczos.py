r"""The Lanczos iteration with full reorthogonalisation, and the top eigenpairs it finds.

From a unit start vector :math:`q_1`, Lanczos builds an orthonormal basis
:math:`Q_m = [q_1, \dots, q_m]` of the Krylov space
:math:`\mathrm{span}\{q_1, A q_1, \dots, A^{m-1} q_1\}` in which :math:`A` is tridiagonal,

.. math:: A Q_m = Q_m T_m + \beta_m q_{m+1} e_m^\top, \qquad
          T_m = \mathrm{tridiag}(\beta_{j-1}, \alpha_j, \beta_j),

one product :math:`A q_j` per step. The eigenvalues of :math:`T_m` (Ritz values) approach the
extreme eigenvalues of :math:`A` first; a Ritz pair :math:`(\theta, Q_m s)` has the residual
:math:`\|A Q_m s - \theta Q_m s\| = |\beta_m s_m|`. In floating point the :math:`q_j` lose
their orthogonality as Ritz values converge, so every new vector is orthogonalised against
all earlier ones (twice, "twice is enough": Giraud et al. 2005).

Reference: Golub and Van Loan, *Matrix Computations*, 4th ed., section 10.1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.backend import as_rng
from kobai.curvature.operator import LinearOperator, apply, as_operator, check_vector
from kobai.validation import check_choice, check_int, check_real

WHICH = ("LA", "SA", "LM")
# A new Lanczos vector this much shorter than the product it came from lies in the span of
# the basis: the Krylov space is invariant and the iteration restarts in a fresh direction.
_BREAKDOWN = 1e-10


@dataclass(frozen=True)
class Tridiagonal:
    """What :func:`lanczos_tridiagonal` built.

    Attributes
    ----------
    alphas : ndarray of shape (m,)
        Diagonal of :math:`T_m`.
    betas : ndarray of shape (m,)
        ``betas[:-1]`` is the off-diagonal of :math:`T_m` (0 where the iteration restarted);
        ``betas[-1]`` is :math:`\\beta_m`, the length of the residual after the last step.
    basis : ndarray of shape (m, n)
        The orthonormal Lanczos vectors, one per row.
    """

    alphas: np.ndarray
    betas: np.ndarray
    basis: np.ndarray

    def matrix(self) -> np.ndarray:
        """:math:`T_m` as a dense ndarray of shape (m, m)."""
        m = self.alphas.size
        t = np.diag(self.alphas)
        idx = np.arange(m - 1)
        t[idx, idx + 1] = t[idx + 1, idx] = self.betas[:-1]
        return t


def lanczos_tridiagonal(
    a: Any,
    start: np.ndarray,
    steps: int,
    *,
    rng: np.random.Generator | int | None = None,
    stop: Callable[[np.ndarray, np.ndarray], bool] | None = None,
) -> Tridiagonal:
    """Run up to ``steps`` Lanczos steps from ``start`` with full reorthogonalisation.

    Parameters
    ----------
    a : LinearOperator, Hessian or symmetric ndarray of shape (n, n)
    start : ndarray of shape (n,)
        The start vector (normalised here; must not be zero).
    steps : int
        At most this many products with ``a`` (and never more than ``n``).
    rng : Generator or int, optional
        Draws a fresh direction when the Krylov space becomes invariant before ``steps``.
    stop : callable, optional
        ``stop(alphas, betas)`` after each step; True ends the iteration early.

    Returns
    -------
    Tridiagonal
    """
    op = as_operator(a)
    n = op.n
    q = check_vector(start, n, "start").astype(np.float64)
    length = float(np.linalg.norm(q))
    if length == 0.0:
        raise ValueError("the Lanczos start vector must not be zero")
    steps = min(check_int("steps", steps, low=1), n)
    basis = np.zeros((steps, n))
    alphas, betas = np.zeros(steps), np.zeros(steps)
    q = q / length
    generator = as_rng(rng) if rng is not None else np.random.default_rng(0)
    for j in range(steps):
        basis[j] = q
        w = apply(op, q)
        scale = float(np.linalg.norm(w))
        alphas[j] = q @ w
        w = _orthogonalise(w, basis[: j + 1])
        betas[j] = float(np.linalg.norm(w))
        m = j + 1
        if m == steps:
            break
        if betas[j] <= _BREAKDOWN * max(scale, abs(alphas[j]), 1e-300):
            # Invariant: the Ritz values so far are exact, but a repeated or unreached
            # eigenvalue can only show up in a direction the start vector did not contain.
            betas[j] = 0.0
            w = _orthogonalise(generator.standard_normal(n), basis[:m])
            q = w / np.linalg.norm(w)
        elif stop is not None and stop(alphas[:m], betas[:m]):
            break
        else:
            q = w / betas[j]
    return Tridiagonal(alphas[:m].copy(), betas[:m].copy(), basis[:m].copy())


def _orthogonalise(w: np.ndarray, basis: np.ndarray) -> np.ndarray:
    # Classical Gram-Schmidt applied twice is as accurate as modified Gram-Schmidt and is two
    # matrix-vector products instead of a Python loop over the basis.
    for _ in range(2):
        w = w - basis.T @ (basis @ w)
    return w


@dataclass(frozen=True)
class Eigenpairs:
    """Eigenvalues and eigenvectors found by :func:`top_eigenpairs`.

    Attributes
    ----------
    eigenvalues : ndarray of shape (k,)
        In the order asked for (``"LA"``: largest first; ``"SA"``: smallest first; ``"LM"``:
        largest magnitude first).
    eigenvectors : ndarray of shape (n, k)
        Unit vectors, column ``i`` for ``eigenvalues[i]``.
    residuals : ndarray of shape (k,)
        :math:`\\|A v_i - \\lambda_i v_i\\|`, measured with one more product each.
    iterations : int
        Lanczos steps (products with ``A``) before convergence.
    converged : bool
        Whether every residual estimate met the tolerance within ``max_iter`` steps.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    residuals: np.ndarray
    iterations: int
    converged: bool


def top_eigenpairs(
    a: Any,
    k: int = 1,
    *,
    rng: np.random.Generator | int | None = None,
    which: str = "LA",
    tol: float = 1e-6,
    max_iter: int | None = None,
    start: np.ndarray | None = None,
) -> Eigenpairs:
    """The ``k`` extreme eigenvalues and eigenvectors of a symmetric matrix, by Lanczos.

    Parameters
    ----------
    a : LinearOperator, Hessian or symmetric ndarray of shape (n, n)
    k : int, default 1
        How many eigenpairs (1 <= k <= n).
    rng : Generator or int, optional
        Draws the random start vector (and restarts). Same seed, same numbers.
    which : {"LA", "SA", "LM"}, default "LA"
        Largest algebraic (the sharpness :math:`\\lambda_{max}` of a Hessian), smallest
        algebraic, or largest magnitude.
    tol : float, default 1e-6
        Stop when every wanted Ritz pair has :math:`|\\beta_m s_m| \\le` ``tol`` times the
        largest Ritz value in magnitude; eigenvalue errors are then about ``tol**2``.
    max_iter : int, optional
        At most this many Lanczos steps (default ``min(n, max(100, 10 k))``).
    start : ndarray of shape (n,), optional
        Start vector instead of a random one (e.g. the last top eigenvector, to warm-start).

    Returns
    -------
    Eigenpairs

    Examples
    --------
    >>> import numpy as np
    >>> top_eigenpairs(np.diag([3.0, 1.0, 2.0]), k=2, rng=0).eigenvalues.round(12)
    array([3., 2.])
    """
    op = as_operator(a)
    _check_k(k, op)
    check_choice("which", which, WHICH)
    check_real("tol", tol, low=0, low_open=True)
    limit = min(op.n, max(100, 10 * k)) if max_iter is None else int(max_iter)
    if limit < k:
        raise ValueError(f"max_iter must be >= k = {k}, got {max_iter}")
    generator = as_rng(rng)
    v0 = generator.standard_normal(op.n) if start is None else start
    converged = [False]

    def stop(alphas: np.ndarray, betas: np.ndarray) -> bool:
        if alphas.size < k:
            return False
        values, vectors = _tridiagonal_eigh(alphas, betas)
        chosen = _select(values, which, k)
        scale = max(float(np.abs(values).max()), np.finfo(np.float64).tiny)
        estimates = np.abs(betas[-1] * vectors[-1, chosen])
        converged[0] = bool(np.all(estimates <= tol * scale))
        return converged[0]

    tri = lanczos_tridiagonal(op, v0, limit, rng=generator, stop=stop)
    values, vectors = _tridiagonal_eigh(tri.alphas, tri.betas)
    chosen = _select(values, which, k)
    ritz = tri.basis.T @ vectors[:, chosen]
    ritz /= np.linalg.norm(ritz, axis=0)
    residuals = np.array(
        [np.linalg.norm(apply(op, v) - values[c] * v) for v, c in zip(ritz.T, chosen, strict=True)]
    )
    exhausted = tri.alphas.size == op.n
    return Eigenpairs(values[chosen], ritz, residuals, tri.alphas.size, converged[0] or exhausted)


def _check_k(k: Any, op: LinearOperator) -> None:
    if not 1 <= check_int("k", k) <= op.n:
        raise ValueError(f"k must be between 1 and the matrix size n = {op.n}, got k = {k}")


def _tridiagonal_eigh(alphas: np.ndarray, betas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = alphas.size
    t = np.diag(alphas)
    idx = np.arange(m - 1)
    t[idx, idx + 1] = t[idx + 1, idx] = betas[: m - 1]
    return np.linalg.eigh(t)


def _select(values: np.ndarray, which: str, k: int) -> np.ndarray:
    if which == "LA":
        return np.argsort(-values, kind="stable")[:k]
    if which == "SA":
        return np.argsort(values, kind="stable")[:k]
    return np.argsort(-np.abs(values), kind="stable")[:k]
