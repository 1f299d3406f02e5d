"""Learning curves: loss and accuracy (or R^2) against epoch or wall time, for one run or
several (optimisers, batch modes or learning rates compared)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kobai.viz.style import PALETTE, FigureOrFiles, finish_figure, pyplot, text

XS = ("epoch", "time")
# Yellow is hard to see on white: it goes last.
RUN_COLOURS = (*PALETTE[:6], PALETTE[7], PALETTE[6])
SPLITS = (("train", "-", "train"), ("val", "--", "validation"))
# Legends of more runs than this, or with longer labels, go below the panels.
LEGEND_INSIDE = (2, 28)
# A loss that spans more than this ratio is drawn on a log scale.
LOG_RATIO = 30.0


def _metric(history: Any) -> str | None:
    keys = history.keys()
    for name in ("accuracy", "r2"):
        if f"train_{name}" in keys or f"val_{name}" in keys:
            return name
    return None


def _x_values(history: Any, x: str, label: str) -> tuple[np.ndarray, str]:
    if x == "epoch":
        return np.asarray(history["epoch"], dtype=float), text("curves.epoch")
    if x == "time":
        if "wall_time" not in history.keys():
            raise ValueError(f"the history of {label!r} has no wall_time column to plot against")
        return np.asarray(history["wall_time"], dtype=float), text("curves.wall_time")
    raise ValueError(f"x must be one of {', '.join(XS)}, got {x!r}")


def _column(history: Any, key: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in history[key]], dtype=float)


def plot_learning_curves(
    histories: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    formats: Sequence[str] = ("png",),
    x: str = "epoch",
    held_out: str = "validation",
) -> FigureOrFiles:
    """Plot train (solid) and validation (dashed) loss and accuracy against epoch or time.

    A history with a ``sharpness`` column (:class:`~kobai.train.SharpnessMonitor`) adds a
    third panel: the measured largest Hessian eigenvalue and, where it is in view, ``2 / lr``.

    Parameters
    ----------
    histories : History or mapping of label -> History
        One run, or several to compare (one colour each; the labels go in the legend, so
        name the optimiser and its hyper-parameters there, e.g. ``"adam, lr=0.001"``).
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.
    title : str, optional
        Default: "Learning curves" in the language of :mod:`kobai.i18n`.
    formats : sequence of str, default ("png",)
    x : {"epoch", "time"}, default "epoch"
        Against epochs, or against wall time (the history's ``wall_time``, seconds of
        training since the start): which run learns fastest per second, not per epoch.
    held_out : str, default "validation"
        The legend's name of the ``val_*`` columns: ``"test"`` where the held-out data is
        the test set, as in ``kobai train``'s table.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.

    Examples
    --------
    >>> plot_learning_curves({"sgd": h_sgd, "adam": h_adam}, "out/curves", x="time")
    ... # doctest: +SKIP
    """
    runs = dict(histories) if isinstance(histories, Mapping) else {"run": histories}
    if not runs:
        raise ValueError("no history to plot")
    if x not in XS:
        raise ValueError(f"x must be one of {', '.join(XS)}, got {x!r}")
    metric = next((m for m in map(_metric, runs.values()) if m), None)
    names = ["loss"] + ([metric] if metric else [])
    sharp = any("sharpness" in h.keys() for h in runs.values())
    from matplotlib.ticker import MaxNLocator

    plt = pyplot()
    panels = len(names) + sharp
    fig, axes = plt.subplots(1, panels, figsize=(5.6 * panels, 4.2), squeeze=False)
    xlabel = text("curves.epoch")
    for colour, (label, history) in zip(RUN_COLOURS * 4, runs.items(), strict=False):
        xs, xlabel = _x_values(history, x, label)
        if sharp and "sharpness" in history.keys():
            _sharpness(axes[0][-1], xs, history, colour)
        for ax, name in zip(axes[0], names, strict=False):
            for split, style, _ in SPLITS:
                key = f"{split}_{name}"
                if key in history.keys():
                    ax.plot(xs, _column(history, key), style, color=colour, marker="o",
                            markersize=3, lw=1.6)  # fmt: skip
    loss_ax = axes[0][0]
    losses = [_column(h, k) for h in runs.values() for k in ("train_loss", "val_loss")
              if k in h.keys()]  # fmt: skip
    log = _spans_decades(losses)
    if log:
        log_scale(loss_ax)
    loss_ax.set(
        xlabel=xlabel,
        ylabel=text("curves.loss_log" if log else "curves.loss"),
        title=text("curves.loss_title"),
    )
    if metric:
        shown = "R²" if metric == "r2" else text(f"curves.{metric}")
        axes[0][1].set(xlabel=xlabel, ylabel=shown, title=text(f"curves.{metric}_title"))
    if sharp:
        axes[0][-1].set(
            xlabel=xlabel,
            ylabel=text("curves.sharpness_label"),
            title=text("curves.sharpness_title"),
        )
        axes[0][-1].legend(fontsize=8, loc="best")
    for ax in axes[0]:
        ax.grid(alpha=0.3, which="both")
        if x == "epoch":  # epochs are whole: no 1.25 on a short run's axis
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    present = {s for h in runs.values() for s, _, _ in SPLITS if f"{s}_loss" in h.keys()}
    fig.suptitle(title if title is not None else text("curves.title"))
    fig.tight_layout()
    _legend(fig, loss_ax, runs, present=present, held_out=held_out)
    return finish_figure(fig, path, formats=formats)


def _sharpness(ax: Any, xs: np.ndarray, history: Any, colour: Any) -> None:
    """Measured sharpness (points) and the gradient-descent stability limit 2 / lr (dashed)."""
    values = _column(history, "sharpness")
    kept = np.isfinite(values)
    ax.plot(xs[kept], values[kept], "-", color=colour, marker="s", markersize=3, lw=1.4,
            label="λ_max")  # fmt: skip
    limit = 2.0 / _column(history, "lr") if "lr" in history.keys() else np.array([np.inf])
    # Adaptive optimisers' 2 / lr is far above any sharpness and says nothing about them.
    if kept.any() and np.nanmin(limit) < 5 * np.nanmax(values[kept]):
        ax.plot(xs, limit, ":", color=colour, lw=1.2, label="2 / lr")


def log_scale(ax: Any) -> None:
    """A log y axis labelled with plain numbers (0.02, 0.5, 2), not powers of ten."""
    from matplotlib.ticker import FuncFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(_two_and_five))


def _two_and_five(value: float, _: Any) -> str:
    """Minor log ticks: label 2 and 5 times a power of ten, leave the others bare."""
    mantissa = value / 10 ** np.floor(np.log10(value))
    return f"{value:g}" if np.isclose(mantissa, 2) or np.isclose(mantissa, 5) else ""


def _spans_decades(columns: list[np.ndarray]) -> bool:
    values = np.concatenate(columns) if columns else np.array([])
    values = values[np.isfinite(values)]
    return bool(values.size and values.min() > 0 and values.max() / values.min() > LOG_RATIO)


def _legend(
    fig: Any, ax: Any, runs: Mapping[str, Any], *, present: set[str], held_out: str
) -> None:
    """One entry per run (its colour) and one per split (its line style): inside the loss
    panel when short, else below both panels, where it covers no curve."""
    from matplotlib.lines import Line2D

    handles = []
    if len(runs) > 1:
        handles += [Line2D([], [], color=c, lw=2.5, label=label)
                    for c, label in zip(RUN_COLOURS * 4, runs, strict=False)]  # fmt: skip
    colour = RUN_COLOURS[0] if len(runs) == 1 else "black"
    # The held-out split's usual names are in the catalogue; any other is shown as given.
    known = held_out in ("validation", "test")
    names = {
        "train": text("curves.train"),
        "val": text(f"curves.{held_out}") if known else held_out,
    }
    handles += [
        Line2D([], [], color=colour, ls=style, marker="o", markersize=3, label=names[split])
        for split, style, _ in SPLITS
        if split in present
    ]
    short = len(runs) <= LEGEND_INSIDE[0] and max(map(len, runs)) <= LEGEND_INSIDE[1]
    if short:
        ax.legend(handles=handles, fontsize=8, loc="best")
        return
    fig.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 0.0),
               ncol=2 if len(handles) > 4 else 1, frameon=False)  # fmt: skip


def _batch_text(value: Any) -> str:
    if value == "full":
        return "full batch"
    if value == 1:
        return "stochastic (batch 1)"
    return f"batch {value}"


def _describe(key: str, value: Any) -> str:
    if key == "batch_size":
        return _batch_text(value)
    if key == "lr":
        return f"lr={'default' if value is None else f'{value:g}'}"
    if key in ("optimizer_options", "schedule_options") and isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "no options"
    if key in ("optimizer", "model", "data"):
        return str(value)
    return f"{key}={value}"


# What a legend may name, in this order; the optimiser always comes first.
DESCRIBED = ("optimizer", "lr", "optimizer_options", "batch_size", "schedule",
             "schedule_options", "model", "activation", "init", "batchnorm", "dropout", "data",
             "samples", "gradient", "dtype", "seed", "epochs")  # fmt: skip


def describe_runs(configs: Sequence[Mapping[str, Any]], names: Sequence[str]) -> list[str]:
    """Legend labels for runs from their ``config.json``: the optimiser, its learning rate and
    what else differs.

    One run: ``"adam, lr=0.001, batch 64"``. Several: the optimiser and learning rate (its
    default when the run left it unset) followed by every other setting that differs between
    them, e.g. ``["sgd, lr=0.1", "sgd, lr=0.01"]`` or ``["sgd, lr=0.1, full batch",
    "sgd, lr=0.1, batch 32"]``; the run directory names when that leaves two labels equal.

    Parameters
    ----------
    configs : sequence of mapping
        The runs' ``config.json`` contents.
    names : sequence of str
        The runs' directory names, of the same length.
    """
    if len(configs) != len(names):
        raise ValueError(f"{len(configs)} configs but {len(names)} names")
    differ = [k for k in DESCRIBED if len({repr(c.get(k)) for c in configs}) > 1]
    if len(configs) == 1:
        differ = ["batch_size"]
    labels = []
    for c in configs:
        optimizer = str(c.get("optimizer", "?"))
        lr = c.get("lr") if c.get("lr") is not None else _default_lr(optimizer)
        parts = [optimizer, _describe("lr", lr)]
        parts += [_describe(k, c.get(k)) for k in differ if k not in ("optimizer", "lr")]
        labels.append(", ".join(parts))
    if len(set(labels)) < len(labels):
        return [str(n) for n in names]
    return labels


def _default_lr(optimizer: str) -> float | None:
    """The learning rate an optimiser of the registry uses when none is given."""
    from kobai import optim
    from kobai.nn import Parameter

    try:
        made = optim.create(optimizer, [Parameter(np.zeros(1, dtype=np.float32))])
    except (ValueError, TypeError, KeyError):
        return None
    return float(made.param_groups[0]["lr"])
