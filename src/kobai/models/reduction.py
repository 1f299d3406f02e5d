"""Dimensionality reduction: an autoencoder's reconstruction error against PCA's at the same k."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.models.anomaly import fit_pca, pca_reconstruction_error
from kobai.models.reconstruction import reconstruction_error


@dataclass
class ReductionRow:
    """Held-out reconstruction MSE of an autoencoder and of PCA with ``k`` components."""

    k: int
    autoencoder_mse: float
    pca_mse: float

    @property
    def improvement(self) -> float:
        """How much lower the autoencoder's MSE is than PCA's, as a fraction of PCA's."""
        return 1.0 - self.autoencoder_mse / self.pca_mse

    def as_row(self) -> dict[str, float]:
        """The row of a metrics table."""
        return {
            "k": self.k,
            "autoencoder_mse": self.autoencoder_mse,
            "pca_mse": self.pca_mse,
            "improvement": self.improvement,
        }


def pca_mse(
    x_train: np.ndarray, x_test: np.ndarray, k: int, *, random_state: int | None = 0
) -> float:
    """Mean squared error per value of PCA(``k``) fitted on ``x_train``, on ``x_test``."""
    return float(
        np.mean(pca_reconstruction_error(fit_pca(x_train, k, random_state=random_state), x_test))
    )


def compare_with_pca(
    models: dict[int, Any], x_train: np.ndarray, x_test: np.ndarray
) -> list[ReductionRow]:
    """One :class:`ReductionRow` per trained autoencoder, keyed by its latent size ``k``.

    Parameters
    ----------
    models : dict of k -> Autoencoder
        Trained on ``x_train``.
    x_train : ndarray of shape (n_train, ...)
        What PCA is fitted on.
    x_test : ndarray of shape (n_test, ...)
        Where both are measured.
    """
    return [
        ReductionRow(
            k=int(k),
            autoencoder_mse=float(np.mean(reconstruction_error(model, x_test))),
            pca_mse=pca_mse(x_train, x_test, int(k)),
        )
        for k, model in sorted(models.items())
    ]
