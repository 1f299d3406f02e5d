"""Shared look of kobai's figures: a colour-blind-safe palette, headless saving."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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


def pyplot() -> Any:
    """matplotlib's pyplot on the headless Agg backend (no window is ever opened)."""
    import matplotlib

    if os.environ.get("MPLBACKEND") is None:
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


def save_figure(
    fig: Any, path: str | os.PathLike[str], *, formats: Iterable[str] = ("png",)
) -> list[Path]:
    """Save ``fig`` as ``path`` with each suffix in ``formats`` and close it; return the paths."""
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = base.with_suffix(f".{fmt}")
        fig.savefig(target, dpi=150, bbox_inches="tight")
        written.append(target)
    pyplot().close(fig)
    return written
