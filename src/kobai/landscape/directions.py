"""Directions in parameter space: filter-normalised random directions (Li et al. 2018).

A direction is a dict ``name -> ndarray`` with the names and shapes of
``model.named_parameters()``; a missing name means a zero direction for that parameter.
The points of a landscape are ``theta + alpha * d1 + beta * d2`` around a trained
``theta``.

References
----------
H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein, "Visualizing the Loss Landscape of Neural
Nets", NeurIPS 2018, arXiv:1712.09913.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kobai.backend import as_rng
from kobai.validation import check_int

NORMS = ("filter", "layer", "none")
# Filter norms below this count as zero filters (as the reference code's 1e-10).
_TINY = 1e-10

Direction = dict[str, np.ndarray]


def parameter_state(model: Any) -> Direction:
    """Copies of ``model``'s parameters, by name (what :meth:`Module.named_parameters` yields).

    Returns
    -------
    dict of str to ndarray
        Each array a copy, of the parameter's shape and dtype.
    """
    return {name: p.data.copy() for name, p in model.named_parameters()}


def model_state(model: Any) -> Direction:
    """Copies of ``model``'s parameters and floating buffers (e.g. BatchNorm running stats)."""
    state = parameter_state(model)
    for name, array in model.named_buffers():
        if np.issubdtype(array.dtype, np.floating):
            state[name] = array.copy()
    return state


def _filter_layout(model: Any) -> dict[str, tuple[bool, int]]:
    """For every parameter: (is the weight of a transposed convolution, its groups)."""
    from kobai.nn import ConvTranspose2d

    layout = {}
    for owner, module in model.named_modules():
        transposed = isinstance(module, ConvTranspose2d)
        groups = int(getattr(module, "groups", 1)) if transposed else 1
        for name, _ in module.named_parameters(prefix=owner, recurse=False):
            layout[name] = (transposed and name.endswith("weight"), groups)
    return layout


def filter_norms(weight: np.ndarray, *, transposed: bool = False, groups: int = 1) -> np.ndarray:
    """The Euclidean norm of every filter of ``weight``, broadcastable against it.

    A filter is what produces one output unit: a row of a ``Linear`` weight of shape
    (out_features, in_features), an output channel ``weight[o]`` of a ``Conv2d`` weight of
    shape (out_channels, in_channels / groups, kh, kw), and for a ``ConvTranspose2d``
    weight of shape (in_channels, out_channels / groups, kh, kw) the slices
    ``weight[g*ipg:(g+1)*ipg, j]`` of output channel ``g * out_channels / groups + j``.

    Returns
    -------
    ndarray of float64
        Of shape (out, 1, ...) (or (in, out/groups, 1, ...) for ``transposed``).
    """
    w = np.asarray(weight, dtype=np.float64)
    if w.ndim < 2:
        raise ValueError(f"filters need a weight of 2 or more dimensions, got shape {w.shape}")
    if not transposed:
        return np.sqrt(np.sum(w * w, axis=tuple(range(1, w.ndim)), keepdims=True))
    ipg = w.shape[0] // groups
    ones = (1,) * (w.ndim - 2)
    per_group = w.reshape(groups, ipg, *w.shape[1:])
    norms = np.sqrt(
        np.sum(per_group * per_group, axis=(1, *range(3, per_group.ndim)), keepdims=True)
    )
    return np.broadcast_to(norms, (groups, ipg, w.shape[1], *ones)).reshape(
        w.shape[0], w.shape[1], *ones
    )


