"""The status words of a descent run, each defined by one rule over the recorded run.

A run records the points ``x_0 ... x_k``, the values ``f_t = f(x_t)`` and the gradient norms.
With ``f*`` the function's lowest known value (its minima, or the lowest value on a grid of its
plotting range) the *gap* is ``g_t = f_t - f*``. The rules, tried in this order:

``diverged``
    A point, value or gradient became non-finite, or ``|f|`` or a coordinate passed the
    divergence threshold; the run stopped there (decided while running, see ``descend``).
``converged``
    From some step ``t`` on, every gradient norm is at most ``tol`` and every step moved at most
    ``tol * (1 + |x|)``; ``converged_at`` is the first such ``t``.
``diverging``
    Still finite, but the gap grows: it ends above where it started and the last quarter of
    the run reaches a new high (by 0.1 % of the starting gap).
``converging``
    Not converged, but the final gap is below 0.1 % of the starting gap: near the minimum when
    the step budget ended.
``oscillating``
    No progress in the second half (its lowest gap is not 1 % below the first half's) while
    most steps of the second half reverse the previous step's direction: the rate is too
    large to settle, too small to blow up.
``crawling``
    The best value improved on the start by less than 1 % of the starting gap: too small a
    learning rate, or a plateau.
``unfinished``
    Otherwise: real progress, but the budget ended before the run came near the minimum.

>>> import numpy as np
>>> steps = np.arange(41)
>>> points = (2 * (-1.1) ** steps)[:, None]          # SGD with lr 2.1 on x**2 / 2
>>> run_status(points, points[:, 0] ** 2 / 2, np.abs(points[:, 0]), tol=1e-6, f_min=0.0)
('diverging', None)
"""

from __future__ import annotations

import numpy as np

#: The statuses and what each means, for legends, captions and the playground.
STATUS_MEANINGS = {
    "diverged": "the values left every bound; the run stopped there",
    "converged": "the gradient and the steps fell below the tolerance and stayed there",
    "diverging": "the gap f - f* grows: it ends above its start and keeps reaching new highs",
    "converging": "within 0.1 % of the starting gap to f*, still moving when the budget ended",
    "oscillating": "no progress in the second half while the steps keep reversing direction",
    "crawling": "less than 1 % of the way from f(x0) to f* (rate too small, or a plateau)",
    "unfinished": "real progress, but the budget ended before the run came near f*",
}
#: The same in a few words, for legends.
STATUS_SHORT = {
    "diverged": "left every bound",
    "converged": "gradient and steps below tolerance",
    "diverging": "f − f* keeps growing",
    "converging": "within 0.1 % of the start's gap to f*",
    "oscillating": "bouncing back and forth, no progress",
    "crawling": "under 1 % of the way to f*",
    "unfinished": "budget ended before nearing f*",
}
STATUSES = tuple(STATUS_MEANINGS)
PROGRESS_FRACTION = 0.01  # of the starting gap: less is no progress (crawling, oscillating)
NEAR_FRACTION = 1e-3  # of the starting gap: a run ending closer is converging
GROWTH_FRACTION = 1e-3  # of the starting gap: a new high larger than this is growth


def run_status(
    points: np.ndarray, values: np.ndarray, grad_norms: np.ndarray, *, tol: float, f_min: float
) -> tuple[str, int | None]:
    """The status of a finite run and, for ``"converged"``, the step it converged at.

    Parameters
    ----------
    points : ndarray of shape (k + 1, dim)
    values, grad_norms : ndarray of shape (k + 1,)
    tol : float
        Tolerance on the gradient norm and the step length.
    f_min : float
        The lowest known value ``f*`` (``-inf`` if unknown: then the gap is taken to the
        lowest value the run reached).

    Returns
    -------
    (status, converged_at)
    """
    steps = np.zeros(len(points))
    steps[1:] = np.linalg.norm(np.diff(points, axis=0), axis=1)
    scale = 1.0 + np.linalg.norm(points, axis=1)
    still = (grad_norms <= tol) & (steps <= tol * scale)
    if still[-1]:
        moving = np.flatnonzero(~still)
        return "converged", int(moving[-1] + 1) if moving.size else 0
    floor = f_min if np.isfinite(f_min) else float(values.min())
    gap = values - floor
    start = float(gap[0])
    if _grows(gap, start):
        return "diverging", None
    if np.isfinite(f_min) and gap[-1] <= NEAR_FRACTION * max(start, 0.0):
        return "converging", None
    if _oscillates(points, gap):
        return "oscillating", None
    if start > tol and start - float(gap.min()) < PROGRESS_FRACTION * start:
        return "crawling", None
    return "unfinished", None


def _grows(gap: np.ndarray, start: float) -> bool:
    if len(gap) < 4 or gap[-1] <= start:
        return False
    quarter = max(1, len(gap) // 4)
    margin = GROWTH_FRACTION * max(abs(start), 1e-12)
    return bool(gap[-quarter:].max() > gap[:-quarter].max() + margin)


def _oscillates(points: np.ndarray, gap: np.ndarray) -> bool:
    half = len(gap) // 2
    if half < 2:
        return False
    before = float(gap[:half].min())
    if before - float(gap[half:].min()) > PROGRESS_FRACTION * abs(before):
        return False
    moves = np.diff(points[half - 1 :], axis=0)
    turns = np.einsum("ij,ij->i", moves[1:], moves[:-1]) < 0
    return bool(turns.mean() > 0.5)
