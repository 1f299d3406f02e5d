"""Pictures of descent on test functions: the 1-D steps with tangents, the 2-D race, 3-D views.

The functions take a test function and trajectories as :mod:`kobai.landscape` makes them (any
object with the same attributes will do: this layer sits below the landscape layer and does not
import it). A trajectory needs ``label``, ``points``, ``values``, ``status``, ``diverged_at``,
``steps`` and ``describe_hyper()``; a function needs ``name``, ``label``, ``dim``, ``bounds``,
``minima``, ``f_min``, ``log_levels``, ``grid(n)``, ``value(points)`` and ``gradient(point)``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from kobai.i18n.fonts import monospace
from kobai.viz.style import (
    OVER_STYLE,
    PALETTE,
    FigureOrFiles,
    finish_figure,
    identical_to,
    pyplot,
    text,
    text_or,
)

# Yellow is hard to see on a light background: it goes last.
TRACE_COLOURS = (*PALETTE[:6], PALETTE[7], PALETTE[6])
# Light, perceptually uniform and readable in grey: the paths on top stay the strongest colours.
CONTOUR_MAP = "viridis"
START_STYLE = {"marker": "x", "color": "black", "markersize": 11, "mew": 2.5, "ls": "none"}
MINIMUM_STYLE = {"marker": "*", "color": "white", "mec": "black", "markersize": 14, "ls": "none"}


def as_runs(trajectories: Any) -> dict[str, Any]:
    """A mapping label -> trajectory from one trajectory, a sequence or a mapping."""
    if isinstance(trajectories, Mapping):
        return dict(trajectories)
    if hasattr(trajectories, "points"):
        return {trajectories.label: trajectories}
    return {t.label: t for t in trajectories}


def legend_label(tr: Any) -> str:
    """``"sgd (lr=2.1): diverging (f − f* keeps growing)"``: the status with its rule in a
    few words (:data:`kobai.landscape.status.STATUS_SHORT`)."""
    from kobai.i18n.fonts import figure_language
    from kobai.landscape.status import STATUS_SHORT

    if hasattr(tr, "status_text"):
        shown = tr.status_text(lang=figure_language())
    else:
        shown = text_or(f"descent.status.{tr.status}", tr.status)
    why = STATUS_SHORT.get(tr.status)
    if why:
        why = text_or(f"descent.why.{tr.status}", why)
    return f"{tr.label} ({tr.describe_hyper()}): {shown}" + (f" ({why})" if why else "")


def _value_axis(function: Any, runs: dict[str, Any]) -> tuple[str, float | None]:
    """What the value panel plots: the gap to the minimum on a log scale when it can."""
    f_min = function.f_min
    if f_min is not None:
        return text("descent.gap_log"), f_min
    if all((tr.values > 0).all() for tr in runs.values()):
        return text("descent.value_log"), 0.0
    return "f(xₜ)", None


def same_paths(runs: dict[str, Any]) -> dict[str, str]:
    """``{label: earlier label}`` for runs whose path would hide under an earlier one's."""
    return identical_to({label: tr.points for label, tr in runs.items()})


def identical_note(label: str, same: dict[str, str]) -> str:
    """``" (dashed: identical to adam)"`` for a run drawn over another, else ``""``."""
    return f" (dashed: identical to {same[label]})" if label in same else ""


def plot_values(ax: Any, function: Any, runs: dict[str, Any]) -> None:
    """f(x_t) (or its gap to the minimum) against step, one line per run; a line identical
    to an earlier one is dashed over it."""
    ylabel, offset = _value_axis(function, runs)
    # The smallest positive float64 gap is rounding: show it as a floor, not a hole.
    ys = {label: tr.values if offset is None else np.maximum(tr.values - offset, 1e-16)
          for label, tr in runs.items()}  # fmt: skip
    same = identical_to(ys, log=offset is not None)
    for colour, (label, tr) in zip(TRACE_COLOURS * 4, runs.items(), strict=False):
        steps = np.arange(len(tr.values))
        y = ys[label]
        ax.plot(steps, y, color=colour, lw=1.8, **(OVER_STYLE if label in same else {}))
        if tr.status == "diverged":
            ax.plot(steps[-1], y[-1], marker="X", color=colour, markersize=9, ls="none")
    if offset is not None:
        ax.set_yscale("log")
    ax.set(xlabel=text("descent.step"), ylabel=ylabel, title=text("descent.value_title"))
    ax.grid(alpha=0.3, which="both")


