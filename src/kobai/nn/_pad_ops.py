"""Padding with PyTorch's ``F.pad`` modes: constant, reflect, replicate and circular.

Every mode is made of kobai's own differentiable ops (slices, ``broadcast_to``,
``concatenate``, constant ``pad``), one axis at a time, so its gradient (and any derivative of
that) comes from those ops: each padded value sends its gradient back to the input element
it copies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.tensor import Tensor
from kobai.validation import is_integer

MODES = ("constant", "reflect", "replicate", "circular")


def _pads(pad: Any, ndim: int) -> list[int]:
    if not isinstance(pad, (tuple, list)) or not all(is_integer(p) for p in pad):
        raise TypeError(f"pad must be a tuple or list of ints, got {pad!r}")
    if len(pad) % 2 or len(pad) // 2 > ndim:
        raise ValueError(
            f"pad must hold an even number of ints, two per axis for at most {ndim} axes, "
            f"got {tuple(pad)}"
        )
    return [int(p) for p in pad]


def _along(axis: int, index: slice) -> tuple[slice, ...]:
    return (slice(None),) * axis + (index,)


def _pad_axis(x: Tensor, axis: int, before: int, after: int, mode: str) -> Tensor:
    """``x`` with ``before`` and ``after`` values added along ``axis`` in ``mode``."""
    n = x.shape[axis]
    limit = n if mode == "circular" else n - 1
    if mode != "replicate" and max(before, after) > limit:
        relation = "at most" if mode == "circular" else "less than"
        raise ValueError(
            f"pad: {mode} padding must be {relation} the size of the axis it pads, got "
            f"padding ({before}, {after}) for axis {axis} of size {n} (input shape {x.shape})"
        )
    if mode == "replicate" and n == 0:
        raise ValueError(f"pad: cannot replicate an empty axis {axis} of shape {x.shape}")
    parts = []
    if before:
        if mode == "reflect":  # x[before], ..., x[1]: the edge itself is not repeated
            parts.append(x[_along(axis, slice(before, 0, -1))])
        elif mode == "replicate":
            edge = x[_along(axis, slice(0, 1))]
            parts.append(F.broadcast_to(edge, x.shape[:axis] + (before,) + x.shape[axis + 1 :]))
        else:
            parts.append(x[_along(axis, slice(n - before, n))])
    parts.append(x)
    if after:
        if mode == "reflect":  # x[n-2], ..., x[n-1-after]
            stop = n - 2 - after
            parts.append(x[_along(axis, slice(n - 2, stop if stop >= 0 else None, -1))])
        elif mode == "replicate":
            edge = x[_along(axis, slice(n - 1, n))]
            parts.append(F.broadcast_to(edge, x.shape[:axis] + (after,) + x.shape[axis + 1 :]))
        else:
            parts.append(x[_along(axis, slice(0, after))])
    return F.concatenate(parts, axis) if len(parts) > 1 else x


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last axes of ``input`` (PyTorch's ``F.pad``).

    Parameters
    ----------
    input : Tensor of any shape
    pad : tuple of int
        ``(before_last, after_last, before_second_last, after_second_last, ...)``: two
        numbers per padded axis, starting from the last. Negative numbers crop
        (``"constant"`` mode only).
    mode : {"constant", "reflect", "replicate", "circular"}, default "constant"
        ``"constant"`` fills with ``value``; ``"reflect"`` mirrors without repeating the edge
        (``[1 2 3]`` padded by 2 on the left: ``[3 2 1 2 3]``; each pad smaller than its axis);
        ``"replicate"`` repeats the edge; ``"circular"`` wraps around (each pad at most its
        axis).
    value : float, optional
        The fill of ``"constant"`` mode (default 0).

    Returns
    -------
    Tensor with ``before + after`` more entries along each padded axis.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn.functional import pad
    >>> pad(np.array([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect").numpy()
    array([[3., 2., 1., 2., 3., 2.]])
    """
    x = input if isinstance(input, Tensor) else Tensor(np.asarray(input))
    pads = _pads(pad, x.ndim)
    axes = [(x.ndim - 1 - i, pads[2 * i], pads[2 * i + 1]) for i in range(len(pads) // 2)]
    if mode == "constant":
        crop = [slice(None)] * x.ndim
        widths = [(0, 0)] * x.ndim
        for axis, before, after in axes:
            crop[axis] = slice(max(-before, 0), x.shape[axis] - max(-after, 0))
            widths[axis] = (max(before, 0), max(after, 0))
        if any(s != slice(None) for s in crop):
            x = x[tuple(crop)]
        fill = 0.0 if value is None else float(value)
        return F.pad(x, widths, fill) if any(w != (0, 0) for w in widths) else x
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    if value is not None and value != 0:
        raise ValueError(f"pad: value is only used by mode='constant', got value={value}")
    if min(pads, default=0) < 0:
        raise ValueError(f"pad: negative padding needs mode='constant', got {tuple(pad)}")
    for axis, before, after in axes:
        x = _pad_axis(x, axis, before, after, mode)
    return x
