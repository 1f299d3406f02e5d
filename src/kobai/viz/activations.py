"""The activation gallery: every activation of :mod:`kobai.nn` and its derivative.

Derivatives come from each module's analytic ``derivative`` (``nn.activation.derivative``), so
the picture shows what backpropagation multiplies by. The sigmoid's derivative peaks at 1/4 and
tanh's at 1, which is why deep sigmoid networks see their gradients vanish (source 003).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from kobai.autograd.grad_mode import no_grad
from kobai.i18n import fonts
from kobai.nn import activation as act
from kobai.viz.style import PALETTE, FigureOrFiles, finish_figure, pyplot, text, text_or

# Vector activations are shown on the pair (x, 0): softmax's first output is then sigmoid(x).
_PAIRWISE = ("softmax", "log_softmax")
_ALIASES = ("linear",)


def _note(name: str) -> str:
    """What to remember about an activation (catalogue ``act.note.NAME``), or nothing."""
    return text_or(f"act.note.{name}", "")


_PEAKS = {"sigmoid": 0.25, "tanh": 1.0}
_RANGES = {"relu6": (-3.0, 9.0)}  # where the default range would hide the shape


def activation_names() -> list[str]:
    """Every activation name of :mod:`kobai.nn.activation`, aliases left out."""
    return [name for name in act.ACTIVATIONS if name not in _ALIASES]


def activation_curve(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f(x)`` and ``f'(x)`` of a named activation (for softmax and log_softmax: the first
    output on the pair ``(x, 0)`` and its derivative with respect to ``x``)."""
    module = act.get(name)
    with no_grad():
        if name in _PAIRWISE:
            pair = np.stack([x, np.zeros_like(x)], axis=-1)
            return module(pair).data[:, 0], act.derivative(module, pair)[:, 0, 0]
        return module(x).data, act.derivative(module, x)


def _check(name: str) -> str:
    act.get(name)  # raises for an unknown name, listing the valid ones
    return name.strip().lower().replace("-", "_")


def plot_activations(
    path: str | os.PathLike[str] | None = None,
    *,
    names: list[str] | None = None,
    x_range: tuple[float, float] = (-5.0, 5.0),
    formats: tuple[str, ...] = ("png", "svg"),
) -> FigureOrFiles:
    """One panel per activation with ``f`` (solid) and ``f'`` (dashed), plus a panel that
    compares the derivatives of sigmoid, tanh and ReLU.

    Parameters
    ----------
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.
    names : list of str, optional
        Activations to draw (default: :func:`activation_names`).
    x_range : (float, float), default (-5, 5)
        The x axis of every panel (ReLU6's shows (-3, 9), to include its cap).

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    chosen = activation_names() if names is None else [_check(n) for n in names]
    x = np.linspace(*x_range, 801)
    cols = 4
    rows = (len(chosen) + 1 + cols - 1) // cols
    plt = pyplot()
    fig, axes = plt.subplots(rows, cols, figsize=(4.1 * cols, 3.1 * rows), squeeze=False)
    flat = axes.ravel()
    for ax, name in zip(flat, chosen, strict=False):
        _panel(ax, name, np.linspace(*_RANGES[name], 801) if name in _RANGES else x)
    _compare_derivatives(flat[len(chosen)], x)
    for ax in flat[len(chosen) + 1 :]:
        ax.set_visible(False)
    fig.suptitle(text("act.title"), fontsize=14)
    # room at the top for the title: with five rows it would sit on the first row's titles
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()))
    return finish_figure(fig, path, formats=formats)


def _panel(ax: Any, name: str, x: np.ndarray) -> None:
    y, dy = activation_curve(name, x)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.plot(x, y, color=PALETTE[0], lw=2, label="f(x)")
    ax.plot(x, dy, "--", color=PALETTE[1], lw=2, label="f′(x)")
    if name in _PEAKS:
        peak = _PEAKS[name]
        ax.plot(0, peak, "o", color=PALETTE[1], markersize=6)
        # the label goes to the side where the curve f(x) stays away from it (tanh: left)
        right, left = (np.abs(y[m] - peak).min() for m in (x > 0.2, x < -0.2))
        side = 1 if right >= left else -1
        ax.annotate(f"max f′ = {peak:g}", (0, peak), xytext=(16 * side, -4),
                    textcoords="offset points", ha="left" if side > 0 else "right",
                    fontsize=9, color=PALETTE[1], fontweight=fonts.strong(), va="top",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})  # fmt: skip
    ax.set_title(f"{name}: {_note(name)}", fontsize=9.5)
    ax.set(xlabel="x")
    ax.grid(alpha=0.3)
    # a peak label on the left takes the upper left corner that "best" would choose
    label_left = name in _PEAKS and any(t.get_horizontalalignment() == "right" for t in ax.texts)
    ax.legend(fontsize=8, loc="lower right" if label_left else "best")


def _compare_derivatives(ax: Any, x: np.ndarray) -> None:
    for colour, name in zip(PALETTE[2:], ("sigmoid", "tanh", "relu"), strict=False):
        ax.plot(x, activation_curve(name, x)[1], color=colour, lw=2, label=f"{name}′")
    ax.axhline(0.25, color=PALETTE[2], ls=":", lw=1)
    ax.annotate(text("act.compare_note"),
                (x[0], 0.25), xytext=(2, 6), textcoords="offset points", fontsize=8)  # fmt: skip
    ax.set(xlabel="x", ylim=(-0.05, 1.2))
    ax.set_title(text("act.compare_title"), fontsize=9.5)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")  # right: relu′ runs along y = 1
