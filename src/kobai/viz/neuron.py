"""Pictures of the single neuron ``y = f(w x + b)`` (source 000): its loss surface over (w, b).

The numbers come from :mod:`kobai.landscape.neuron` (this layer does not import it): a loss
grid of shape ``(len(b_values), len(w_values))``, trajectories with ``points`` (``(k, 2)``
rows of ``(w, b)``), ``losses``, ``lr`` and ``label``, and gradient arrows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from kobai.viz.descent import CONTOUR_MAP, MINIMUM_STYLE, START_STYLE, TRACE_COLOURS, light_map
from kobai.viz.style import FigureOrFiles, finish_figure, pyplot, text


def mode_label(label: str) -> str:
    """The batch mode's label of :func:`kobai.landscape.neuron.descend_neuron` ("full batch",
    "mini-batch (B = 10)", "stochastic (B = 1)") in the figures' language; other labels as
    they are."""
    import re

    if label == "full batch":
        return text("neuron.full_batch")
    if label == "stochastic (B = 1)":
        return text("neuron.stochastic")
    found = re.fullmatch(r"mini-batch \(B = (\d+)\)", label)
    return text("neuron.minibatch", size=int(found.group(1))) if found else label


def _log_levels(losses: np.ndarray, n: int = 22) -> tuple[np.ndarray, Any]:
    from matplotlib.colors import LogNorm

    finite = losses[np.isfinite(losses)]
    lo = max(float(finite.min()), float(finite.max()) * 1e-4, 1e-12)
    hi = float(finite.max())
    return np.geomspace(lo * 1.0001, hi, n), LogNorm(vmin=lo, vmax=hi)


def draw_loss_contours(
    ax: Any, w_values: Any, b_values: Any, losses: np.ndarray, *, true_params: Any = None
) -> None:
    """Log-spaced filled contours of the loss over (w, b), with equal axis scales (so that a
    right angle on the page is a right angle in parameter space)."""
    W, B = np.meshgrid(np.asarray(w_values), np.asarray(b_values))
    levels, norm = _log_levels(losses)
    field = np.clip(losses, levels[0] * 1.0001, levels[-1] * 0.9999)
    filled = ax.contourf(W, B, field, levels=levels, norm=norm, cmap=light_map())
    filled.set_rasterized(True)
    ax.contour(W, B, field, levels=levels, norm=norm, cmap=CONTOUR_MAP, linewidths=0.7)
    if true_params is not None:
        ax.plot(*true_params, **MINIMUM_STYLE, zorder=6)
    ax.set(xlabel=text("neuron.weight"), ylabel=text("neuron.bias"))
    ax.set_xlim(W.min(), W.max())
    ax.set_ylim(B.min(), B.max())
    ax.set_aspect("equal")


def _draw_arrows(ax: Any, arrows: tuple[Any, Any], span: float) -> Any:
    """Unit descent directions -grad L / |grad L| at the given points, drawn to scale."""
    points, grads = (np.asarray(a, dtype=np.float64) for a in arrows)
    norms = np.linalg.norm(grads, axis=1, keepdims=True)
    keep = norms[:, 0] > 0
    directions = -grads[keep] / norms[keep] * 0.07 * span
    return ax.quiver(
        points[keep, 0], points[keep, 1], directions[:, 0], directions[:, 1],
        angles="xy", scale_units="xy", scale=1, color="black", width=0.004, zorder=7,
    )  # fmt: skip


def plot_neuron_landscape(
    w_values: Any,
    b_values: Any,
    losses: np.ndarray,
    trajectory: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    arrows: tuple[Any, Any] | None = None,
    true_params: Any = None,
    activation: str = "sigmoid",
    samples: int | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> FigureOrFiles:
    """The loss surface in 3-D beside its contours, with the descent path from the start "x".

    Parameters
    ----------
    w_values, b_values : array_like of shape (nw,), (nb,)
        The grid's axes.
    losses : ndarray of shape (nb, nw)
        :func:`kobai.landscape.neuron.loss_grid` on that grid.
    trajectory : NeuronTrajectory
        ``points`` (k, 2), ``losses`` (k,), ``lr``, ``label``.
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.
    arrows : (points, gradients), optional
        Arrays of shape (m, 2): the gradient at each point; drawn as unit arrows of steepest
        descent, which cross the contour lines at right angles.
    true_params : (w, b), optional
        The parameters that made the data (starred).

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    plt = pyplot()
    fig = plt.figure(figsize=(14, 6.2))
    ax3 = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)
    ax = fig.add_subplot(1, 2, 2)
    _surface(ax3, w_values, b_values, losses, trajectory)
    draw_loss_contours(ax, w_values, b_values, losses, true_params=true_params)
    pts = np.asarray(trajectory.points)
    ax.plot(pts[:, 0], pts[:, 1], "-o", color=TRACE_COLOURS[1], lw=1.4, markersize=3, zorder=5,
            label=text("neuron.path", label=mode_label(trajectory.label), lr=trajectory.lr,
                       steps=_steps_text(trajectory)))  # fmt: skip
    _mark_divergence(ax, trajectory, TRACE_COLOURS[1])
    ax.plot(*pts[0], **START_STYLE, zorder=8, label=text("neuron.start_wb"))
    if arrows is not None:
        span = float(np.ptp(np.asarray(w_values)))
        quiver = _draw_arrows(ax, arrows, span)
        quiver.set_label(text("neuron.quiver"))
    if true_params is not None:
        ax.plot([], [], **MINIMUM_STYLE, label=text("neuron.true_wb"))
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    ax.set_title(text("neuron.contour_title"), fontsize=11)
    n = text("neuron.samples", n=samples) if samples else ""
    fig.suptitle(text("neuron.title", activation=activation, samples=n), fontsize=13)
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def _steps_text(tr: Any) -> str:
    return _status_text(tr) or text("neuron.steps", n=len(tr.points) - 1)