def normalize_direction(
    direction: Mapping[str, np.ndarray],
    model: Any,
    *,
    norm: str = "filter",
    ignore_bias_bn: bool = True,
) -> Direction:
    r"""Scale ``direction`` to the size of ``model``'s parameters, filter by filter.

    For every filter :math:`i` of a weight of two or more dimensions (see
    :func:`filter_norms`), ``norm="filter"`` rescales the direction to the weight's norm:

    .. math:: d_i \leftarrow \frac{d_i}{\lVert d_i \rVert} \lVert \theta_i \rVert

    so that a step of 1 along ``d`` changes every filter by as much as its own size and the
    scale invariance of ReLU networks no longer distorts the picture. ``"layer"`` does the
    same with a whole parameter as one filter; ``"none"`` leaves ``d`` as it is.

    Biases and BatchNorm parameters (every parameter of one dimension) get the zero
    direction by default, as in the paper: the landscape then moves only the weights. With
    ``ignore_bias_bn=False`` their direction is the parameter itself, as the paper's
    reference implementation (``net_plotter.normalize_directions_for_weights``) does.

    Parameters
    ----------
    direction : mapping of str to ndarray
        Names and shapes of ``model.named_parameters()``.
    model : Module
        Supplies :math:`\theta`.
    norm : {"filter", "layer", "none"}, default "filter"
    ignore_bias_bn : bool, default True

    Returns
    -------
    dict of str to ndarray
        A new direction, with the parameters' dtypes.
    """
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {', '.join(NORMS)}, got {norm!r}")
    params = dict(model.named_parameters())
    layout = _filter_layout(model)
    out: Direction = {}
    for name, d in direction.items():
        if name not in params:
            raise ValueError(f"the direction has a parameter {name!r} the model lacks")
        theta = params[name].data
        if np.shape(d) != theta.shape:
            raise ValueError(
                f"direction {name!r} has shape {np.shape(d)}, the parameter has {theta.shape}"
            )
        out[name] = _normalized(np.asarray(d), theta, norm, ignore_bias_bn, layout[name])
    return out


def _normalized(
    d: np.ndarray, theta: np.ndarray, norm: str, ignore_bias_bn: bool, layout: tuple[bool, int]
) -> np.ndarray:
    if theta.ndim <= 1:
        return np.zeros_like(theta) if ignore_bias_bn else theta.copy()
    d64 = d.astype(np.float64)
    if norm == "filter":
        scale = filter_norms(theta, transposed=layout[0], groups=layout[1]) / (
            filter_norms(d64, transposed=layout[0], groups=layout[1]) + _TINY
        )
    elif norm == "layer":
        scale = np.linalg.norm(theta.astype(np.float64)) / (np.linalg.norm(d64) + _TINY)
    else:
        scale = np.float64(1.0)
    return (d64 * scale).astype(theta.dtype)


def random_direction(
    model: Any,
    *,
    rng: np.random.Generator | int | None = None,
    norm: str = "filter",
    ignore_bias_bn: bool = True,
) -> Direction:
    """A Gaussian random direction, normalised by :func:`normalize_direction`.

    Parameters
    ----------
    model : Module
    rng : Generator or int, optional
        Same seed, same direction.
    norm : {"filter", "layer", "none"}, default "filter"
    ignore_bias_bn : bool, default True
        Zero direction for biases and BatchNorm parameters (the paper's default).

    Returns
    -------
    dict of str to ndarray
        One array per parameter, of its shape and dtype.

    Examples
    --------
    >>> from kobai import nn
    >>> model = nn.Linear(3, 2, rng=0)
    >>> d = random_direction(model, rng=0)
    >>> bool((d["bias"] == 0).all())
    True
    """
    generator = as_rng(rng)
    raw = {
        name: generator.standard_normal(p.shape).astype(p.data.dtype)
        for name, p in model.named_parameters()
    }
    return normalize_direction(raw, model, norm=norm, ignore_bias_bn=ignore_bias_bn)


def random_directions(
    model: Any,
    n: int = 2,
    *,
    rng: np.random.Generator | int | None = None,
    norm: str = "filter",
    ignore_bias_bn: bool = True,
) -> list[Direction]:
    """``n`` independent directions of :func:`random_direction` (two span a plane).

    In the many dimensions of a network two Gaussian directions are nearly orthogonal, which
    is why the paper uses them as the axes of a plane without orthogonalising them.
    """
    n = check_int("n", n, low=1)
    generator = as_rng(rng)
    return [
        random_direction(model, rng=generator, norm=norm, ignore_bias_bn=ignore_bias_bn)
        for _ in range(n)
    ]
