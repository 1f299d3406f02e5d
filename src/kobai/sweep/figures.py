"""Figures of a sweep: the metric against each axis, a heatmap of two axes, learning curves
with seed bands. matplotlib is imported when a figure is drawn.

Each function given a path writes a PNG and an SVG there and returns the two paths; given no
path it returns the matplotlib Figure, released from pyplot, which a notebook shows inline
once (as ``kobai.viz``'s ``plot_*`` do).
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from kobai.sweep.analysis import _goal, configurations
from kobai.sweep.plan import format_value
from kobai.validation import check_choice, is_real
from kobai.viz.style import PALETTE, FigureOrFiles, finish_figure, pyplot, text

FORMATS = ("png", "svg")


def _check_axis(results: Any, what: str, name: str) -> None:
    names = [a.name for a in results.plan.axes]
    if name not in names:
        raise ValueError(f"{what} must be an axis of the sweep ({', '.join(names)}), got {name!r}")


def _metric_goal(results: Any, metric: str | None, goal: str | None) -> tuple[str, str]:
    """The metric (the plan's by default) and whether lower or higher is better."""
    metric = metric or results.plan.metric
    goal = _goal(results, metric) if goal is None else check_choice("goal", goal, ("min", "max"))
    return metric, goal


def curve_metric(histories: dict[str, list[dict[str, Any]]], metric: str) -> str:
    """``metric`` if the histories record it per epoch, else ``train_loss``."""
    return metric if any(metric in h[0] for h in histories.values() if h) else "train_loss"


def _numeric(values: list[Any]) -> bool:
    return all(is_real(v) for v in values)


def _log_axis(name: str, values: list[Any]) -> bool:
    positive = _numeric(values) and all(v > 0 for v in values)
    return positive and (name.endswith("lr") or max(values) / min(values) >= 100)


def _group_axis(results: Any, axis: str) -> str | None:
    """The categorical axis to draw one line per value of (the optimizer, when varied)."""
    names = [a.name for a in results.plan.axes if a.name != axis]
    for name in (["optimizer"] if "optimizer" in names else []) + names:
        values = list(dict.fromkeys(r[name] for r in results))
        if not _numeric(values) and len(values) <= len(PALETTE):
            return name
    return None


def _profile(groups: list[dict[str, Any]], axis: str, goal: str) -> dict[Any, dict[str, Any]]:
    """For each value of ``axis``, the configuration with the best mean (over other axes)."""
    best: dict[Any, dict[str, Any]] = {}
    for g in groups:
        x = g["params"][axis]
        mean = g["mean"]
        if x not in best or (
            math.isfinite(mean)
            and (not math.isfinite(best[x]["mean"]) or (mean < best[x]["mean"]) == (goal == "min"))
        ):
            best[x] = g
    return best


def plot_metric_by_axis(
    results: Any,
    axis: str,
    path: str | os.PathLike[str] | None = None,
    *,
    metric: str | None = None,
    goal: str | None = None,
) -> FigureOrFiles:
    """Final ``metric`` against ``axis``: mean and 95% interval over seeds, one line per
    optimizer (the best over any other axes at each point; points with whiskers along a
    categorical axis); diverged points marked x.

    Parameters
    ----------
    results : SweepResults
    axis : str
        One of the sweep's axes (``lr``, ``optimizer``, ...).
    path : path, optional
        Where to write ``.png`` and ``.svg`` (the suffix is replaced). None: nothing is
        written and the Figure is returned.
    metric : str, optional
        Default: the plan's metric.
    goal : {"min", "max"}, optional
        Whether lower or higher is better (picks the best over other axes). Default: the
        plan's goal for its metric, else ``min`` for a loss and ``max`` for anything else.

    Returns
    -------
    matplotlib.figure.Figure or list of Path
        The Figure (released from pyplot: a notebook shows it once) when ``path`` is None,
        else the PNG and SVG written.
    """
    _check_axis(results, "axis", axis)
    metric, goal = _metric_goal(results, metric, goal)
    plt = pyplot()
    groups = configurations(results, metric)
    by = _group_axis(results, axis)
    lines = list(dict.fromkeys(g["params"][by] for g in groups)) if by else [None]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    xs_all = list(dict.fromkeys(g["params"][axis] for g in groups))
    numeric = _numeric(xs_all)
    others = len(results.plan.axes) > (1 if by is None else 2)
    for color, line in zip(PALETTE, lines, strict=False):
        members = [g for g in groups if by is None or g["params"][by] == line]
        profile = _profile(members, axis, goal)
        xs = [x for x in xs_all if x in profile]
        pos = np.array(xs if numeric else [xs_all.index(x) for x in xs], dtype=float)
        mean = np.array([profile[x]["mean"] for x in xs])
        low = np.array([profile[x]["low"] for x in xs])
        high = np.array([profile[x]["high"] for x in xs])
        label = f"{by}={line}" if by else text("sweep.fig.best_other") if others else metric
        if numeric:
            ax.plot(pos, mean, "o-", color=color, label=label)
            ax.fill_between(pos, low, high, color=color, alpha=0.2, linewidth=0)
        else:
            # Categories have no order between them: points with whiskers, no line.
            shift = 0.08 * (lines.index(line) - (len(lines) - 1) / 2)
            pos = pos + shift
            whiskers = np.array([mean - low, high - mean])
            ax.errorbar(pos, mean, yerr=whiskers, fmt="o", color=color, capsize=4, label=label)
        lost = ~np.isfinite(mean)
        if lost.any():
            top = np.nanmax(high) if np.isfinite(high).any() else 1.0
            ax.plot(pos[lost], np.full(lost.sum(), top), "x", color=color, markersize=9)
    if numeric and _log_axis(axis, xs_all):
        ax.set_xscale("log")
    if not numeric:
        ax.set_xticks(range(len(xs_all)), [str(x) for x in xs_all])
    ax.set_xlabel(axis)
    ax.set_ylabel(text("sweep.fig.final", metric=metric))
    ax.set_title(text("sweep.fig.by_axis", metric=metric, axis=axis))
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return finish_figure(fig, path, formats=FORMATS)


def plot_heatmap(
    results: Any,
    rows: str,
    columns: str,
    path: str | os.PathLike[str] | None = None,
    *,
    metric: str | None = None,
    goal: str | None = None,
) -> FigureOrFiles:
    """Mean final ``metric`` over seeds for each (``rows``, ``columns``) pair (the best over
    any other axes); blank where a seed diverged.

    Parameters
    ----------
    results : SweepResults
    rows, columns : str
        Two of the sweep's axes.
    path : path, optional
        Where to write ``.png`` and ``.svg``. None: the Figure is returned.
    metric : str, optional
        Default: the plan's metric.
    goal : {"min", "max"}, optional
        Default: as in :func:`plot_metric_by_axis`.

    Returns
    -------
    matplotlib.figure.Figure or list of Path
        The Figure (released from pyplot) when ``path`` is None, else the files written.
    """
    _check_axis(results, "rows", rows)
    _check_axis(results, "columns", columns)
    metric, goal = _metric_goal(results, metric, goal)
    plt = pyplot()
    groups = configurations(results, metric)
    ys = list(dict.fromkeys(g["params"][rows] for g in groups))
    xs = list(dict.fromkeys(g["params"][columns] for g in groups))
    if _numeric(xs):
        xs = sorted(xs)
    grid = np.full((len(ys), len(xs)), np.nan)
    for (y, x), g in _pairs(groups, rows, columns, goal).items():
        grid[ys.index(y), xs.index(x)] = g["mean"]
    fig, ax = plt.subplots(figsize=(1.2 * len(xs) + 2.5, 0.6 * len(ys) + 2))
    cmap = "viridis_r" if goal == "min" else "viridis"
    image = ax.imshow(grid, cmap=cmap, aspect="auto")
    fig.colorbar(image, ax=ax, label=text("sweep.fig.mean_final", metric=metric))
    for i in range(len(ys)):
        for j in range(len(xs)):
            value = grid[i, j]
            cell = text("sweep.col.diverged") if math.isnan(value) else f"{value:.3g}"
            # Dark text on the light end of the colour map, white on the dark end.
            red, green, blue, _ = (
                image.cmap(image.norm(value)) if not math.isnan(value) else (1,) * 4
            )
            light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
            ax.text(j, i, cell, ha="center", va="center", fontsize=8,
                    color="black" if light else "white")  # fmt: skip
    ax.set_xticks(range(len(xs)), [f"{x:.3g}" if _numeric([x]) else str(x) for x in xs])
    ax.set_yticks(range(len(ys)), [str(y) for y in ys])
    ax.set_xlabel(columns)
    ax.set_ylabel(rows)
    ax.set_title(text("sweep.fig.heatmap", metric=metric, rows=rows, columns=columns))
    return finish_figure(fig, path, formats=FORMATS)


def _pairs(groups: list[dict[str, Any]], a: str, b: str, goal: str) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for g in groups:
        key = (g["params"][a], g["params"][b])
        old = out.get(key)
        mean = g["mean"]
        if (
            old is None
            or (math.isfinite(mean) and not math.isfinite(old["mean"]))
            or (math.isfinite(mean) and (mean < old["mean"]) == (goal == "min"))
        ):
            out[key] = g
    return out


def plot_learning_curves(
    results: Any,
    histories: dict[str, list[dict[str, Any]]] | None = None,
    path: str | os.PathLike[str] | None = None,
    *,
    metric: str | None = None,
) -> FigureOrFiles:
    """``metric`` per epoch: for each configuration the mean over seeds and a band from the
    lowest to the highest seed; one panel per optimizer (when varied), at most 16 lines each.

    Parameters
    ----------
    results : SweepResults
    histories : dict of cell key -> list of dict, optional
        Each cell's per-epoch rows. Default: read from the sweep's store
        (``results.history(key)``).
    path : path, optional
        Where to write ``.png`` and ``.svg``. None: the Figure is returned.
    metric : str, optional
        Default: the plan's metric if the histories record it per epoch, else ``train_loss``.

    Returns
    -------
    matplotlib.figure.Figure or list of Path
        The Figure (released from pyplot) when ``path`` is None, else the files written.
    """
    if histories is None:
        histories = {r["key"]: results.history(r["key"]) for r in results}
    if metric is None:
        metric = curve_metric(histories, results.plan.metric)
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()
    by = _group_axis(results, "")
    panels = list(dict.fromkeys(r[by] for r in results)) if by else [None]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.8), squeeze=False)
    configs = list(dict.fromkeys(r["config_key"] for r in results))
    for ax, panel in zip(axes[0], panels, strict=True):
        shown = [c for c in configs if by is None or _record(results, c)[by] == panel]
        for color, config in zip(PALETTE * 4, shown[:16], strict=False):
            curves = [
                [row.get(metric, math.nan) for row in histories.get(r["key"], [])]
                for r in results
                if r["config_key"] == config and r["status"] in ("done", "diverged")
            ]
            if not curves:
                continue
            length = max(len(c) for c in curves)
            stack = np.array([c + [math.nan] * (length - len(c)) for c in curves], dtype=float)
            epochs = np.arange(1, length + 1)
            with np.errstate(all="ignore"):
                ax.plot(
                    epochs,
                    np.nanmean(stack, axis=0),
                    color=color,
                    label=_short(results, config, by),
                )
                ax.fill_between(epochs, np.nanmin(stack, axis=0), np.nanmax(stack, axis=0),
                                color=color, alpha=0.15, linewidth=0)  # fmt: skip
        ax.set_title(f"{by}={panel}" if by else metric)
        ax.set_xlabel(text("curves.epoch"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs, never 1.5
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.suptitle(text("sweep.fig.curves", metric=metric), y=1.02)
    return finish_figure(fig, path, formats=FORMATS)


def _record(results: Any, config: str) -> dict[str, Any]:
    return next(r for r in results if r["config_key"] == config)


def _short(results: Any, config: str, by: str | None) -> str:
    """A configuration's label without the panel's axis (values may hold commas)."""
    record = _record(results, config)
    parts = [f"{a.name}={format_value(record[a.name])}" for a in results.plan.axes if a.name != by]
    return ",".join(parts) or config
