"""Figures of the training studies: batch modes, learning rates, optimizers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kobai.viz.studies._axes import finish, log_scale
from kobai.viz.style import OVER_STYLE, PALETTE, identical_to, pyplot, text


def curves_by_epoch_and_time(
    runs: Mapping[str, Mapping[str, np.ndarray]], *, ylabel: str, title: str
) -> Any:
    """Left: a value against epoch; right: the same against wall time (log scale).

    Parameters
    ----------
    runs : mapping of label -> {"y": (E + 1,), "time": (E + 1,)}
        Values before training and after each epoch, and the seconds of training so far.
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for colour, (label, run) in zip(PALETTE, runs.items(), strict=False):
        y = np.asarray(run["y"])
        left.plot(np.arange(len(y)), y, "-o", color=colour, markersize=3, label=label)
        # The log time axis has no 0: the curve starts after the first epoch.
        right.plot(
            np.asarray(run["time"])[1:], y[1:], "-o", color=colour, markersize=3, label=label
        )
    left.set(xlabel=text("vs.epoch"), ylabel=ylabel, title=text("vs.against_epochs"))
    right.set(xlabel=text("vs.time_axis"), title=text("vs.against_time"))
    log_scale(right, "x")
    left.legend(fontsize=8)
    return finish(fig, title, (left, right), legend=False)


