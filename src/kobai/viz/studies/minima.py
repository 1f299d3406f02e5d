"""Figures of the local-minima study: restarts, decision regions, permuted networks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kobai.viz.studies._axes import finish, log_scale
from kobai.viz.style import PALETTE, pyplot, text


def restart_distribution(
    finals: Mapping[str, Sequence[float]],
    best_of: Mapping[str, Sequence[float]],
    *,
    title: str,
) -> Any:
    """Left: final loss of every restart, a column per optimiser. Right: expected best loss
    among k restarts against k.

    Parameters
    ----------
    finals : mapping of optimiser -> final losses (one per restart)
    best_of : mapping of optimiser -> expected best loss for k = 1, 2, ...
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    rng = np.random.default_rng(0)  # horizontal jitter of the dots only
    for i, (colour, (name, values)) in enumerate(zip(PALETTE, finals.items(), strict=False)):
        v = np.asarray(values, dtype=float)
        left.plot(i + rng.uniform(-0.15, 0.15, v.size), v, "o", color=colour, alpha=0.7)
        right.plot(
            np.arange(1, len(best_of[name]) + 1),
            best_of[name],
            "-o",
            color=colour,
            markersize=3,
            label=name,
        )
    left.set_xticks(range(len(finals)), list(finals))
    left.set(ylabel=text("vs.final_loss"), title=text("vs.every_restart"))
    right.set(
        xlabel=text("vs.restarts_k"), ylabel=text("vs.expected_best"), title=text("vs.best_of_k")
    )
    log_scale(right, "x")
    right.legend(fontsize=8)
    return finish(fig, title, (left, right), legend=False)


def decision_regions(
    models: Mapping[str, Any], x: np.ndarray, y: np.ndarray, *, title: str, n: int = 150
) -> Any:
    """The class each model predicts over the data's square, a panel per model, the data on
    top.

    Parameters
    ----------
    models : mapping of label -> model
        Callables on ``kobai.Tensor`` of shape (m, 2) returning logits (m, classes).
    x : ndarray of shape (N, 2)
    y : ndarray of shape (N,)
    """
    from kobai.autograd import Tensor, no_grad

    plt = pyplot()
    fig, axes = plt.subplots(1, len(models), figsize=(4.6 * len(models), 4.3), squeeze=False)
    lo, hi = x.min(axis=0) - 0.1, x.max(axis=0) + 0.1
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    from matplotlib.colors import ListedColormap

    light = ListedColormap(["#cfe3f3", "#f6d5c1"])
    for ax, (label, model) in zip(axes[0], models.items(), strict=True):
        dtype = next(iter(model.parameters())).data.dtype
        with no_grad():
            classes = np.argmax(model(Tensor(grid.astype(dtype))).data, axis=1)
        ax.pcolormesh(
            gx, gy, classes.reshape(gx.shape), cmap=light, shading="auto", rasterized=True
        )
        for k, colour in zip((0, 1), (PALETTE[0], PALETTE[1]), strict=True):
            ax.plot(*x[y == k].T, "o", color=colour, markersize=3, label=text("vs.class_k", k=k))
        ax.set(title=label, xlabel="x₁", ylabel="x₂")
        ax.set_aspect("equal")
    axes[0][0].legend(fontsize=8, loc="upper right")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def permuted_network(
    model: Any, permuted: Any, out: np.ndarray, out_permuted: np.ndarray, *, title: str
) -> Any:
    """The first layer's weights of a network and of its permuted copy, and the two networks'
    outputs against each other."""
    from kobai import nn

    first = [m for m in model.modules() if isinstance(m, nn.Linear)][0]
    first_p = [m for m in permuted.modules() if isinstance(m, nn.Linear)][0]
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1, 1, 1.4]})
    bound = float(np.max(np.abs(first.weight.data)))
    for ax, layer, name in (
        (axes[0], first, text("vs.original")),
        (axes[1], first_p, text("vs.permuted")),
    ):
        image = ax.imshow(
            layer.weight.data, cmap="coolwarm", vmin=-bound, vmax=bound, aspect="auto"
        )
        ax.set(title=text("vs.first_layer", name=name), xlabel=text("vs.input"),
               ylabel=text("vs.hidden_unit"))  # fmt: skip
        inputs = layer.weight.data.shape[1]
        ax.set_xticks(range(inputs), [f"x{i + 1}" for i in range(inputs)])
        ax.set_yticks(range(layer.weight.data.shape[0]))
    fig.colorbar(image, ax=axes[1], shrink=0.8)
    ax = axes[2]
    for k in range(out.shape[1]):
        ax.plot(
            out[:, k],
            out_permuted[:, k],
            "o",
            color=PALETTE[k],
            markersize=3,
            label=text("vs.output_k", k=k),
        )
    lo, hi = float(out.min()), float(out.max())
    ax.plot([lo, hi], [lo, hi], ":", color="grey", label="y = x")
    ax.set(
        xlabel=text("vs.original_output"),
        ylabel=text("vs.permuted_output"),
        title=text("vs.same_outputs"),
    )
    return finish(fig, title, [ax])


def loss_between_copies(ts: np.ndarray, lines: Sequence[np.ndarray], *, title: str) -> Any:
    """Loss along straight lines from a network (t = 0) to permuted copies (t = 1)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for i, line in enumerate(lines):
        ax.plot(
            ts,
            line,
            color=PALETTE[i % len(PALETTE)],
            lw=1.6,
            label=text("vs.permutation_k", k=i + 1),
        )
    for t in (0.0, 1.0):
        ax.axvline(t, color="grey", ls=":", lw=1)
    ax.set(xlabel=text("vs.copy_axis"), ylabel=text("vs.training_loss"), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
