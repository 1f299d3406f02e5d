"""Pictures of a network's loss landscape: 1-D slices, the interpolation from the initial to
the final parameters, 2-D contours with the training path, and 3-D surfaces (Li et al. 2018).

The functions take the results of :mod:`kobai.landscape.network` by their attributes (this
layer sits below the landscape layer and does not import it): a line needs ``alphas``,
``loss``, ``metric`` and ``metric_name``; a surface ``xs``, ``ys``, ``loss`` (ny, nx),
``metric`` and ``metric_name``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kobai.viz.curves import log_scale
from kobai.viz.style import PALETTE, FigureOrFiles, finish_figure, pyplot, text

# Perceptually uniform and readable in grey (colour-blind safe), as the descent pictures.
SURFACE_MAP = "viridis"
LOSS_COLOUR, METRIC_COLOUR, PATH_COLOUR = PALETTE[0], PALETTE[1], PALETTE[1]
# A loss spanning more than this ratio is drawn on a log scale.
LOG_RATIO = 30.0
FORMATS = ("png", "svg")


def _metric_label(name: str) -> str:
    return {"accuracy": text("land.accuracy"), "r2": "R²"}.get(name, name)


def _axis_label(label: str) -> str:
    """A plane's axis name as :mod:`kobai.landscape` writes it, in the figures' language."""
    found = re.fullmatch(r"direction (\d) \((\w+)-normalised\)", label)
    if found:
        return text("land.direction_norm", k=found[1], norm=found[2])
    found = re.fullmatch(r"direction (\d)", label)
    if found:
        return text("land.direction", k=found[1])
    found = re.fullmatch(r"PC(\d): (.+) of variance", label)
    return text("land.pc", k=found[1], share=found[2]) if found else label


def _log_scale(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size and finite.min() > 0 and finite.max() / finite.min() > LOG_RATIO)


def plot_loss_line(
    line: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    xlabel: str = "α",
    marks: Mapping[float, str] | None = None,
    formats: Sequence[str] = FORMATS,
) -> FigureOrFiles:
    """Loss (left axis, solid) and accuracy or R² (right axis, dashed) along a line.

    Parameters
    ----------
    line : LossLine
        ``alphas``, ``loss`` and ``metric`` of shape (n,), and ``metric_name``.
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.
    marks : mapping of float to str, optional
        Positions to mark with a dotted vertical line and a label (e.g. 0: "initial").

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    loss_handle = ax.plot(
        line.alphas, line.loss, "-", color=LOSS_COLOUR, lw=2, label=text("land.loss")
    )
    if _log_scale(np.asarray(line.loss)):
        log_scale(ax)
    other = ax.twinx()
    name = _metric_label(line.metric_name)
    metric_handle = other.plot(
        line.alphas, line.metric, "--", color=METRIC_COLOUR, lw=2, label=name
    )
    for x, mark in (marks or {}).items():
        ax.axvline(x, color="black", ls=":", lw=1)
        ax.annotate(mark, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                    textcoords="offset points", fontsize=9,
                    bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1})  # fmt: skip
    ax.set(xlabel=xlabel, ylabel=text("land.loss_log" if ax.get_yscale() == "log" else "land.loss"))
    ax.set_title(title if title is not None else text("land.line_title"))
    other.set_ylabel(name)
    ax.yaxis.label.set_color(LOSS_COLOUR)
    other.yaxis.label.set_color(METRIC_COLOUR)
    ax.grid(alpha=0.3)
    ax.legend(handles=loss_handle + metric_handle, loc="upper center", fontsize=9, ncol=2,
              bbox_to_anchor=(0.5, -0.14), frameon=False)  # fmt: skip
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def plot_interpolation(
    line: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    formats: Sequence[str] = FORMATS,
) -> FigureOrFiles:
    """:func:`plot_loss_line` of ``θ(α) = (1 − α) θ₀ + α θ₁`` with α = 0 and 1 marked.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    return plot_loss_line(
        line,
        path,
        title=title if title is not None else text("land.interp_title"),
        xlabel=text("land.interp_axis"),
        marks={0.0: text("land.initial"), 1.0: text("land.final")},
        formats=formats,
    )


def _levels(loss: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, Any]:
    """What to contour (clipped at the top 0.5 %), its levels and a norm: log-spaced levels
    when the loss spans orders of magnitude, else evenly spaced ones."""
    finite = loss[np.isfinite(loss)]
    if finite.size == 0:
        raise ValueError("the loss is not finite anywhere on the grid")
    lo, hi = float(finite.min()), float(np.percentile(finite, 99.5))
    hi = hi if hi > lo else lo + 1.0
    field = np.where(np.isfinite(loss), loss, hi)
    if _log_scale(finite):
        from matplotlib.colors import LogNorm

        levels = np.geomspace(lo, hi, n)
        return np.clip(field, lo * 1.0001, hi * 0.9999), levels, LogNorm(vmin=lo, vmax=hi)
    inset = 1e-4 * (hi - lo)
    return np.clip(field, lo + inset, hi - inset), np.linspace(lo, hi, n), None


def _log_ticks(lo: float, hi: float) -> list[float]:
    """1, 2, 5 times powers of ten between ``lo`` and ``hi`` (at most about 8 of them)."""
    ticks = [
        m * 10.0**k
        for k in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
        for m in (1, 2, 5)
        if lo <= m * 10.0**k <= hi
    ]
    if len(ticks) > 8:
        ticks = [t for t in ticks if np.isclose(np.log10(t) % 1, 0) or t == ticks[0]]
    return ticks or [lo, hi]


def plot_loss_contour(
    surface: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    axis_labels: tuple[str, str] = ("direction 1", "direction 2"),
    title: str | None = None,
    trajectory: np.ndarray | None = None,
    epochs: Sequence[int] | None = None,
    levels: int = 25,
    formats: Sequence[str] = FORMATS,
) -> FigureOrFiles:
    """Contours of the loss over a plane, the trained model starred, the training path on top.

    Parameters
    ----------
    surface : LossSurface
        ``xs`` (nx,), ``ys`` (ny,) and ``loss`` (ny, nx).
    axis_labels : (str, str)
        E.g. ``("PC1: 84.1% of variance", "PC2: 11.0% of variance")``.
    trajectory : ndarray of shape (n_points, 2), optional
        The training path projected on the plane, first point the initial parameters.
    epochs : sequence of int, optional
        The epoch of each trajectory point (labels).
    levels : int, default 25
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.6, 5.4))
    X, Y = np.meshgrid(surface.xs, surface.ys)
    field, values, norm = _levels(np.asarray(surface.loss, dtype=np.float64), levels)
    filled = ax.contourf(X, Y, field, levels=values, cmap=SURFACE_MAP, norm=norm, alpha=0.45)
    ax.contour(X, Y, field, levels=values, cmap=SURFACE_MAP, norm=norm, linewidths=0.8)
    bar = fig.colorbar(filled, ax=ax)
    bar.set_label(text("land.loss_log" if norm is not None else "land.loss"))
    lo, hi = float(values[0]), float(values[-1])
    if norm is not None:
        ticks = _log_ticks(lo, hi)
    else:
        from matplotlib.ticker import MaxNLocator

        ticks = [t for t in MaxNLocator(6).tick_values(lo, hi) if lo <= t <= hi]
    bar.ax.minorticks_off()
    bar.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    if trajectory is not None:
        _draw_path(ax, np.asarray(trajectory), epochs)
    ax.plot(0.0, 0.0, "*", color="white", mec="black", markersize=15, ls="none", zorder=6,
            label=text("land.trained"))  # fmt: skip
    ax.set(xlabel=_axis_label(axis_labels[0]), ylabel=_axis_label(axis_labels[1]),
           title=title if title is not None else text("land.contour_default"))  # fmt: skip
    ax.legend(loc="best", fontsize=8, framealpha=0.85)
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def _draw_path(ax: Any, points: np.ndarray, epochs: Sequence[int] | None) -> None:
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=3.5, foreground="white", alpha=0.8)]
    ax.plot(points[:, 0], points[:, 1], "-o", color=PATH_COLOUR, lw=1.8, markersize=3.5,
            path_effects=halo, zorder=4, label=text("land.path"))  # fmt: skip
    ax.plot(*points[0], "X", color="black", mec="white", markersize=10, ls="none", zorder=5,
            label=text("land.initial_params"))  # fmt: skip
    if epochs is None:
        return
    for k in _spaced_labels(ax, points):
        ax.annotate(f"{epochs[k]}", points[k], xytext=(4, 4), textcoords="offset points",
                    fontsize=8, path_effects=halo, zorder=6)  # fmt: skip