def _contour_field(function: Any, Z: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, Any]:
    """What to contour, its levels, and a norm: for steep valleys the gap ``f - f*`` with
    log-spaced levels, else ``f`` with evenly spaced ones (both clipped at the top 0.5 %)."""
    finite = Z[np.isfinite(Z)]
    lo, hi = float(finite.min()), float(np.percentile(finite, 99.5))
    if function.log_levels:
        from matplotlib.colors import LogNorm

        ref = function.f_min if function.f_min is not None else lo
        gap_hi = hi - ref
        gap_lo = max(float(np.percentile(finite - ref, 1.0)), gap_hi * 1e-5, 1e-12)
        levels = np.geomspace(gap_lo, gap_hi, n)
        # Clip strictly inside the outer levels: values exactly on them are left unfilled.
        field = np.clip(Z - ref, gap_lo * 1.001, gap_hi * 0.999)
        return field, levels, LogNorm(vmin=gap_lo, vmax=gap_hi)
    inset = 1e-3 * (hi - lo)
    return np.clip(Z, lo + inset, hi - inset), np.linspace(lo, hi, n), None


def light_map(strength: float = 0.3) -> Any:
    """The contour colour map blended with white (not drawn with alpha, which leaves seams
    between filled bands)."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    colours = colormaps[CONTOUR_MAP](np.linspace(0, 1, 256))
    colours[:, :3] = strength * colours[:, :3] + (1 - strength)
    return ListedColormap(colours)


def draw_contours(ax: Any, function: Any, *, n: int = 201, levels: int | None = None) -> None:
    """Filled contours and contour lines of a 2-D function over its bounds, minima starred.

    ``levels`` defaults to the function's own ``levels`` (25 when it has none)."""
    X, Y, Z = function.grid(n)
    count = levels if levels is not None else getattr(function, "levels", 25)
    field, values, norm = _contour_field(function, Z, count)
    filled = ax.contourf(X, Y, field, levels=values, cmap=light_map(), norm=norm)
    filled.set_rasterized(True)
    ax.contour(X, Y, field, levels=values, cmap=CONTOUR_MAP, linewidths=0.8, norm=norm)
    for point in function.minima:
        ax.plot(*point, **MINIMUM_STYLE, zorder=5)
    for x, y, mark in getattr(function, "marks", ()):
        box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.7}
        ax.annotate(mark, (x, y), ha="center", va="center", fontsize=9, color="0.15", zorder=6,
                    bbox=box)  # fmt: skip
    (xlo, xhi), (ylo, yhi) = function.bounds
    ax.set(xlim=(xlo, xhi), ylim=(ylo, yhi), xlabel="x", ylabel="y")
    ax.set_aspect("equal")


def _halo() -> list[Any]:
    """A thin white outline that keeps a path visible on dark and light contours alike."""
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=3.0, foreground="white", alpha=0.7)]


def draw_paths(ax: Any, runs: dict[str, Any], *, markers: bool = True) -> list[Any]:
    """Each run's path over the contours; the start marked with an x."""
    handles = []
    same = same_paths(runs)
    for colour, (label, tr) in zip(TRACE_COLOURS * 4, runs.items(), strict=False):
        pts = tr.points
        over = OVER_STYLE if label in same else {}
        # a dashed path over another keeps the other's markers visible by drawing none
        marker = "o" if markers and len(pts) <= 400 and not over else None
        (line,) = ax.plot(
            pts[:, 0], pts[:, 1], color=colour, lw=1.6, zorder=4, path_effects=_halo(), **over
        )
        if marker:
            ax.plot(pts[:, 0], pts[:, 1], marker, color=colour, markersize=2.2, zorder=4)
        if tr.status == "diverged":
            ax.plot(*pts[-1], marker="X", color=colour, markersize=10, mec="white", zorder=6)
        handles.append(line)
    first = next(iter(runs.values()))
    ax.plot(*first.points[0], **START_STYLE, zorder=7)
    return handles


