"""Each activation with its derivatives up to order N, all by repeated ``kobai.grad``.

Every curve after ``f`` is the gradient of the one before it, computed with
``create_graph=True`` so that it can be differentiated again (DeZero's figure of tanh and its
derivatives, for every activation). Nothing is written by hand: the picture shows what
higher-order autograd gives.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from kobai.autograd.gradients import grad
from kobai.autograd.ops import stack
from kobai.autograd.tensor import Tensor
from kobai.nn import activation as act
from kobai.validation import check_int
from kobai.viz.activations import _PAIRWISE, _check, activation_names
from kobai.viz.style import PALETTE, FigureOrFiles, finish_figure, pyplot, text

_PRIMES = ("f", "f′", "f″", "f‴")


def derivative_label(order: int) -> str:
    """``f``, ``f′``, ``f″``, ``f‴``, then ``f⁽⁴⁾``, ``f⁽⁵⁾`` ..."""
    if order < len(_PRIMES):
        return _PRIMES[order]
    superscript = str(order).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"f⁽{superscript}⁾"


def activation_derivatives(name: str, x: np.ndarray, order: int) -> list[np.ndarray]:
    """``[f(x), f'(x), ..., f^(order)(x)]`` of a named activation, each by ``kobai.grad`` of
    the previous one (float64). For softmax and log_softmax: the first output on ``(x, 0)``.
    """
    check_int("order", order, low=0)
    module = act.get(name).double()
    point = Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    if name in _PAIRWISE:  # the rows (x, 0), built from x so that the gradient reaches it
        y = module(stack([point, point * 0], axis=-1))[:, 0]
    else:
        y = module(point)
    curves = [y.data.copy()]
    for _ in range(order):
        if not y.requires_grad:  # the previous derivative is constant: the rest are 0
            y = Tensor(np.zeros_like(point.data))
        else:
            (y,) = grad(y.sum(), point, create_graph=True, allow_unused=True)
            y = Tensor(np.zeros_like(point.data)) if y is None else y
        curves.append(np.array(y.data, dtype=np.float64))
    return curves


def plot_activation_derivatives(
    path: str | os.PathLike[str] | None = None,
    *,
    order: int,
    names: list[str] | None = None,
    x_range: tuple[float, float] = (-4.0, 4.0),
    formats: tuple[str, ...] = ("png", "svg"),
) -> FigureOrFiles:
    """One panel per activation with ``f`` and its derivatives up to ``order``.

    Parameters
    ----------
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.
    order : int >= 1
        Highest derivative drawn.
    names : list of str, optional
        Activations to draw (default: every one).
    x_range : (float, float), default (-4, 4)

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    check_int("order", order, low=1)
    chosen = activation_names() if names is None else [_check(n) for n in names]
    x = np.linspace(*x_range, 641)
    cols = min(4, len(chosen))
    rows = (len(chosen) + cols - 1) // cols
    plt = pyplot()
    fig, axes = plt.subplots(rows, cols, figsize=(4.1 * cols, 3.2 * rows), squeeze=False)
    flat = axes.ravel()
    for ax, name in zip(flat, chosen, strict=False):
        _panel(ax, name, x, order)
    for ax in flat[len(chosen) :]:
        ax.set_visible(False)
    fig.suptitle(text("deriv.title", order=order), fontsize=13)
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def _panel(ax: Any, name: str, x: np.ndarray, order: int) -> None:
    curves = activation_derivatives(name, x, order)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    for k, values in enumerate(curves):
        style = "-" if k == 0 else ("--" if k % 2 else "-.")
        ax.plot(x, values, style, color=PALETTE[k % len(PALETTE)], lw=2 if k == 0 else 1.5,
                label=derivative_label(k))  # fmt: skip
    # Higher derivatives of smooth functions grow fast: keep the axis on the typical values.
    finite = np.abs(np.concatenate(curves))
    finite = finite[np.isfinite(finite)]
    limit = 1.15 * float(np.percentile(finite, 99)) if finite.size else 1.0
    ax.set_ylim(-max(limit, 0.5), max(limit, 0.5))
    ax.set_title(name, fontsize=10)
    ax.set(xlabel="x")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="best", ncol=2)
