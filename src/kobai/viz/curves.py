"""Learning curves: loss and accuracy (or R^2) against epoch, for one run or several."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kobai.viz.style import PALETTE, pyplot, save_figure


def _metric(history: Any) -> str | None:
    keys = history.keys()
    for name in ("accuracy", "r2"):
        if f"train_{name}" in keys or f"val_{name}" in keys:
            return name
    return None


def plot_learning_curves(
    histories: Any,
    path: str | os.PathLike[str],
    *,
    title: str = "Learning curves",
    formats: tuple[str, ...] = ("png",),
) -> list[Path]:
    """Plot train (solid) and validation (dashed) loss and accuracy against epoch.

    Parameters
    ----------
    histories : History or mapping of label -> History
        One run, or several to compare (one colour each).
    path : path
        Output file; its suffix is replaced by each of ``formats``.

    Returns
    -------
    list of Path
        The files written.
    """
    runs = histories if isinstance(histories, Mapping) else {"run": histories}
    metric = next((m for m in map(_metric, runs.values()) if m), None)
    plt = pyplot()
    panels = 2 if metric else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4), squeeze=False)
    for colour, (label, history) in zip(PALETTE * 4, runs.items(), strict=False):
        prefix = "" if len(runs) == 1 else f"{label}: "
        epochs = history["epoch"]
        for ax, name in zip(axes[0], ["loss", metric][:panels], strict=True):
            for split, style in (("train", "-"), ("val", "--")):
                key = f"{split}_{name}"
                if key in history.keys():
                    ax.plot(
                        epochs,
                        history[key],
                        style,
                        color=colour,
                        marker="o",
                        markersize=3,
                        label=f"{prefix}{'validation' if split == 'val' else 'train'}",
                    )
    axes[0][0].set(xlabel="epoch", ylabel="loss", title="Loss")
    if metric:
        axes[0][1].set(xlabel="epoch", ylabel=metric, title=metric.capitalize())
    for ax in axes[0]:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path, formats=formats)