def _status_text(tr: Any) -> str:
    """A run's ``status_text()`` in the figures' language: where it diverged, or ``""``."""
    from kobai.i18n.fonts import figure_language

    return tr.status_text(lang=figure_language()) if hasattr(tr, "status_text") else ""


def _mark_divergence(ax: Any, tr: Any, colour: str) -> None:
    """An X where a diverged run was last bounded, if that is in view."""
    if getattr(tr, "diverged_at", None) is not None:
        ax.plot(*np.asarray(tr.points)[-1], "X", color=colour, mec="white", markersize=10,
                zorder=7)  # fmt: skip


def _surface(ax: Any, w_values: Any, b_values: Any, losses: np.ndarray, tr: Any) -> None:
    W, B = np.meshgrid(np.asarray(w_values), np.asarray(b_values))
    stride = max(1, len(np.asarray(w_values)) // 100)
    ax.plot_surface(
        W[::stride, ::stride], B[::stride, ::stride], losses[::stride, ::stride],
        cmap=CONTOUR_MAP, alpha=0.65, linewidth=0, rcount=100, ccount=100, zorder=1,
        rasterized=True,
    )  # fmt: skip
    lift = 0.01 * float(np.ptp(losses))
    pts, path_losses = np.asarray(tr.points), np.asarray(tr.losses)
    # The surface's box stays the plotted grid: a path that leaves it is cut where it leaves.
    inside = np.cumprod(
        (pts[:, 0] >= W.min()) & (pts[:, 0] <= W.max())
        & (pts[:, 1] >= B.min()) & (pts[:, 1] <= B.max())
        & (path_losses <= float(np.nanmax(losses)))
    ).astype(bool)  # fmt: skip
    ax.plot(pts[inside, 0], pts[inside, 1], path_losses[inside] + lift, "-o",
            color=TRACE_COLOURS[1], lw=1.6, markersize=2.5, zorder=3)  # fmt: skip
    ax.plot(*pts[0], tr.losses[0] + lift, **START_STYLE, zorder=4)
    ax.set(xlim=(W.min(), W.max()), ylim=(B.min(), B.max()))
    ax.set_zlim(float(np.nanmin(losses)), float(np.nanmax(losses)))
    if not inside.all():
        ax.text2D(0.02, 0.98, text("neuron.leaves"), transform=ax.transAxes,
                  fontsize=8, color=TRACE_COLOURS[1])  # fmt: skip
    ax.set(xlabel=text("neuron.weight"), ylabel=text("neuron.bias"), zlabel=text("neuron.loss_wb"))
    ax.view_init(elev=32, azim=-125)
    ax.set_title(text("neuron.surface_title"), fontsize=11)


def plot_batch_modes(
    w_values: Any,
    b_values: Any,
    losses: np.ndarray,
    trajectories: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    true_params: Any = None,
    activation: str = "sigmoid",
    formats: tuple[str, ...] = ("png", "svg"),
) -> FigureOrFiles:
    """Full-batch, mini-batch and stochastic descent on the same loss surface, same start.

    Left: the paths over the contours (the noise of stochastic updates shows as a ragged
    path); right: the full-data loss after each update, on a log scale.

    Parameters
    ----------
    trajectories : mapping of label -> NeuronTrajectory, or a sequence of them
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    runs = dict(trajectories) if isinstance(trajectories, Mapping) else {
        t.label: t for t in trajectories
    }  # fmt: skip
    plt = pyplot()
    fig, (ax, ax_l) = plt.subplots(1, 2, figsize=(13.5, 5.8))
    draw_loss_contours(ax, w_values, b_values, losses, true_params=true_params)
    for colour, (label, tr) in zip(TRACE_COLOURS[1:] * 3, runs.items(), strict=False):
        pts = np.asarray(tr.points)
        status = _status_text(tr)
        entry = f"{mode_label(label)}, lr={tr.lr:g}" + (f": {status}" if status else "")
        ax.plot(pts[:, 0], pts[:, 1], "-", color=colour, lw=1.3, zorder=5, label=entry)
        _mark_divergence(ax, tr, colour)
        ax_l.plot(np.arange(len(tr.losses)), tr.losses, color=colour, lw=1.6, label=entry)
        if getattr(tr, "diverged_at", None) is not None:
            ax_l.plot(len(tr.losses) - 1, tr.losses[-1], "X", color=colour, markersize=9)
    first = next(iter(runs.values()))
    ax.plot(*np.asarray(first.points)[0], **START_STYLE, zorder=8, label=text("descent.start"))
    if true_params is not None:
        ax.plot([], [], **MINIMUM_STYLE, label=text("neuron.true_wb"))
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    ax.set_title(text("neuron.paths_title"), fontsize=11)
    ax_l.set_yscale("log")
    ax_l.set(xlabel=text("neuron.update_step"), ylabel=text("neuron.loss_all_log"))
    ax_l.set_title(text("neuron.loss_after_title"), fontsize=11)
    ax_l.grid(alpha=0.3, which="both")
    ax_l.legend(fontsize=8)
    fig.suptitle(
        text("neuron.batch_title", activation=activation),
        fontsize=13,
    )
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)
