"""Denoising: corrupt held-out samples, reconstruct them, and measure the gain in PSNR."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.models.noise import psnr
from kobai.models.reconstruction import reconstruct


@dataclass
class DenoisingResult:
    """Clean, corrupted and denoised samples, and their PSNR against the clean ones.

    Attributes
    ----------
    clean, noisy, denoised : ndarray of shape (n_samples, ...)
    psnr_noisy, psnr_denoised : float
        PSNR (dB) of the noisy and of the denoised samples against the clean ones.
    """

    clean: np.ndarray
    noisy: np.ndarray
    denoised: np.ndarray
    psnr_noisy: float
    psnr_denoised: float

    @property
    def gain(self) -> float:
        """PSNR gained by denoising, in dB."""
        return self.psnr_denoised - self.psnr_noisy


def evaluate_denoising(
    model: Any, clean: np.ndarray, noisy: np.ndarray, *, data_range: float = 1.0
) -> DenoisingResult:
    """Denoise ``noisy`` with ``model`` (evaluation mode) and compare both with ``clean``.

    Parameters
    ----------
    model : Autoencoder
        Trained to map corrupted samples to clean ones.
    clean : ndarray of shape (n_samples, ...)
        Held-out clean samples.
    noisy : ndarray of the shape of ``clean``
        The same samples corrupted, e.g. ``noise.corrupt(clean, rng)``.

    Returns
    -------
    DenoisingResult

    Examples
    --------
    >>> from kobai.models import DenseAutoencoder, GaussianNoise
    >>> clean = np.random.default_rng(0).random((20, 16), dtype=np.float32)
    >>> noisy = GaussianNoise(0.3).corrupt(clean, rng=1)
    >>> result = evaluate_denoising(DenseAutoencoder(16, [8], 4, rng=0), clean, noisy)
    >>> result.denoised.shape
    (20, 16)
    """
    clean, noisy = np.asarray(clean), np.asarray(noisy)
    if clean.shape != noisy.shape:
        raise ValueError(
            f"clean samples of shape {clean.shape} and noisy ones of shape {noisy.shape} differ"
        )
    denoised = reconstruct(model, noisy)
    return DenoisingResult(
        clean=clean,
        noisy=noisy,
        denoised=denoised,
        psnr_noisy=psnr(noisy, clean, data_range=data_range),
        psnr_denoised=psnr(denoised, clean, data_range=data_range),
    )
