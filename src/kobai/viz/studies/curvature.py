"""Figures of the curvature studies: sharpness against step, Hessian densities, the single
neuron's eigenvectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kobai.viz.studies._axes import finish, log_scale
from kobai.viz.style import PALETTE, pyplot, text


def edge_of_stability(runs: Sequence[Mapping[str, Any]], *, title: str) -> Any:
    """Left: sharpness against step with each run's 2/lr dashed. Right: loss against step.

    Parameters
    ----------
    runs : sequence of {"lr", "steps", "sharpness", "losses"}
        ``steps`` and ``sharpness`` of the same length (the measurements); ``losses`` one
        per step.
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.4))
    for colour, run in zip(PALETTE, runs, strict=False):
        lr = run["lr"]
        left.plot(
            run["steps"],
            run["sharpness"],
            "-",
            color=colour,
            lw=1.4,
            label=text("vs.lr", lr=f"{lr:g}"),
        )
        left.axhline(2 / lr, color=colour, ls="--", lw=1.1, label=f"2/lr = {2 / lr:g}")
        losses = np.asarray(run["losses"])
        if losses.size:
            right.plot(
                np.arange(losses.size),
                losses,
                "-",
                color=colour,
                lw=1.0,
                label=text("vs.lr", lr=f"{lr:g}"),
            )
    top = max(max(float(np.max(r["sharpness"])), 2 / r["lr"]) for r in runs)
    left.set(xlabel=text("vs.step"), ylabel=text("vs.sharpness_axis"), ylim=(0, 1.15 * top),
             title=text("vs.eos_left"))  # fmt: skip
    right.set(xlabel=text("vs.step"), ylabel=text("vs.eos_loss_axis"),
              title=text("vs.eos_right"))  # fmt: skip
    log_scale(right, "y")
    for ax in (left, right):
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8, ncol=2 if ax is left else 1)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def hessian_densities(densities: Mapping[str, Any], *, title: str) -> Any:
    """Eigenvalue densities (SLQ) on a log scale, one curve each, on a shared axis.

    Parameters
    ----------
    densities : mapping of label -> Density
        Each with ``grid`` and ``density`` (see :func:`kobai.curvature.slq_density`).
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.4))
    floor = 1e-7
    for colour, (label, d) in zip(PALETTE, densities.items(), strict=False):
        ax.plot(d.grid, np.maximum(d.density, floor), "-", color=colour, lw=1.3, label=label)
        top = float(d.nodes.max())
        ax.axvline(top, color=colour, ls=":", lw=1)
    ax.set(xlabel=text("vs.eigenvalue"), ylabel=text("vs.density_log"), ylim=(floor, None))
    log_scale(ax, "y")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, title=text("vs.largest_node"), title_fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def sharpness_runs(runs: Mapping[str, Mapping[str, Any]], *, title: str) -> Any:
    """Left: λ_max before training and after every epoch. Right: training loss per epoch.

    Parameters
    ----------
    runs : mapping of label -> {"name", "lr", "sharpness" (E + 1,), "loss" (E,)}
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    for colour, (label, run) in zip(PALETTE, runs.items(), strict=False):
        sharp = np.asarray(run["sharpness"], dtype=float)
        left.plot(np.arange(sharp.size), sharp, "-o", color=colour, markersize=3, label=label)
        if run["name"] == "sgd":
            left.axhline(
                2 / run["lr"],
                color=colour,
                ls="--",
                lw=1,
                label=text("vs.two_over_lr_of", label=label),
            )
        loss = np.asarray(run["loss"], dtype=float)
        right.plot(np.arange(1, loss.size + 1), loss, "-o", color=colour, markersize=3,
                   label=label)  # fmt: skip
    left.set(xlabel=text("vs.epoch"), ylabel=text("vs.sharpness_axis"), title=text("vs.sharpness"))
    right.set(xlabel=text("vs.epoch"), ylabel=text("vs.loss_log"), title=text("vs.loss"))
    log_scale(right, "y")
    return finish(fig, title, (left, right), which="both")


def neuron_eigenvectors(
    w: np.ndarray,
    b: np.ndarray,
    losses: np.ndarray,
    minimum: np.ndarray,
    eigenvalues: np.ndarray,
    eigenvectors: np.ndarray,
    paths: Mapping[str, Any],
    *,
    title: str,
) -> Any:
    """The neuron's loss contours with the Hessian's eigenvectors at the minimum and
    gradient-descent paths (left), and each path's distance to the minimum (right).

    Parameters
    ----------
    w, b : ndarray of shape (nw,) and (nb,)
    losses : ndarray of shape (nb, nw)
    minimum : ndarray of shape (2,)
    eigenvalues : ndarray of shape (2,), ascending
    eigenvectors : ndarray of shape (2, 2)
        Column ``i`` for ``eigenvalues[i]``.
    paths : mapping of label -> NeuronTrajectory
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.5, 5.2))
    levels = np.quantile(losses, np.linspace(0.01, 0.9, 18))
    left.contour(w, b, losses, levels=np.unique(levels), cmap="Greys", linewidths=0.8)
    # Level sets of the quadratic model are ellipses with semi-axes proportional to 1/sqrt(λ).
    reach = 0.25 * min(np.ptp(w), np.ptp(b)) * np.sqrt(eigenvalues[0] / eigenvalues)
    for i, name in ((1, text("vs.sharp")), (0, text("vs.flat"))):
        u = eigenvectors[:, i] * reach[i]
        left.annotate("", xy=minimum + u, xytext=minimum - u,
                      arrowprops={"arrowstyle": "<->", "color": "black", "lw": 1.6})  # fmt: skip
        left.text(*(minimum + 1.08 * u), f"{name}: λ = {eigenvalues[i]:.3g}", fontsize=8)
    for colour, (label, path) in zip(PALETTE, paths.items(), strict=False):
        pts = path.points
        left.plot(pts[:, 0], pts[:, 1], "-o", color=colour, markersize=2.5, lw=1, label=label)
        distance = np.linalg.norm(pts - minimum, axis=1)
        right.plot(np.arange(distance.size), distance, "-", color=colour, label=label)
    left.plot(*pts[0], "kx", markersize=9)
    left.set(xlabel="w", ylabel="b", xlim=(w[0], w[-1]), ylim=(b[0], b[-1]),
             title=text("vs.eigen_contours"))  # fmt: skip
    # Equal scales on w and b, so that the eigenvectors look as orthogonal as they are.
    left.set_aspect("equal", adjustable="box")
    right.set(xlabel=text("vs.step"), ylabel=text("vs.distance_log"),
              title=text("vs.below_bound"))  # fmt: skip
    log_scale(right, "y")
    return finish(fig, title, (left, right), which="both")
