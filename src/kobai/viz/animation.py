"""The optimiser race as an animation: GIF (Pillow, always there with matplotlib) or MP4
(only where ffmpeg is installed)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from kobai.viz.descent import (
    START_STYLE,
    TRACE_COLOURS,
    _value_axis,
    as_runs,
    draw_contours,
    legend_label,
)
from kobai.viz.style import pyplot, text


def animate_race(
    function: Any,
    trajectories: Any,
    path: str | os.PathLike[str],
    *,
    fps: int = 12,
    max_frames: int = 120,
    dpi: int = 80,
) -> Path:
    """Write an animation of the race: the paths grow step by step over the contours, and the
    values beside them.

    Parameters
    ----------
    function : TestFunction (2-D)
    trajectories : Trajectory, sequence or mapping of label -> Trajectory
    path : path
        ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg on the PATH).
    fps : int, default 12
    max_frames : int, default 120
        Long runs are sampled down to this many frames.
    dpi : int, default 80

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        For another suffix, or ``.mp4`` without ffmpeg.
    """
    target = Path(path)
    writer = _writer(target.suffix.lower(), fps)
    runs = as_runs(trajectories)
    plt = pyplot()
    fig, (ax, ax_v) = plt.subplots(1, 2, figsize=(11, 4.8))
    draw_contours(ax, function)
    ax.plot(*next(iter(runs.values())).points[0], **START_STYLE, zorder=7)
    ylabel, offset = _value_axis(function, runs)
    lines, value_lines = [], []
    for colour, tr in zip(TRACE_COLOURS * 4, runs.values(), strict=False):
        lines.append(ax.plot([], [], "-o", color=colour, lw=1.6, markersize=2.5, zorder=4)[0])
        value_lines.append(ax_v.plot([], [], color=colour, lw=1.8, label=legend_label(tr))[0])
    longest = max(len(tr.points) for tr in runs.values())
    _value_limits(ax_v, runs, offset, longest, ylabel)
    ax_v.legend(fontsize=7, loc="upper right")
    title = fig.suptitle("")
    frames = np.unique(np.linspace(0, longest - 1, min(max_frames, longest)).astype(int))

    def draw(t: int) -> list[Any]:
        for line, value_line, tr in zip(lines, value_lines, runs.values(), strict=True):
            k = min(t, len(tr.points) - 1) + 1
            line.set_data(tr.points[:k, 0], tr.points[:k, 1])
            y = tr.values[:k] if offset is None else np.maximum(tr.values[:k] - offset, 1e-16)
            value_line.set_data(np.arange(k), y)
        title.set_text(text("anim.title", name=function.name, t=t))
        return [*lines, *value_lines, title]

    fig.tight_layout()
    from kobai.files import atomic_path

    with atomic_path(target) as temp:
        if target.suffix.lower() == ".gif":
            _save_gif(fig, draw, frames, temp, fps, dpi)
        else:
            from matplotlib.animation import FuncAnimation

            FuncAnimation(fig, draw, frames=frames, blit=True).save(temp, writer=writer, dpi=dpi)
    plt.close(fig)
    return target


def _save_gif(fig: Any, draw: Any, frames: np.ndarray, target: Path, fps: int, dpi: int) -> None:
    """Render the static picture once, then only the moving artists on top of it per frame
    (redrawing axes and tick labels for every frame would be ten times slower)."""
    from PIL import Image

    fig.set_dpi(dpi)
    moving = draw(int(frames[0]))
    for artist in moving:
        artist.set_visible(False)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    for artist in moving:
        artist.set_visible(True)
    images = []
    for t in frames:
        fig.canvas.restore_region(background)
        for artist in draw(int(t)):
            fig.draw_artist(artist)
        width, height = fig.canvas.get_width_height()
        rgba = Image.frombuffer("RGBA", (width, height), bytes(fig.canvas.buffer_rgba()))
        images.append(rgba.convert("RGB").quantize(colors=128))
    images[0].save(
        target, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0
    )


def _writer(suffix: str, fps: int) -> Any:
    from matplotlib import animation

    if suffix == ".gif":
        return animation.PillowWriter(fps=fps)
    elif suffix == ".mp4":
        if shutil.which("ffmpeg") is None:
            raise ValueError("an .mp4 animation needs ffmpeg, which is not installed; use .gif")
        return animation.FFMpegWriter(fps=fps)
    else:
        raise ValueError(f"animation file must end in .gif or .mp4, got {suffix or 'no suffix'!r}")


def _value_limits(ax: Any, runs: dict[str, Any], offset: Any, longest: int, ylabel: str) -> None:
    values = np.concatenate([tr.values for tr in runs.values()])
    if offset is None:
        lo, hi = float(values.min()), float(values.max())
        pad = 0.05 * (hi - lo or 1.0)
        ax.set_ylim(lo - pad, hi + pad)
    else:
        from matplotlib.ticker import LogLocator, NullLocator

        gaps = np.maximum(values - offset, 1e-16)
        ax.set_yscale("log")
        ax.set_ylim(gaps.min() / 2, gaps.max() * 2)
        # Few ticks: every frame redraws them, and tick labels dominate the drawing time.
        ax.yaxis.set_major_locator(LogLocator(numticks=6))
        ax.yaxis.set_minor_locator(NullLocator())
    ax.set(xlim=(0, max(longest - 1, 1)), xlabel=text("descent.step"), ylabel=ylabel)
    ax.grid(alpha=0.3)
