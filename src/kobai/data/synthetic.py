"""Small synthetic data sets for watching a network learn: 2-D classification and 1-D regression.

Every generator takes ``rng`` (a ``np.random.Generator``, or an int seed) and never touches
NumPy's global random state: the same seed gives the same data. Classification sets return
``X`` float32 of shape ``(n, 2)`` and labels ``y`` int64 of shape ``(n,)``; regression sets
return ``x`` and ``t`` float32 of shape ``(n, 1)`` (one input, one output unit). Classification
samples come in random order.

Why not scikit-learn's ``make_moons`` and friends: kobai's core depends on NumPy alone, and
scikit-learn's ``random_state`` takes an int or a legacy ``RandomState``, not the
``np.random.Generator`` that every kobai function passes along, so a run could not thread one
generator through data, initialisation and batching. The geometry of ``make_moons``,
``make_circles`` and ``make_blobs`` follows scikit-learn's so that pictures look familiar.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from kobai.backend import as_rng
from kobai.validation import MAX_SAMPLES, check_choice, check_int, check_real, is_integer

if TYPE_CHECKING:
    from kobai.backend import RNG

ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")


def make_moons(
    n_samples: int = 100, *, noise: float = 0.0, rng: RNG = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles of radius 1.

    Class 0 lies on the upper half circle around ``(0, 0)``, class 1 on the lower half circle
    around ``(1, 0.5)``; each class gets half of the samples (class 0 one more if ``n_samples``
    is odd), at evenly spaced angles, then Gaussian noise of standard deviation ``noise`` is
    added to every coordinate.

    .. math::

        x^{(0)} = (\\cos\\theta, \\sin\\theta), \\qquad
        x^{(1)} = (1 - \\cos\\theta, \\tfrac12 - \\sin\\theta), \\qquad \\theta \\in [0, \\pi]

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_moons(200, noise=0.1, rng=0)
    """
    n = check_int("n_samples", n_samples, low=2, high=MAX_SAMPLES)
    noise = check_real("noise", noise, low=0.0)
    rng = as_rng(rng)
    upper, lower, y = _two_arcs(n, np.pi, endpoint=True)
    X = np.concatenate([upper, np.array([1.0, 0.5]) - lower])
    return _finish(X, y, noise, rng)


