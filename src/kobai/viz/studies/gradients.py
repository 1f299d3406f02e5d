"""Figures of the vanishing-gradients study: gradient norms per layer, activation histograms,
activation derivatives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kobai.viz.studies._axes import finish, log_scale
from kobai.viz.style import PALETTE, pyplot, text


def gradient_heatmap(rows: Sequence[str], panels: Mapping[str, np.ndarray], *, title: str) -> Any:
    """Heat-maps of log10 gradient norms: one row per network, one column per layer.

    Parameters
    ----------
    rows : sequence of str
        A label per network (row).
    panels : mapping of panel title -> ndarray of shape (len(rows), n_layers)
        Gradient norms (NaN where the run diverged, drawn grey).
    """
    plt = pyplot()
    fig, axes = plt.subplots(
        1, len(panels), figsize=(4.6 * len(panels) + 1.6, 0.28 * len(rows) + 1.8), sharey=True
    )
    axes = np.atleast_1d(axes)
    logs = {k: np.log10(np.where(v > 0, v, np.nan)) for k, v in panels.items()}
    finite = np.concatenate([v[np.isfinite(v)] for v in logs.values()])
    low, high = np.percentile(finite, [2, 98]) if finite.size else (-1.0, 1.0)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("#bbbbbb")
    image = None
    for ax, (name, values) in zip(axes, logs.items(), strict=True):
        image = ax.imshow(
            np.ma.masked_invalid(values),
            aspect="auto",
            cmap=cmap,
            vmin=low,
            vmax=high,
            interpolation="nearest",
        )
        layers = values.shape[1]
        ax.set_xticks(range(layers), [str(i + 1) for i in range(layers)], fontsize=8)
        ax.set(xlabel=text("vs.layer_axis"), title=name)
    axes[0].set_yticks(range(len(rows)), rows, fontsize=8)
    fig.colorbar(image, ax=list(axes), label=text("vs.log_grad_norm"), shrink=0.9)
    fig.suptitle(title)
    return fig


def gradient_lines(
    curves: Mapping[tuple[str, str], Mapping[str, np.ndarray]],
    *,
    row_names: Sequence[str],
    column_names: Sequence[str],
    title: str,
) -> Any:
    """Gradient norm against layer: a panel per (row, column), a line per label in it.

    Parameters
    ----------
    curves : mapping of (row, column) -> mapping of label -> (init, epoch) arrays
        Each value is an ndarray of shape (2, n_layers): norms at initialisation (solid line)
        and averaged over the first epoch (dashed).
    """
    plt = pyplot()
    fig, axes = plt.subplots(
        len(row_names),
        len(column_names),
        figsize=(4.2 * len(column_names), 3.2 * len(row_names)),
        sharex=True,
        squeeze=False,
    )
    for i, row in enumerate(row_names):
        for j, column in enumerate(column_names):
            ax = axes[i][j]
            for colour, (label, values) in zip(
                PALETTE, curves[(row, column)].items(), strict=False
            ):
                layers = np.arange(1, values.shape[1] + 1)
                ax.plot(layers, values[0], "-o", color=colour, markersize=3, label=label)
                ax.plot(layers, values[1], "--", color=colour, alpha=0.7)
            log_scale(ax)
            ax.grid(alpha=0.3, which="both")
            ax.set_title(f"{column}, {row}", fontsize=10)
            if i == len(row_names) - 1:
                ax.set_xlabel(text("vs.layer_axis"))
            if j == 0:
                ax.set_ylabel(text("vs.grad_norm"))
    axes[0][0].legend(fontsize=8, title=text("vs.init_legend"), title_fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def activation_histograms(
    cases: Mapping[str, Sequence[np.ndarray]], *, title: str, bins: int = 30
) -> Any:
    """Histograms of each hidden layer's outputs: a row per network, a column per layer.

    Parameters
    ----------
    cases : mapping of row label -> list of ndarray
        The outputs of each hidden layer (any shape; flattened).
    """
    plt = pyplot()
    layers = max(len(v) for v in cases.values())
    fig, axes = plt.subplots(
        len(cases), layers, figsize=(2.2 * layers, 1.55 * len(cases)), squeeze=False
    )
    colours = [c for c in PALETTE if c != "#F0E442"]  # yellow is too faint for filled bars
    for i, (label, outputs) in enumerate(cases.items()):
        values = [np.asarray(o, dtype=np.float64).ravel() for o in outputs]
        low, high = _histogram_range(label, values)
        for j, ax in enumerate(axes[i]):
            if j >= len(values):
                ax.axis("off")
                continue
            v = values[j]
            zeros = float(np.mean(v == 0))
            # ReLU's many exact zeros would flatten the rest: draw the non-zero part, say how
            # many are zero.
            shown = v[v != 0] if zeros > 0.05 else v
            counts, edges = np.histogram(np.clip(shown, low, high), bins=bins, range=(low, high))
            ax.stairs(counts, edges, fill=True, color=colours[i % len(colours)])
            ax.set_yticks([])
            ax.set_xticks([low, (low + high) / 2, high])
            ax.tick_params(labelsize=7)
            note = text("vs.zero", share=f"{zeros:.0%}") if zeros > 0.05 else f"sd {v.std():.2g}"
            ax.set_title(text("vs.layer_note", k=j + 1, note=note), fontsize=8)
        axes[i][0].set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _histogram_range(label: str, values: Sequence[np.ndarray]) -> tuple[float, float]:
    if label.startswith("sigmoid"):
        return 0.0, 1.0
    if label.startswith("tanh"):
        return -1.0, 1.0
    positive = np.concatenate([v[v > 0] for v in values])
    high = float(np.percentile(positive, 99)) if positive.size else 1.0
    return 0.0, high if high > 0 else 1.0


def derivatives_and_depth(
    x: np.ndarray,
    derivatives: Mapping[str, np.ndarray],
    depth_ratios: Mapping[str, tuple[Sequence[int], Sequence[float]]],
    *,
    bound: float,
    title: str,
) -> Any:
    """Left: activation derivatives with their maxima. Right: the measured gradient ratio
    against depth beside the bound ``bound ** depth``.

    Parameters
    ----------
    x : ndarray of shape (n,)
    derivatives : mapping of name -> ndarray of shape (n,)
    depth_ratios : mapping of label -> (depths, ratios)
    bound : float
        The largest derivative of the sigmoid (0.25).
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for colour, (name, values) in zip(PALETTE, derivatives.items(), strict=False):
        left.plot(
            x,
            values,
            color=colour,
            label=text("vs.derivative_max", name=name, value=f"{values.max():.3g}"),
        )
        i = int(np.argmax(values))
        left.plot(x[i], values[i], "o", color=colour)
    left.set(xlabel="x", ylabel="f'(x)", title=text("vs.derivatives"))
    left.axhline(bound, color="grey", lw=0.8, ls=":")
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    depth_max = max(max(d) for d, _ in depth_ratios.values())
    depths = np.arange(1, depth_max + 1)
    right.plot(depths, bound**depths, color="grey", ls=":", label=f"{bound}^depth")
    for colour, (label, (d, r)) in zip(PALETTE, depth_ratios.items(), strict=False):
        right.plot(d, r, "-o", color=colour, label=label)
    log_scale(right)
    right.set(
        xlabel=text("vs.hidden_layers"),
        ylabel=text("vs.ratio_axis"),
        title=text("vs.ratio_title"),
    )
    return finish(fig, title, [right], which="both")
