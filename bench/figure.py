"""The scaling sweep as a figure: where kobai is faster than PyTorch, and where it is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from bench.workloads._common import SCALING_BATCHES, SCALING_WIDTHS, cell_key


def cell_medians(runs: list[dict]) -> dict[str, float]:
    """Each cell's median steps/s over the repetitions of one side (cells never measured are
    left out)."""
    values: dict[str, list[float]] = {}
    for run in runs:
        if "error" in run:
            continue
        for measured in run["results"].values():
            for key, value in measured.items():
                values.setdefault(key, []).append(value)
    return {key: float(np.median(v)) for key, v in values.items()}


def grid(medians: dict[str, float]) -> np.ndarray:
    """Steps/s as an array (widths, batches), NaN where a cell was not measured."""
    return np.array(
        [[medians.get(cell_key(w, b), np.nan) for b in SCALING_BATCHES] for w in SCALING_WIDTHS]
    )


def scaling_figure(sides: dict[str, list[dict]], path: Path) -> Path | None:
    """Draw steps/s against batch size for each width (kobai solid, PyTorch dashed) and, when
    PyTorch ran, the speed ratio kobai/PyTorch over the grid; save it as ``path`` (PNG).
    Returns the path, or None when the kobai side has no cell."""
    from kobai.viz.style import pyplot, save_figure

    kobai = grid(cell_medians(sides.get("kobai", [])))
    torch = grid(cell_medians(sides.get("torch", [])))
    if np.isnan(kobai).all():
        return None
    plt = pyplot()
    has_torch = not np.isnan(torch).all()
    fig, axes = plt.subplots(1, 2 if has_torch else 1, figsize=(12 if has_torch else 6, 4.6))
    axes = np.atleast_1d(axes)
    _lines(axes[0], kobai, torch if has_torch else None)
    if has_torch:
        _ratios(fig, axes[1], kobai / torch)
    fig.suptitle("MLP 784-width-width-10, Adam: training steps/s (user loop, wall time)")
    (written,) = save_figure(fig, path.with_suffix(""), formats=("png",))
    return written


def _lines(ax: Any, kobai: np.ndarray, torch: np.ndarray | None) -> None:
    colors = [f"C{i}" for i in range(len(SCALING_WIDTHS))]
    for i, width in enumerate(SCALING_WIDTHS):
        ax.plot(SCALING_BATCHES, kobai[i], "-o", color=colors[i], ms=3, label=f"width {width}")
        if torch is not None:
            ax.plot(SCALING_BATCHES, torch[i], "--x", color=colors[i], ms=3, lw=1)
    ax.set(xscale="log", yscale="log", xlabel="batch size", ylabel="steps/s")
    ax.set_title("kobai (solid)" + (" and PyTorch (dashed)" if torch is not None else ""))
    ax.legend(fontsize=8)


def _ratios(fig: Any, ax: Any, ratio: np.ndarray) -> None:
    # A log colour scale centred on 1: as far red for 2x slower as blue for 2x faster.
    span = float(np.nanmax(np.abs(np.log2(ratio)))) or 1.0
    image = ax.imshow(np.log2(ratio), cmap="RdBu", vmin=-span, vmax=span, origin="lower")
    for (i, j), value in np.ndenumerate(ratio):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(SCALING_BATCHES)), [str(b) for b in SCALING_BATCHES])
    ax.set_yticks(range(len(SCALING_WIDTHS)), [str(w) for w in SCALING_WIDTHS])
    ax.set(xlabel="batch size", ylabel="width")
    ax.set_title("kobai/PyTorch speed (blue: kobai faster)")
    bar = fig.colorbar(image, ax=ax)
    bar.set_label("log2 of the speed ratio")