#: Epoch labels closer than this (in pixels) to another label or to the end would overlap.
LABEL_GAP = 24.0


def _spaced_labels(ax: Any, points: np.ndarray, most: int = 9) -> list[int]:
    """Indices of the path points to number: not the start or the end (they have markers),
    at most ``most``, and none within ``LABEL_GAP`` pixels of another label or of the end."""
    ax.get_xlim(), ax.get_ylim()  # settle the autoscaled limits before measuring pixels
    pixels = ax.transData.transform(points)
    every = max(1, (len(points) - 2) // most)
    chosen: list[int] = []
    for k in range(1, len(points) - 1, every):
        taken = [pixels[-1], pixels[0], *(pixels[i] for i in chosen)]
        if all(np.hypot(*(pixels[k] - p)) >= LABEL_GAP for p in taken):
            chosen.append(k)
    return chosen


def plot_loss_surface(
    surface: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    axis_labels: tuple[str, str] = ("direction 1", "direction 2"),
    title: str | None = None,
    elevation: float = 35.0,
    azimuth: float = -60.0,
    formats: Sequence[str] = FORMATS,
) -> FigureOrFiles:
    """The loss over a plane as a 3-D surface.

    Values above ten times the upper quartile are clipped (and the axis says so), so a few
    huge losses at the edges of a wide plane do not flatten the basin into a floor. The
    contours are drawn again on the floor of the box.

    Parameters
    ----------
    surface : LossSurface
    axis_labels : (str, str)
    elevation, azimuth : float
        The viewing angles, in degrees.
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    plt = pyplot()
    loss = np.asarray(surface.loss, dtype=np.float64)
    finite = loss[np.isfinite(loss)]
    if finite.size == 0:
        raise ValueError("the loss is not finite anywhere on the grid")
    cap = min(float(finite.max()), 10.0 * float(np.percentile(finite, 75)))
    Z = np.minimum(np.where(np.isfinite(loss), loss, cap), cap)
    X, Y = np.meshgrid(surface.xs, surface.ys)
    fig = plt.figure(figsize=(7.2, 5.6))
    # The floor's contours lie under the surface: drawn first, below it, they stay hidden
    # where the surface covers them instead of showing through it.
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    floor = float(Z.min()) - 0.15 * float(Z.max() - Z.min())
    ax.contour(X, Y, Z, levels=15, zdir="z", offset=floor, cmap=SURFACE_MAP, linewidths=0.8,
               zorder=0)  # fmt: skip
    ax.plot_surface(X, Y, Z, cmap=SURFACE_MAP, linewidth=0, antialiased=True,
                    rcount=min(len(surface.ys), 101), ccount=min(len(surface.xs), 101),
                    alpha=0.95, zorder=1)  # fmt: skip
    ax.set_zlim(floor, float(Z.max()))
    clipped = cap < float(finite.max())
    ax.set_xlabel(_axis_label(axis_labels[0]), labelpad=8)
    ax.set_ylabel(_axis_label(axis_labels[1]), labelpad=8)
    zlabel = text("land.loss_clipped", cap=f"{cap:.3g}") if clipped else text("land.loss")
    ax.set_zlabel(zlabel, labelpad=10)
    ax.set_title(title if title is not None else text("land.surface_default"))
    ax.view_init(elev=elevation, azim=azimuth)
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def plot_run_landscape(
    result: Any, out_dir: str | os.PathLike[str] | None = None, *, formats: Sequence[str] = FORMATS
) -> dict[str, FigureOrFiles]:
    """All four pictures of a run's landscape (a ``RunLandscape``) into ``out_dir``.

    Returns
    -------
    dict of str to Figure or list of Path
        ``"slice"``, ``"interpolation"``, ``"contour"`` and ``"surface"``: the files written,
        or the Figures when no ``out_dir`` is given.
    """

    def out(name: str) -> Path | None:
        return None if out_dir is None else Path(out_dir) / name

    where = text("land.samples", title=result.title, samples=f"{result.samples:,}")
    labels = tuple(result.axis_labels)
    plane = text("land.pca_plane" if result.mode == "pca" else "land.random_plane")
    return {
        "slice": plot_loss_line(
            result.line, out("slice"),
            title=text("land.slice_title", where=where),
            xlabel=text("land.slice_axis"), formats=formats,
        ),
        "interpolation": plot_interpolation(
            result.interpolation, out("interpolation"),
            title=text("land.interp_run_title", where=where), formats=formats,
        ),
        "contour": plot_loss_contour(
            result.surface, out("contour"), axis_labels=labels,
            title=text("land.contour_title", plane=plane, where=where),
            trajectory=result.trajectory, epochs=result.epochs or None, formats=formats,
        ),
        "surface": plot_loss_surface(
            result.surface, out("surface"), axis_labels=labels,
            title=text("land.surface_title", plane=plane, where=where), formats=formats,
        ),
    }  # fmt: skip
