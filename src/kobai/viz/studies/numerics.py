"""Figures of the numerical-vs-backprop study: error against step, cost against size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kobai.viz.studies._axes import finish, log_scale
from kobai.viz.style import OVER_STYLE, PALETTE, identical_to, pyplot, text


def error_against_step(
    steps: Sequence[float] | np.ndarray, errors: Mapping[str, Sequence[float]], *, title: str
) -> Any:
    """Relative error of finite differences against the step h, one line per method, beside
    reference slopes h and h^2."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    h = np.asarray(steps, dtype=float)
    same = identical_to(dict(errors), log=True)
    for colour, (method, values) in zip(PALETTE, errors.items(), strict=False):
        if method in same:
            ax.plot(h, values, "o", color=colour, markersize=4, mfc="none", **OVER_STYLE,
                    label=text("vs.difference_same", method=method, same=same[method]))  # fmt: skip
        else:
            ax.plot(
                h,
                values,
                "o-",
                color=colour,
                markersize=4,
                label=text("vs.difference", method=method),
            )
    ref = {m: np.asarray(v, dtype=float) for m, v in errors.items()}
    i = len(h) - 3  # anchor the reference lines where truncation error dominates
    if "forward" in ref:
        ax.plot(h, ref["forward"][i] * h / h[i], ":", color="grey", label=text("vs.slope1"))
    if "central" in ref:
        ax.plot(h, ref["central"][i] * (h / h[i]) ** 2, "--", color="grey", label=text("vs.slope2"))
    log_scale(ax, "both")
    ax.set_ylim(max(1e-14, 0.3 * min(min(v) for v in errors.values())), 10)
    ax.set(xlabel=text("vs.step_h"), ylabel="|numerical - backprop| / |backprop|", title=title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def cost_against_size(
    parameters: Sequence[int],
    seconds: Mapping[str, Sequence[float]],
    passes: Mapping[str, Sequence[int]],
    *,
    title: str,
) -> Any:
    """Left: seconds per gradient against the number of parameters (log-log). Right: forward
    passes per gradient."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    p = np.asarray(parameters, dtype=float)
    for colour, (label, values) in zip(PALETTE, seconds.items(), strict=False):
        v = np.asarray(values, dtype=float)
        slope = np.polyfit(np.log(p), np.log(v), 1)[0] if len(p) > 1 else float("nan")
        left.plot(
            p, v, "o-", color=colour, label=text("vs.slope", label=label, slope=f"{slope:.2f}")
        )
    for colour, (label, values) in zip(PALETTE, passes.items(), strict=False):
        right.plot(p, values, "o-", color=colour, label=label)
    left.set(
        xlabel=text("vs.parameters"), ylabel=text("vs.seconds_per_grad"), title=text("vs.time")
    )
    right.set(xlabel=text("vs.parameters"), ylabel=text("vs.passes_per_grad"),
              title=text("vs.passes"))  # fmt: skip
    for ax in (left, right):
        log_scale(ax, "both")
    return finish(fig, title, (left, right), which="both")


def same_training(
    losses: Mapping[str, Sequence[float]], seconds: Mapping[str, float], *, title: str
) -> Any:
    """Training loss against epoch for runs that should coincide, with their times."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    styles = ("-", "--", ":")
    same = identical_to(dict(losses))
    for i, (label, values) in enumerate(losses.items()):
        epochs = np.arange(1, len(values) + 1)
        note = text("vs.identical_to", same=same[label]) if label in same else ""
        ax.plot(
            epochs,
            values,
            styles[i % 3],
            color=PALETTE[i],
            lw=2.5 - i,
            label=text("vs.seconds", label=label, seconds=f"{seconds[label]:.3g}", note=note),
        )
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel=text("vs.epoch"), ylabel=text("vs.training_loss"), title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig
