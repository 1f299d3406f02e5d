"""The 3-D view of a descent race: the surface, the paths lying on it, hidden parts faint."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from kobai.viz.descent import (
    CONTOUR_MAP,
    START_STYLE,
    TRACE_COLOURS,
    as_runs,
    follow_paths,
    identical_note,
    legend_label,
    same_paths,
)
from kobai.viz.style import OVER_STYLE, FigureOrFiles, finish_figure, pyplot, text


def plot_surface(
    function: Any,
    trajectories: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    n: int = 151,
    formats: tuple[str, ...] = ("png", "svg"),
) -> FigureOrFiles:
    """3-D view of a 2-D function with the optimisers' paths lying on the surface.

    Functions with log-scaled contours are drawn as :math:`\\log_{10}(1 + f - f^*)` so that
    the valley floor stays visible under the walls.

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
    function = follow_paths(function, runs)
    plt = pyplot()
    X, Y, Z = function.grid(n)
    height = _height(function)
    H = height(Z)
    floor = float(np.nanmin(H)) - 0.25 * float(np.nanmax(H) - np.nanmin(H))
    lift = 0.01 * float(np.nanmax(H) - np.nanmin(H))
    fig = plt.figure(figsize=(9, 7.5))
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    # Rasterised inside the SVG: thousands of polygons would make it megabytes.
    ax.plot_surface(X, Y, H, cmap=CONTOUR_MAP, alpha=0.6, linewidth=0, rcount=n, ccount=n,
                    zorder=1, rasterized=True)  # fmt: skip
    ax.contour(X, Y, H, levels=15, zdir="z", offset=floor, cmap=CONTOUR_MAP, linewidths=0.6,
               zorder=0)  # fmt: skip
    (xlo, xhi), (ylo, yhi) = function.bounds
    ax.set(xlim=(xlo, xhi), ylim=(ylo, yhi), zlim=(floor, float(np.nanmax(H))), xlabel="x",
           ylabel="y")  # fmt: skip
    ax.set_zlabel("log₁₀(1 + f − f*)" if function.log_levels else "f(x, y)")
    ax.view_init(elev=35, azim=-60)
    handles = []
    same = same_paths(runs)
    for colour, (label, tr) in zip(TRACE_COLOURS * 4, runs.items(), strict=False):
        inside = _inside(tr.points, function.bounds)
        pts, z = tr.points[inside], height(tr.values[inside]) + lift
        over = OVER_STYLE if label in same else {}
        ax.plot(pts[:, 0], pts[:, 1], np.full(len(pts), floor), color=colour, lw=1, alpha=0.7,
                zorder=2, **over)  # fmt: skip
        hidden = hidden_by_surface(ax, (X, Y, H), pts[:, 0], pts[:, 1], z)
        # Behind a wall of the surface a path is drawn faint, as if seen through it.
        ax.plot(*_only(pts[:, 0], pts[:, 1], z, keep=hidden), color=colour, lw=1.4, alpha=0.35,
                zorder=3, **over)  # fmt: skip
        visible = _only(pts[:, 0], pts[:, 1], z, keep=~hidden)
        handles.append(ax.plot(*visible, color=colour, lw=2.2, zorder=3, **over)[0])
    first = next(iter(runs.values()))
    start = ax.plot(*first.points[0], height(first.values[:1]) + lift, **START_STYLE, zorder=4)
    ax.set_title(title or f"{function.name}: {function.label}", fontsize=11)
    fig.legend(
        [*handles, start[0]],
        [*(legend_label(tr) + identical_note(k, same) for k, tr in runs.items()),
         text("descent.start")],
        loc="lower center", ncol=2, fontsize=8, frameon=False,
    )  # fmt: skip
    fig.subplots_adjust(left=0.0, right=0.95, bottom=0.1, top=0.95)
    return finish_figure(fig, path, formats=formats)


def hidden_by_surface(
    ax: Any, surface: tuple[np.ndarray, np.ndarray, np.ndarray], xs: Any, ys: Any, zs: Any
) -> np.ndarray:
    """Which points of a path on a 3-D axes lie behind the surface, seen from the camera.

    From each point a ray goes towards the camera (the axes' ``elev`` and ``azim``, in the
    box matplotlib draws); the point is hidden when the ray passes under the surface
    (``z < H(x, y)`` by more than 1 % of the height range) before it leaves the box. Call
    after the limits and the view are set. ``surface`` is a regular grid ``(X, Y, H)``.
    """
    X, Y, H = surface
    lows = np.array([ax.get_xlim3d()[0], ax.get_ylim3d()[0], ax.get_zlim3d()[0]])
    spans = np.array([np.ptp(ax.get_xlim3d()), np.ptp(ax.get_ylim3d()), np.ptp(ax.get_zlim3d())])
    aspect = np.asarray(ax.get_box_aspect(), dtype=float)
    elev, azim = np.deg2rad(ax.elev), np.deg2rad(ax.azim)
    towards = np.array([np.cos(elev) * np.cos(azim), np.cos(elev) * np.sin(azim), np.sin(elev)])
    points = np.column_stack([xs, ys, zs]).astype(float)
    box = (points - lows) / spans * aspect
    steps = np.linspace(0.02, 1.0, 120) * float(np.linalg.norm(aspect))
    rays = box[:, None, :] + steps[None, :, None] * towards  # (points, samples, 3)
    data = lows + rays / aspect * spans
    x0, dx = float(X[0, 0]), float(X[0, 1] - X[0, 0])
    y0, dy = float(Y[0, 0]), float(Y[1, 0] - Y[0, 0])
    col = np.rint((data[..., 0] - x0) / dx).astype(int)
    row = np.rint((data[..., 1] - y0) / dy).astype(int)
    inside = (col >= 0) & (col < X.shape[1]) & (row >= 0) & (row < X.shape[0])
    ground = np.full(inside.shape, -np.inf)
    ground[inside] = H[row[inside], col[inside]]
    margin = 0.01 * float(np.nanmax(H) - np.nanmin(H))
    hidden: np.ndarray = np.any(ground > data[..., 2] + margin, axis=1)
    return hidden


def _only(xs: Any, ys: Any, zs: Any, *, keep: np.ndarray) -> tuple[np.ndarray, ...]:
    """The coordinates with the points not kept set to NaN: the line breaks there."""
    return tuple(np.where(keep, np.asarray(v, dtype=float), np.nan) for v in (xs, ys, zs))


def _height(function: Any) -> Any:
    if not function.log_levels:
        return lambda z: z
    ref = function.f_min if function.f_min is not None else 0.0
    return lambda z: np.log10(1.0 + np.maximum(np.asarray(z) - ref, 0.0))


def _inside(points: np.ndarray, bounds: Any) -> np.ndarray:
    ok = np.ones(len(points), dtype=bool)
    for axis, (lo, hi) in enumerate(bounds):
        ok &= (points[:, axis] >= lo) & (points[:, axis] <= hi)
    return ok
