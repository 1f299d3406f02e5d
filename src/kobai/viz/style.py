"""Shared look of kobai's figures: a colour-blind-safe palette, headless saving."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kobai.files import atomic_writer

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)


#: What a figure function returns: the ``matplotlib.figure.Figure`` when it is given no path
#: (a notebook shows it inline), else the list of files written.
FigureOrFiles = Any


def pyplot() -> Any:
    """matplotlib's pyplot: on the headless Agg backend in scripts and the command line (no
    window is ever opened); the backend Jupyter chose in a notebook (inline figures)."""
    import matplotlib

    # ipykernel sets MPLBACKEND to its inline backend; inside a kernel, whatever the notebook
    # chose (%matplotlib widget, ...) is left alone as well.
    if os.environ.get("MPLBACKEND") is None and "ipykernel" not in sys.modules:
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from kobai.i18n.fonts import figure_language

    figure_language()  # a Japanese font (and a true minus sign) when the language is ja
    return plt


def text(key: str, **fields: Any) -> str:
    """The figure message ``key`` of :mod:`kobai.i18n` in the figures' language (English when
    Japanese is chosen but no Japanese font is installed)."""
    from kobai.i18n import t
    from kobai.i18n.fonts import figure_language

    return t(key, lang=figure_language(), **fields)


def text_or(key: str, default: str, **fields: Any) -> str:
    """:func:`text`, or ``default`` as it is when the catalogue has no message ``key``
    (:func:`kobai.i18n.t_or` in the figures' language)."""
    from kobai.i18n import t_or
    from kobai.i18n.fonts import figure_language

    return t_or(key, default, lang=figure_language(), **fields)


def save_figure(
    fig: Any, path: str | os.PathLike[str], *, formats: Iterable[str] = ("png",)
) -> list[Path]:
    """Save ``fig`` as ``path`` with each suffix in ``formats`` and close it; return the paths."""
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = base.with_suffix(f".{fmt}")
        with atomic_writer(target) as handle:
            fig.savefig(handle, format=fmt, dpi=150, bbox_inches="tight")
        written.append(target)
    pyplot().close(fig)
    return written


def release(fig: Any) -> Any:
    """Let go of ``fig`` in pyplot and return it, for a figure function given no path.

    The figure still draws, saves (``fig.savefig``) and shows as a notebook cell's value;
    left registered with pyplot, the inline backend would show it a second time when the cell
    ends. Headless, there is no window to close.
    """
    pyplot().close(fig)
    return fig


def finish_figure(
    fig: Any, path: str | os.PathLike[str] | None, *, formats: Iterable[str] = ("png",)
) -> FigureOrFiles:
    """How every figure function ends: ``fig`` itself (let go of in pyplot, :func:`release`)
    when ``path`` is None, else the files :func:`save_figure` wrote."""
    return release(fig) if path is None else save_figure(fig, path, formats=formats)


#: How a series identical to an earlier one is drawn: dashed over it, so both stay visible.
OVER_STYLE = {"ls": (0, (3, 2.5))}


def identical_to(
    series: dict[str, Any], *, log: bool = False, tol: float = 0.004
) -> dict[str, str]:
    """Which series would be drawn exactly over an earlier one, and which one it hides.

    Two series of the same shape are identical on the figure when every value is within
    ``tol`` of the axis span of all the series (``log``: within ``tol`` of its decades).

    Parameters
    ----------
    series : dict of label -> array of shape (n,) or (n, 2)
        Values (or 2-D paths) in drawing order.
    log : bool, default False
        Whether the axis is logarithmic.

    Returns
    -------
    dict of str -> str
        ``{later label: earlier label}`` for every series indistinguishable from an earlier one.

    >>> import numpy as np
    >>> identical_to({"adam": np.array([1.0, 0.5]), "textbook-adam": np.array([1.0, 0.5])})
    {'textbook-adam': 'adam'}
    """
    import numpy as np

    def scaled(values: Any) -> Any:
        a = np.asarray(values, dtype=float)
        if log:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(np.where(a > 0, a, np.nan))
        return a

    arrays = {label: scaled(v) for label, v in series.items()}
    finite = [a[np.isfinite(a)] for a in arrays.values()]
    values = np.concatenate(finite) if finite else np.array([])
    span = float(values.max() - values.min()) if values.size else 0.0
    allowed = tol * (span if span > 0 else 1.0)
    found: dict[str, str] = {}
    labels = list(arrays)
    for j, later in enumerate(labels):
        for earlier in labels[:j]:
            a, b = arrays[earlier], arrays[later]
            if earlier in found or a.shape != b.shape:
                continue
            same_gaps = np.array_equal(np.isfinite(a), np.isfinite(b))
            if same_gaps and np.all(np.abs(a - b)[np.isfinite(a)] <= allowed):
                found[later] = earlier
                break
    return found
