"""Noise models for denoising autoencoders, and the peak signal-to-noise ratio.

A noise model corrupts a batch of inputs with fresh random draws every time it is applied.
As a layer it behaves like :class:`~kobai.nn.Dropout`: in training mode it corrupts its input,
in evaluation mode it is the identity, and it keeps its own generator, so a run that resumes
from a checkpoint continues the same sequence of corruptions (the fit loop saves the states of
every generator held by the model's modules). Put one in front of an autoencoder
(``DenseAutoencoder(..., noise=GaussianNoise(0.5, rng=1))``) and train on ``(X, X)``: every
epoch sees newly corrupted inputs while the target stays the clean image.

References
----------
P. Vincent, H. Larochelle, I. Lajoie, Y. Bengio, P.-A. Manzagol, "Stacked denoising
autoencoders: learning useful representations in a deep network with a local denoising
criterion", JMLR 11 (2010) 3371-3408 (masking and salt-and-pepper noise, section 4.2).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai import nn
from kobai.autograd import Tensor
from kobai.backend import as_rng
from kobai.validation import check_bool, check_real

if TYPE_CHECKING:
    from kobai.backend import RNG

NOISES = ("gaussian", "salt_and_pepper", "masking")


class Noise(nn.Module):
    """Base class: corrupts in training mode, the identity in evaluation mode.

    Subclasses implement :meth:`corrupt`, which never modifies its input.

    Parameters
    ----------
    rng : np.random.Generator, int or None, keyword-only
        The generator of the corruptions the layer draws in training mode.
    """

    def __init__(self, *, rng: RNG = None) -> None:
        super().__init__()
        self.rng = as_rng(rng)

    def corrupt(self, x: Any, rng: RNG = None) -> np.ndarray:
        """A corrupted copy of ``x`` (ndarray of any shape, first axis = samples).

        ``rng`` draws the noise; the layer's own generator when None.
        """
        raise NotImplementedError

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        if not self.training:
            return x
        # The corrupted input is data, not a function of the parameters: no graph needed.
        return Tensor(self.corrupt(x.data))

    def _generator(self, rng: RNG) -> np.random.Generator:
        return self.rng if rng is None else as_rng(rng)


class GaussianNoise(Noise):
    r"""Additive Gaussian noise :math:`\tilde x = x + \sigma \varepsilon`,
    :math:`\varepsilon \sim \mathcal N(0, 1)` independently for every element.

    Parameters
    ----------
    sigma : float >= 0
        Standard deviation of the noise.
    clip : bool, default True
        Clip the result to ``[0, 1]`` so the corrupted image is still an image (the noise
        that remains then has a smaller variance than :math:`\sigma^2`).
    rng : np.random.Generator, int or None, keyword-only

    Examples
    --------
    >>> noise = GaussianNoise(0.5, clip=False, rng=0)
    >>> x = np.zeros((1000, 100), np.float32)
    >>> round(float(noise.corrupt(x).std()), 2)
    0.5
    """

    def __init__(self, sigma: float, *, clip: bool = True, rng: RNG = None) -> None:
        super().__init__(rng=rng)
        self.sigma = _non_negative("sigma", sigma)
        self.clip = check_bool("clip", clip)

    def corrupt(self, x: Any, rng: RNG = None) -> np.ndarray:
        x = _floating(x)
        out = x + (self.sigma * self._generator(rng).standard_normal(x.shape)).astype(x.dtype)
        return np.clip(out, 0, 1, out=out) if self.clip else out

    def extra_repr(self) -> str:
        return f"sigma={self.sigma}, clip={self.clip}"


class SaltAndPepperNoise(Noise):
    """Set a fraction of each sample's elements to 0 or 1 (a fair coin for each).

    For every sample, ``round(fraction * n_elements)`` distinct elements are chosen at random
    (Vincent et al. 2010); each becomes ``low`` or ``high`` with probability 1/2.

    Parameters
    ----------
    fraction : float in [0, 1]
        Fraction of the elements of each sample that are corrupted.
    low, high : float, default 0 and 1
        The "pepper" and "salt" values (the range of the data).
    rng : np.random.Generator, int or None, keyword-only
    """

    def __init__(
        self, fraction: float, *, low: float = 0.0, high: float = 1.0, rng: RNG = None
    ) -> None:
        super().__init__(rng=rng)
        self.fraction = _fraction(fraction)
        self.low, self.high = float(low), float(high)

    def corrupt(self, x: Any, rng: RNG = None) -> np.ndarray:
        x = _floating(x)
        generator = self._generator(rng)
        chosen = choose_elements(x.shape, self.fraction, generator)
        salt = generator.random(x.shape) < 0.5
        out = x.copy()
        out[chosen & salt] = self.high
        out[chosen & ~salt] = self.low
        return out

    def extra_repr(self) -> str:
        return f"fraction={self.fraction}"


class MaskingNoise(Noise):
    """Set a fraction of each sample's elements to zero (masking noise, Vincent et al. 2010).

    For every sample, ``round(fraction * n_elements)`` distinct elements are chosen at random.

    Parameters
    ----------
    fraction : float in [0, 1]
        Fraction of the elements of each sample that are zeroed.
    rng : np.random.Generator, int or None, keyword-only
    """

    def __init__(self, fraction: float, *, rng: RNG = None) -> None:
        super().__init__(rng=rng)
        self.fraction = _fraction(fraction)

    def corrupt(self, x: Any, rng: RNG = None) -> np.ndarray:
        x = _floating(x)
        chosen = choose_elements(x.shape, self.fraction, self._generator(rng))
        return np.where(chosen, np.zeros((), x.dtype), x)

    def extra_repr(self) -> str:
        return f"fraction={self.fraction}"


def choose_elements(
    shape: tuple[int, ...], fraction: float, rng: np.random.Generator
) -> np.ndarray:
    """A boolean mask of ``shape`` with exactly ``round(fraction * m)`` True elements in each
    sample (row along the first axis; ``m`` elements per sample), at random positions."""
    n, m = shape[0], math.prod(shape[1:])
    count = round(fraction * m)
    mask = np.zeros((n, m), dtype=bool)
    if count > 0:
        # The `count` smallest of i.i.d. uniform keys: a uniformly random subset per row.
        keys = rng.random((n, m))
        picked = np.argpartition(keys, count - 1, axis=1)[:, :count]
        np.put_along_axis(mask, picked, True, axis=1)
    return mask.reshape(shape)


def make_noise(name: str, level: float, *, rng: RNG = None) -> Noise:
    """A noise model by name: ``"gaussian"`` (``level`` = sigma), ``"salt_and_pepper"`` or
    ``"masking"`` (``level`` = fraction of corrupted elements).

    Raises
    ------
    ValueError
        For an unknown name (listing the valid ones) or a bad level.
    """
    key = str(name).strip().lower().replace("-", "_")
    if key == "gaussian":
        return GaussianNoise(level, rng=rng)
    elif key in ("salt_and_pepper", "saltandpepper", "salt_pepper"):
        return SaltAndPepperNoise(level, rng=rng)
    elif key == "masking":
        return MaskingNoise(level, rng=rng)
    else:
        raise ValueError(f"unknown noise {name!r}; valid: {', '.join(NOISES)}")


def parse_noise(spec: str, *, rng: RNG = None) -> Noise:
    """A noise model from ``"KIND:LEVEL"``, e.g. ``"gaussian:0.5"``, ``"masking:0.3"``,
    ``"salt_and_pepper:0.2"`` (see :func:`make_noise`).

    Raises
    ------
    ValueError
        For a malformed spec, naming it.
    """
    if not isinstance(spec, str):
        raise TypeError(f"noise must be a string such as 'gaussian:0.5', got {spec!r}")
    kind, sep, level = spec.partition(":")
    try:
        value = float(level)
    except ValueError:
        value = math.nan
    if not sep or math.isnan(value):
        raise ValueError(
            f"noise must be KIND:LEVEL with KIND one of {', '.join(NOISES)}, e.g. "
            f"'gaussian:0.5', got {spec!r}"
        )
    return make_noise(kind, value, rng=rng)


def psnr(x: Any, reference: Any, *, data_range: float = 1.0) -> float:
    r"""Peak signal-to-noise ratio of ``x`` against ``reference``, in decibels.

    .. math:: \mathrm{PSNR} = 10 \log_{10} \frac{R^2}{\mathrm{MSE}(x, x_{\mathrm{ref}})}

    with :math:`R` the data range (1 for images in ``[0, 1]``) and the MSE over all elements
    of the whole set (computed in float64). Identical arrays give ``inf``.

    Parameters
    ----------
    x, reference : array_like of the same shape
    data_range : float > 0, default 1

    Examples
    --------
    >>> round(psnr(np.full(4, 0.1), np.zeros(4)), 6)
    20.0
    """
    a, b = np.asarray(x, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"psnr needs arrays of the same shape, got {a.shape} and {b.shape}")
    data_range = check_real("data_range", data_range, low=0, low_open=True)
    mse = float(np.mean((a - b) ** 2))
    return math.inf if mse == 0 else 10.0 * math.log10(data_range**2 / mse)


def _floating(x: Any) -> np.ndarray:
    array = np.asarray(getattr(x, "data", x))
    if array.dtype.kind != "f":
        array = array.astype(np.float32)
    if array.ndim == 0:
        raise ValueError("noise needs an array with a first axis of samples, got a scalar")
    return array


def _fraction(value: Any) -> float:
    return check_real("fraction", value, low=0, high=1)


def _non_negative(name: str, value: Any) -> float:
    return check_real(name, value, low=0)
