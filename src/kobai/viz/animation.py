"""The optimiser race as an animation: inline in a notebook (a JavaScript player), or a GIF
(Pillow, always there with matplotlib) or MP4 (only where ffmpeg is installed)."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from kobai.validation import check_int
from kobai.viz.descent import (
    START_STYLE,
    TRACE_COLOURS,
    _value_axis,
    as_runs,
    draw_contours,
    legend_label,
)
from kobai.viz.style import pyplot, release, text

#: Colours of a frame: a palette this size keeps every line and contour distinct, and a PNG or
#: GIF frame a third of the bytes of a full-colour one or less.
COLOURS = 128


def animate_race(
    function: Any,
    trajectories: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    fps: int = 12,
    max_frames: int = 120,
    dpi: int = 80,
) -> Any:
    """An animation of the race: the paths grow step by step over the contours, and the values
    beside them.

    Parameters
    ----------
    function : TestFunction (2-D)
    trajectories : Trajectory, sequence or mapping of label -> Trajectory
    path : path, optional
        ``.gif`` (Pillow) or ``.mp4`` (needs ffmpeg on the PATH). None: nothing is written and
        the animation is returned, for a notebook to show inline.
    fps : int, default 12
    max_frames : int, default 120
        Long runs are sampled down to this many frames.
    dpi : int, default 80
        Pixels per inch of the 11 x 4.8 inch frames (80: 880 x 384 pixels).

    Returns
    -------
    Path or RaceAnimation
        The file written; with no ``path``, a :class:`RaceAnimation` that a notebook shows as a
        JavaScript player (``.save(path)`` writes the file later).

    Raises
    ------
    ValueError
        For another suffix, ``.mp4`` without ffmpeg, or ``fps``, ``max_frames`` or ``dpi``
        below 1.

    Examples
    --------
    In a notebook, the cell's value plays inline:

    >>> from kobai.landscape import descend, get_function
    >>> f = get_function("himmelblau")
    >>> animate_race(f, descend(f, ["sgd", "adam"], steps=20))  # doctest: +SKIP
    """
    fps = check_int("fps", fps, low=1)
    max_frames = check_int("max_frames", max_frames, low=1)
    dpi = check_int("dpi", dpi, low=1)
    if path is not None:
        _writer(Path(path).suffix.lower(), fps)  # a wrong suffix fails before anything is drawn
    race = RaceAnimation(*_draw_race(function, trajectories, max_frames), fps=fps, dpi=dpi)
    return race if path is None else race.save(path)


class RaceAnimation:
    """The race as an animation: Jupyter shows it inline as a JavaScript player (matplotlib's,
    frames embedded as PNG: no ffmpeg, no file), and ``save`` writes a GIF or MP4.

    Its figure is released from pyplot, so a notebook shows the player and no still picture.
    The page holds the still picture once and, per frame (at most ``max_frames``), a PNG of
    what moves: about 12 kB a frame at the defaults, 1.5 MB for 120 frames of four optimisers
    (880 x 384 pixels), far below matplotlib's ``animation.embed_limit`` (20 MB), where the
    player would stop adding frames with a warning.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The animated figure (showing the last frame drawn).
    frames : ndarray of int, shape (n_frames,)
        The step shown by each frame.
    fps, dpi : int
    """

    def __init__(self, fig: Any, draw: Any, frames: np.ndarray, *, fps: int, dpi: int) -> None:
        self.figure, self.frames, self.fps, self.dpi = release(fig), frames, fps, dpi
        self._draw = draw
        self._html: str | None = None

    def __repr__(self) -> str:
        return f"<RaceAnimation: {len(self.frames)} frames at {self.fps} fps>"

    def to_jshtml(self) -> str:
        """The HTML of the player, every frame embedded (drawn once, then kept)."""
        if self._html is None:
            self._html = _player(self.figure, self._draw, self.frames, self.fps, self.dpi)
        return self._html

    def _repr_html_(self) -> str:
        return self.to_jshtml()

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the animation as ``path`` (``.gif``, or ``.mp4`` with ffmpeg) through one atomic
        write; return the path."""
        from kobai.files import atomic_path

        target = Path(path)
        writer = _writer(target.suffix.lower(), self.fps)
        with atomic_path(target) as temp:
            if target.suffix.lower() == ".gif":
                _save_gif(self.figure, self._draw, self.frames, temp, self.fps, self.dpi)
            else:
                from matplotlib.animation import FuncAnimation

                animation = FuncAnimation(self.figure, self._draw, frames=self.frames, blit=True)
                animation.save(temp, writer=writer, dpi=self.dpi)
        return target