def step_losses_and_noise(
    steps: Mapping[str, tuple[np.ndarray, int]],
    batch_sizes: Sequence[int],
    noise: Sequence[float],
    *,
    n_samples: int,
    title: str,
    max_points: int = 3000,
) -> Any:
    """Left: every update's loss against epochs (decimated to ``max_points`` per run).
    Right: gradient noise against batch size, beside :math:`1/\\sqrt{b}`.

    Parameters
    ----------
    steps : mapping of label -> (losses, updates per epoch)
    batch_sizes, noise : sequences of the same length
        The noise measured at each batch size (the first size is the reference of the
        :math:`1/\\sqrt{b}` line).
    n_samples : int
        Size of the training set.
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    # The noisiest runs first, so that the smoother ones stay visible on top.
    order = sorted(steps.items(), key=lambda item: -item[1][1])
    colours = dict(zip(steps, PALETTE, strict=False))
    top = 0.0
    for label, (losses, per_epoch) in order:
        x = np.arange(1, len(losses) + 1) / per_epoch
        stride = max(1, len(losses) // max_points)
        alpha = 0.35 if per_epoch > 500 else 0.9
        left.plot(
            x[::stride], losses[::stride], color=colours[label], lw=0.8, alpha=alpha, label=label
        )
        top = max(top, float(np.max(losses[: max(1, per_epoch)])))
    left.set_ylim(0, 1.5 * top)
    left.set(xlabel=text("vs.epoch"), ylabel=text("vs.batch_loss"), title=text("vs.every_update"))
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    sizes = np.asarray(batch_sizes, dtype=float)
    values = np.asarray(noise, dtype=float)
    keep = sizes < n_samples  # the full batch has no noise: 0 has no place on a log axis
    right.plot(sizes[keep], values[keep], "o-", color=PALETTE[0], label=text("vs.measured"))
    exact = values[0] * np.sqrt(sizes[0] / sizes) * np.sqrt((n_samples - sizes) / (n_samples - 1))
    right.plot(sizes[keep], exact[keep], ":", color="grey", label=text("vs.sqrt_b"))
    log_scale(right, "both")
    right.set(
        xlabel=text("vs.batch_axis", n=n_samples),
        ylabel="|g_B - g| / |g| (rms)",
        title=text("vs.noise_title"),
    )
    return finish(fig, title, [right], which="both")


REGIME_COLOURS = {
    "crawl": "#56B4E9",
    "good": "#009E73",
    "unstable": "#E69F00",
    "diverged": "#D55E00",
}


def learning_rate_sweep(
    sweeps: Mapping[str, Mapping[str, Any]],
    *,
    title: str,
    marks: Mapping[str, float] | None = None,
) -> Any:
    """Final loss against learning rate, a panel per optimizer, regimes coloured.

    Parameters
    ----------
    sweeps : mapping of optimizer -> {"lrs", "finals", "labels", "initial"}
        Learning rates (increasing), final losses (NaN when the run diverged), the regime of
        each (crawl, good, unstable, diverged) and the loss before training.
    marks : mapping of optimizer -> float, optional
        A learning rate to mark with a dashed line on that optimizer's panel: the
        stability bound 2/λ_max of gradient descent.
    """
    plt = pyplot()
    fig, axes = plt.subplots(
        1, len(sweeps), figsize=(5.5 * len(sweeps), 4.2), sharey=True, squeeze=False
    )
    for ax, (name, s) in zip(axes[0], sweeps.items(), strict=True):
        lrs = np.asarray(s["lrs"], dtype=float)
        finals = np.asarray(s["finals"], dtype=float)
        shown = np.where(np.isfinite(finals), finals, s["initial"])
        ax.plot(lrs, shown, "-", color="0.6", lw=1)
        for regime, colour in REGIME_COLOURS.items():
            pick = np.array([label == regime for label in s["labels"]])
            if pick.any():
                marker = "X" if regime == "diverged" else "o"
                ax.plot(
                    lrs[pick],
                    shown[pick],
                    marker,
                    color=colour,
                    markersize=8,
                    ls="none",
                    label=text(f"vs.regime.{regime}"),
                )
        good = lrs[np.array([label == "good" for label in s["labels"]])]
        if good.size:
            ax.axvspan(good.min() / 1.3, good.max() * 1.3, color=REGIME_COLOURS["good"], alpha=0.12)
        ax.axhline(s["initial"], color="grey", ls=":", lw=1, label=text("vs.before_training"))
        if marks and name in marks:
            ax.axvline(marks[name], color="black", ls="--", lw=1.2,
                       label=f"2/λ_max = {marks[name]:.3g}")  # fmt: skip
        log_scale(ax, "both")
        ax.set(xlabel=text("vs.learning_rate"), title=name)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    axes[0][0].set_ylabel(text("vs.final_loss"))
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def learning_rate_paths(
    w_values: np.ndarray,
    b_values: np.ndarray,
    losses: np.ndarray,
    trajectories: Mapping[str, Any],
    *,
    true_params: tuple[float, float] | None,
    title: str,
) -> Any:
    """Descent paths of several learning rates on the single neuron's loss contours (left)
    and their loss against step (right).

    Parameters
    ----------
    w_values, b_values, losses
        The loss grid, shape (len(b_values), len(w_values)).
    trajectories : mapping of regime -> NeuronTrajectory
        ``points`` (k, 2), ``losses`` (k,), ``lr``.
    """
    from kobai.viz.descent import START_STYLE
    from kobai.viz.neuron import draw_loss_contours

    plt = pyplot()
    fig, (ax, ax_l) = plt.subplots(1, 2, figsize=(12.5, 5.2))
    draw_loss_contours(ax, w_values, b_values, losses, true_params=true_params)
    colours = {"too small": "#0072B2", "good": "#009E73", "too large": "#D55E00"}
    for regime, tr in trajectories.items():
        colour = colours.get(regime, "black")
        label = text("vs.lr_regime", lr=f"{tr.lr:.3g}", regime=text(f"vs.regime.{regime}"))
        pts = np.asarray(tr.points)
        ax.plot(
            pts[:, 0], pts[:, 1], "-o", color=colour, lw=1.2, markersize=2.5, label=label, zorder=5
        )
        ax_l.plot(np.arange(len(tr.losses)), tr.losses, color=colour, lw=1.8, label=label)
    first = next(iter(trajectories.values()))
    ax.plot(*np.asarray(first.points)[0], **START_STYLE, zorder=8, label=text("vs.start"))
    ax.set_xlim(float(np.min(w_values)), float(np.max(w_values)))
    ax.set_ylim(float(np.min(b_values)), float(np.max(b_values)))
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    ax.set_title(text("vs.paths_title"), fontsize=11)
    log_scale(ax_l)
    ax_l.set(xlabel=text("vs.step"), ylabel=text("vs.loss_wb"), title=text("vs.loss_against_step"))
    return finish(fig, title, [ax_l], which="both")


def mean_curves(
    panels: Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]], *, title: str
) -> Any:
    """Curves against epoch with a band of one standard deviation, a panel per quantity.

    Parameters
    ----------
    panels : mapping of quantity -> mapping of label -> (mean, sd)
        Arrays of shape (epochs + 1,): before training, then after each epoch.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(5.8 * len(panels), 4.2), squeeze=False)
    for ax, (quantity, curves) in zip(axes[0], panels.items(), strict=True):
        same = identical_to({label: mean for label, (mean, _) in curves.items()})
        for colour, (label, (mean, sd)) in zip(PALETTE, curves.items(), strict=False):
            epochs = np.arange(len(mean))
            if label in same:
                ax.plot(epochs, mean, "o", color=colour, markersize=4, mfc="none", **OVER_STYLE,
                        label=text("vs.same_as", label=label, same=same[label]))  # fmt: skip
            else:
                ax.plot(epochs, mean, "-o", color=colour, markersize=3, label=label)
            ax.fill_between(epochs, mean - sd, mean + sd, color=colour, alpha=0.2, lw=0)
        ax.set(xlabel=text("vs.epoch"), ylabel=quantity, title=quantity[:1].upper() + quantity[1:])
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
