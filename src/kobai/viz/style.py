"""Shared look of kobai's figures: a colour-blind-safe palette, headless saving."""

from __future__ import annotations

import os
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


def pyplot() -> Any:
    """matplotlib's pyplot on the headless Agg backend (no window is ever opened)."""
    import matplotlib

    if os.environ.get("MPLBACKEND") is None:
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


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