def make_circles(
    n_samples: int = 100, *, factor: float = 0.8, noise: float = 0.0, rng: RNG = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor`` (< 1).

    Samples sit at evenly spaced angles on each circle (class 0 gets one more if ``n_samples``
    is odd), then Gaussian noise of standard deviation ``noise`` is added.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_circles(200, factor=0.5, noise=0.05, rng=0)
    """
    n = check_int("n_samples", n_samples, low=2, high=MAX_SAMPLES)
    factor = check_real("factor", factor)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be in (0, 1), got {factor}")
    noise = check_real("noise", noise, low=0.0)
    rng = as_rng(rng)
    outer, inner, y = _two_arcs(n, 2 * np.pi, endpoint=False)
    X = np.concatenate([outer, factor * inner])
    return _finish(X, y, noise, rng)


def make_spiral(
    n_samples: int = 300,
    *,
    n_arms: int = 3,
    turns: float = 1.0,
    noise: float = 0.0,
    rng: RNG = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``n_arms`` interleaved spiral arms from the origin, one class per arm.

    Arm ``k`` is the curve of radius :math:`r \\in (0, 1]` at angle

    .. math:: \\varphi = \\frac{2\\pi k}{K} + 2\\pi \\cdot \\mathrm{turns} \\cdot r,

    sampled at evenly spaced radii (samples shared as evenly as possible between the arms),
    plus Gaussian noise of standard deviation ``noise`` on every coordinate. Not linearly
    separable for any ``n_arms >= 2``: the classic test that a hidden layer is needed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64, values 0..n_arms-1

    Examples
    --------
    >>> X, y = make_spiral(300, n_arms=3, noise=0.05, rng=0)
    """
    n = check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    k = check_int("n_arms", n_arms, low=1)
    if n < k:
        raise ValueError(f"n_samples must be >= n_arms ({k}), got {n}")
    turns = check_real("turns", turns, low=0.0)
    noise = check_real("noise", noise, low=0.0)
    rng = as_rng(rng)
    sizes = _shares(n, k)
    y = np.repeat(np.arange(k), sizes)
    # Radii in (0, 1]: starting at 0 would put one point of every arm on the origin.
    radius = np.concatenate([np.linspace(0.0, 1.0, size + 1)[1:] for size in sizes])
    angle = 2 * np.pi * y / k + 2 * np.pi * turns * radius
    X = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return _finish(X, y, noise, rng)


def make_xor(
    n_samples: int = 200, *, noise: float = 0.0, rng: RNG = None
) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in the square ``[-1, 1]^2``, labelled by the XOR of their signs.

    ``y = 1`` where ``x_1`` and ``x_2`` have opposite signs (quadrants II and IV), ``y = 0``
    where they agree, i.e. :math:`y = (1 - \\mathrm{sign}(x_1)\\,\\mathrm{sign}(x_2)) / 2`.
    Labels come from the clean points; Gaussian noise of standard deviation ``noise`` is added
    afterwards, so with noise some points cross the axes.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_xor(200, rng=0)
    """
    n = check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    noise = check_real("noise", noise, low=0.0)
    rng = as_rng(rng)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (np.signbit(X[:, 0]) != np.signbit(X[:, 1])).astype(np.int64)
    return _finish(X, y, noise, rng, shuffle=False)


def make_blobs(
    n_samples: int = 100,
    *,
    centers: int | Sequence[Sequence[float]] | np.ndarray = 3,
    n_features: int = 2,
    cluster_std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    rng: RNG = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian blobs, one class per centre.

    Parameters
    ----------
    n_samples : int, default 100
        Total number of samples, shared as evenly as possible between the centres.
    centers : int or array-like of shape (n_centers, n_features), default 3
        Number of centres, drawn uniformly in ``center_box``, or the centres themselves.
    n_features : int, default 2
        Dimension, when ``centers`` is a number.
    cluster_std : float, default 1.0
        Standard deviation of every blob.
    center_box : (float, float), default (-10, 10)
        Bounds of randomly drawn centres.
    rng : Generator or int, optional

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float32
    y : ndarray of shape (n_samples,), int64
        Index of each sample's centre.

    Examples
    --------
    >>> X, y = make_blobs(300, centers=[[0, 0], [4, 4]], cluster_std=0.5, rng=0)
    """
    n = check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    cluster_std = check_real("cluster_std", cluster_std, low=0.0)
    rng = as_rng(rng)
    if is_integer(centers):
        k = check_int("centers", centers, low=1)
        d = check_int("n_features", n_features, low=1)
        low, high = _interval("center_box", center_box)
        means = rng.uniform(low, high, size=(k, d))
    else:
        means = np.asarray(centers, dtype=np.float64)
        if means.ndim != 2 or len(means) == 0:
            raise ValueError(f"centers must have shape (n_centers, n_features), got {means.shape}")
    sizes = _shares(n, len(means))
    y = np.repeat(np.arange(len(means)), sizes)
    X = means[y] + cluster_std * rng.standard_normal((n, means.shape[1]))
    return _finish(X, y, 0.0, rng)


def make_sine(
    n_samples: int = 100,
    *,
    noise: float = 0.0,
    frequency: float = 1.0,
    x_range: tuple[float, float] = (-math.pi, math.pi),
    rng: RNG = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sine-curve regression: ``x`` uniform in ``x_range``, ``t = sin(frequency x) + noise``.

    .. math:: t_i = \\sin(\\omega x_i) + \\epsilon_i, \\qquad \\epsilon_i \\sim N(0, \\sigma^2)

    Returns
    -------
    x : ndarray of shape (n_samples, 1), float32
    t : ndarray of shape (n_samples, 1), float32

    Examples
    --------
    >>> x, t = make_sine(200, noise=0.1, rng=0)
    """
    n = check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    noise = check_real("noise", noise, low=0.0)
    frequency = check_real("frequency", frequency)
    low, high = _interval("x_range", x_range)
    return _curve(lambda x: np.sin(frequency * x), n, low, high, noise, as_rng(rng))


def make_single_neuron(
    n_samples: int = 100,
    *,
    w: float = 2.0,
    b: float = -1.0,
    activation: str = "sigmoid",
    noise: float = 0.0,
    x_range: tuple[float, float] = (-3.0, 3.0),
    rng: RNG = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Data made by one neuron ``y = f(w x + b)``: the loss-surface example of the seeds.

    ``x`` is uniform in ``x_range`` and the targets are the neuron's own outputs at the true
    parameters ``(w, b)``, plus Gaussian noise:

    .. math:: t_i = f(w x_i + b) + \\epsilon_i, \\qquad \\epsilon_i \\sim N(0, \\sigma^2)

    With ``noise=0`` the mean squared error :math:`L(w', b') = \\frac1N \\sum_i
    (f(w' x_i + b') - t_i)^2` is exactly 0 at ``(w', b') = (w, b)``, so the true parameters are
    a global minimum of the loss surface over ``(w', b')`` (for the strictly increasing sigmoid,
    tanh and identity, the only point where the loss is 0); with noise the minimum moves only
    slightly away from them.

    Parameters
    ----------
    n_samples : int, default 100
    w, b : float, default 2.0 and -1.0
        The true weight and bias.
    activation : {"sigmoid", "tanh", "relu", "identity"}, default "sigmoid"
        The neuron's activation ``f``.
    noise : float, default 0.0
        Standard deviation of the noise on ``t``.
    x_range : (float, float), default (-3, 3)
        Interval of the inputs.
    rng : Generator or int, optional

    Returns
    -------
    x : ndarray of shape (n_samples, 1), float32
    t : ndarray of shape (n_samples, 1), float32

    Examples
    --------
    >>> x, t = make_single_neuron(100, w=2.0, b=-1.0, rng=0)
    """
    n = check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    w = check_real("w", w)
    b = check_real("b", b)
    check_choice("activation", activation, ACTIVATIONS)
    noise = check_real("noise", noise, low=0.0)
    low, high = _interval("x_range", x_range)
    return _curve(lambda x: activate(w * x + b, activation), n, low, high, noise, as_rng(rng))


def activate(z: np.ndarray, activation: str) -> np.ndarray:
    """Apply the named activation of :func:`make_single_neuron` to an array (float64 kept)."""
    if activation == "sigmoid":
        # 0.5 * (1 + tanh(z / 2)) is the logistic function without overflow for large |z|.
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    elif activation == "tanh":
        return np.tanh(z)
    elif activation == "relu":
        return np.maximum(z, 0.0)
    elif activation == "identity":
        return z
    else:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")


def _finish(
    X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator, *, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    if shuffle:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    return X.astype(np.float32), y.astype(np.int64)


def _two_arcs(n: int, stop: float, *, endpoint: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Points of the unit circle at evenly spaced angles in [0, stop] for two classes of
    # (n + 1) // 2 and n // 2 samples, and their labels.
    sizes = _shares(n, 2)
    first, second = (np.linspace(0.0, stop, size, endpoint=endpoint) for size in sizes)
    points = [np.stack([np.cos(a), np.sin(a)], axis=1) for a in (first, second)]
    return points[0], points[1], np.repeat(np.arange(2), sizes)


def _curve(
    f: Callable[[np.ndarray], np.ndarray],
    n: int,
    low: float,
    high: float,
    noise: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    # x uniform in [low, high) and t = f(x) + N(0, noise^2), both float32 of shape (n, 1).
    x = rng.uniform(low, high, size=(n, 1))
    t = f(x) + noise * rng.standard_normal((n, 1))
    return x.astype(np.float32), t.astype(np.float32)


def _shares(n: int, k: int) -> list[int]:
    # n split into k near-equal parts, the first n % k parts one larger.
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _interval(name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    if len(bounds) != 2:
        raise ValueError(f"{name} must be (low, high), got {bounds!r}")
    low, high = (check_real(name, v) for v in bounds)
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high, got {bounds!r}")
    return low, high