#: A view widened to follow the paths grows to at most this many times its span per axis.
MAX_WIDENING = 4.0


def follow_paths(function: Any, runs: dict[str, Any]) -> Any:
    """``function`` with its drawing bounds widened (5 % margin) to hold every path that did
    not diverge: a formula's default box must not cut off where the optimisers go.
    Diverging runs are left to leave the view (their status says where they went)."""
    import dataclasses

    kept = [tr.points for tr in runs.values() if tr.status not in ("diverged", "diverging")]
    points = np.concatenate(kept) if kept else np.empty((0, function.dim))
    points = points[np.isfinite(points).all(axis=1)]
    if not len(points):
        return function
    box = []
    for axis, (lo, hi) in enumerate(function.bounds):
        span = hi - lo
        low, high = min(lo, points[:, axis].min()), max(hi, points[:, axis].max())
        if (low, high) != (lo, hi):
            margin = 0.05 * (high - low)
            low, high = (
                max(low - margin, lo - MAX_WIDENING * span),
                min(high + margin, hi + MAX_WIDENING * span),
            )
        box.append((float(low), float(high)))
    bounds = tuple(box)
    return (
        function
        if bounds == tuple(function.bounds)
        else dataclasses.replace(function, bounds=bounds)
    )


def plot_race(
    function: Any,
    trajectories: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> FigureOrFiles:
    """Contour plot with every optimiser's path, beside f(x_t) against step on a log scale.

    Parameters
    ----------
    function : TestFunction (2-D)
    trajectories : Trajectory, sequence or mapping of label -> Trajectory
        Runs from the same start with the same budget (:func:`kobai.landscape.descend`).
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.
    title : str, optional
        Default: the function's name, formula and the start.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    runs = as_runs(trajectories)
    function = follow_paths(function, runs)
    plt = pyplot()
    (xlo, xhi), (ylo, yhi) = function.bounds
    aspect = float(np.clip((xhi - xlo) / (yhi - ylo), 1.0, 1.8))
    fig, (ax, ax_v) = plt.subplots(
        1, 2, figsize=(13, 5.6), gridspec_kw={"width_ratios": [1.15 * aspect, 1]}
    )
    draw_contours(ax, function)
    handles = draw_paths(ax, runs)
    ax.set_title(function.label, fontsize=10)
    plot_values(ax_v, function, runs)
    same = same_paths(runs)
    labels = [legend_label(tr) + identical_note(k, same) for k, tr in runs.items()]
    fig.suptitle(title or _race_title(function, runs), fontsize=12)
    extra = [(ax.plot([], [], **START_STYLE)[0], text("descent.start"))]
    if function.minima:  # a formula has no known minima: no star drawn, none promised
        extra.append((ax.plot([], [], **MINIMUM_STYLE)[0], text("descent.global_minimum")))
    fig.tight_layout()
    fig.legend(
        [*handles, *(h for h, _ in extra)],
        [*labels, *(label for _, label in extra)],
        loc="upper center",
        ncol=2,
        fontsize=9,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )
    return finish_figure(fig, path, formats=formats)


def _race_title(function: Any, runs: dict[str, Any]) -> str:
    first = next(iter(runs.values()))
    start = ", ".join(f"{v:g}" for v in first.points[0])
    budget = max(tr.steps if tr.status != "diverged" else tr.diverged_at for tr in runs.values())
    return text("descent.race_title", name=function.name, steps=budget, start=start)


def plot_descent_1d(
    function: Any,
    trajectories: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    annotate: int = 4,
    tangents: int = 3,
    title: str | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> FigureOrFiles:
    """The curve, the steps as points joined by arrows, and the tangent line at each step.

    One panel per trajectory. The first ``annotate`` steps carry their numbers (source 001:
    ``x = 2 -> 1.80 -> 1.62`` with ``f = 2 -> 1.62 -> 1.31``); tangents are drawn at the
    first ``tangents`` points, with slope ``f'(x_t)`` from autograd.

    Parameters
    ----------
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    runs = as_runs(trajectories)
    plt = pyplot()
    fig, axes = plt.subplots(1, len(runs), figsize=(8.6 * len(runs), 4.8), squeeze=False)
    for ax, colour, tr in zip(axes[0], TRACE_COLOURS * 4, runs.values(), strict=False):
        _one_dimensional_panel(ax, function, tr, colour, annotate, tangents)
    fig.suptitle(title or text("descent.gd_title", label=function.label), fontsize=12)
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def _one_dimensional_panel(
    ax: Any, function: Any, tr: Any, colour: str, annotate: int, tangents: int
) -> None:
    lo, hi = function.bounds[0]
    xs = tr.points[:, 0]
    span = hi - lo
    lo, hi = min(lo, xs.min() - 0.05 * span), max(hi, xs.max() + 0.05 * span)
    curve_x, curve_y = function.grid(400, ((lo, hi),))
    ax.plot(curve_x, curve_y, color="0.2", lw=1.5, label=function.label)
    slopes = [float(function.gradient([x])[0]) for x in xs[: max(tangents, annotate)]]
    for t, x in enumerate(xs[:tangents]):
        seg = np.array([x - 0.2 * (hi - lo), x + 0.2 * (hi - lo)])
        ax.plot(seg, tr.values[t] + slopes[t] * (seg - x), "--", color=colour, lw=1, alpha=0.8,
                label=text("descent.tangent") if t == 0 else None)  # fmt: skip
    for t in range(len(xs) - 1):
        ax.annotate(
            "", xy=(xs[t + 1], tr.values[t + 1]), xytext=(xs[t], tr.values[t]),
            arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.2, "shrinkA": 3,
                        "shrinkB": 3},
        )  # fmt: skip
    ax.plot(xs, tr.values, "o", color=colour, markersize=5, label=legend_label(tr))
    ax.plot(xs[0], tr.values[0], **START_STYLE, label=text("descent.start_x0"))
    top = max(float(curve_y.max()), float(tr.values.max()))
    bottom = float(curve_y.min())
    ax.set(xlim=(lo, hi), ylim=(bottom - 0.05 * (top - bottom), top + 0.08 * (top - bottom)))
    pixels = ax.transData.transform(np.c_[xs, tr.values])
    named: list[np.ndarray] = []
    for t in range(min(annotate, len(xs))):
        # steps that land on top of each other (a run far out of scale) share one label
        if all(np.hypot(*(pixels[t] - p)) >= 18.0 for p in named):
            named.append(pixels[t])
            ax.annotate(f"x{_subscript(t)}", (xs[t], tr.values[t]), xytext=(7, -12),
                        textcoords="offset points", fontsize=9, color=colour)  # fmt: skip
    if annotate:
        ax.text(1.03, 0.0, _step_table(tr, slopes, annotate), transform=ax.transAxes,
                family=monospace(), fontsize=8, va="bottom", ha="left",
                bbox={"boxstyle": "round", "fc": "white", "ec": colour, "alpha": 0.9})  # fmt: skip
    ax.set(xlabel="x", ylabel="f(x)", title=f"{tr.label}: {tr.describe_hyper()}")
    ax.grid(alpha=0.3)
    # below the plot: the legend names the run's status and must not cover its steps
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
              frameon=False)  # fmt: skip


def _step_table(tr: Any, slopes: list[float], rows: int) -> str:
    xs, values = tr.points[:, 0], tr.values
    plain = getattr(tr, "optimizer", "") in ("sgd", "textbook-sgd") and not tr.hyper.get("momentum")
    rule = text("descent.rule_sgd") if plain else text("descent.rule_other", label=tr.label)
    lines = [rule, "", " t      xₜ    f(xₜ)   f′(xₜ)"]
    for t in range(min(rows, len(xs), len(slopes))):
        lines.append(f"{t:2d} {xs[t]:7.4g} {values[t]:8.4g} {slopes[t]:8.4g}")
    return "\n".join(lines)


def _subscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