def _draw_race(function: Any, trajectories: Any, max_frames: int) -> tuple[Any, Any, np.ndarray]:
    """The figure, the function drawing step ``t`` on it (returning what moved) and the steps
    shown."""
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
    return fig, draw, frames


def _static_picture(fig: Any, draw: Any, first: int, dpi: int) -> Any:
    """Render all but the moving artists on the figure's (Agg) canvas; return that region."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):  # a notebook's widget or GUI backend
        FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    moving = draw(first)
    for artist in moving:
        artist.set_visible(False)
    fig.canvas.draw()
    for artist in moving:
        artist.set_visible(True)
    return fig.canvas.copy_from_bbox(fig.bbox)


def _canvas_image(fig: Any) -> Any:
    """What the figure's canvas shows, as a PIL RGBA image."""
    from PIL import Image

    width, height = fig.canvas.get_width_height()
    return Image.frombuffer("RGBA", (width, height), bytes(fig.canvas.buffer_rgba()))


def _save_gif(fig: Any, draw: Any, frames: np.ndarray, target: Path, fps: int, dpi: int) -> None:
    """The static picture rendered once, then only the moving artists on top of it per frame
    (redrawing axes and tick labels for every frame would be ten times slower)."""
    background = _static_picture(fig, draw, int(frames[0]), dpi)
    images = []
    for t in frames:
        fig.canvas.restore_region(background)
        for artist in draw(int(t)):
            fig.draw_artist(artist)
        images.append(_canvas_image(fig).convert("RGB").quantize(colors=COLOURS))
    images[0].save(
        target, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0
    )


def _player(fig: Any, draw: Any, frames: np.ndarray, fps: int, dpi: int) -> str:
    """matplotlib's JavaScript player (what ``FuncAnimation.to_jshtml`` writes) whose frames are
    the moving artists alone on a transparent canvas, shown over the static picture (the image's
    CSS background): a fifth of the bytes of whole 128-colour frames, drawn four times faster.

    Like ``to_jshtml``, it stops adding frames (with a warning) where the page would pass
    matplotlib's ``animation.embed_limit``.
    """
    import matplotlib
    from matplotlib.animation import HTMLWriter
    from PIL import Image

    class OverlayHTMLWriter(HTMLWriter):
        _saved_frames: list[str]  # HTMLWriter's: what finish() embeds
        room: float  # bytes left below the embed limit

        def grab_frame(self, **savefig_kwargs: Any) -> None:
            image = _canvas_image(self.fig).quantize(COLOURS, Image.Quantize.FASTOCTREE)
            frame = _png64(image)
            self.room -= len(frame)
            if self.room >= 0:
                self._saved_frames.append(frame)

        def kept(self) -> int:
            return len(self._saved_frames)

    limit = matplotlib.rcParams["animation.embed_limit"] * 2**20
    writer = OverlayHTMLWriter(fps=fps, embed_frames=True, default_mode="loop")
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder, "race.html")
        writer.setup(fig, page, dpi=dpi)  # first: it may round the figure's size to even pixels
        _static_picture(fig, draw, int(frames[0]), dpi)
        still = _png64(_canvas_image(fig).convert("RGB"))  # sent once: every colour kept
        writer.room = limit - len(still)
        renderer = fig.canvas.get_renderer()
        for t in frames:
            renderer.clear()  # transparent
            for artist in draw(int(t)):
                fig.draw_artist(artist)
            writer.grab_frame()
            if writer.room < 0:
                _warn_limit(writer.kept(), len(frames), limit)
                break
        writer.finish()
        html = page.read_text(encoding="utf-8")
    html, found = re.subn(
        r'<img id="(_anim_img\w+)">',
        rf'<img id="\1" style="background: url(data:image/png;base64,{still})">',
        html,
        count=1,
    )
    if found != 1:
        raise RuntimeError('matplotlib\'s player has no <img id="_anim_img..."> to draw over')
    return html


def _warn_limit(kept: int, total: int, limit: float) -> None:
    import warnings

    warnings.warn(
        f"the animation's page reached matplotlib's animation.embed_limit "
        f"({limit / 2**20:g} MB): it plays the first {kept} of {total} frames; lower "
        "max_frames or dpi, or write a file with .save(path)",
        UserWarning,
        stacklevel=4,
    )


def _png64(image: Any) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


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
