"""Reconstruction against PCA, and denoising measured in PSNR."""

import numpy as np
import pytest

pytest.importorskip("sklearn")  # the metrics and the PCA baseline are scikit-learn's

from kobai.models import DenseAutoencoder, MaskingNoise, evaluate_denoising
from kobai.models.reduction import ReductionRow, compare_with_pca, pca_mse


def test_pca_mse_by_hand() -> None:
    rng = np.random.default_rng(0)
    x_train, x_test = rng.normal(size=(40, 6)), rng.normal(size=(10, 6))
    mean = x_train.mean(axis=0)
    basis = np.linalg.svd(x_train - mean, full_matrices=False)[2][:3]
    centred = x_test - mean
    by_hand = np.mean((centred - centred @ basis.T @ basis) ** 2)
    assert pca_mse(x_train, x_test, 3) == pytest.approx(by_hand, rel=1e-6)
    assert pca_mse(x_train, x_test, 6) == pytest.approx(0, abs=1e-20)


def test_reduction_row() -> None:
    row = ReductionRow(k=2, autoencoder_mse=0.03, pca_mse=0.05)
    assert row.improvement == pytest.approx(0.4)
    assert row.as_row() == {"k": 2, "autoencoder_mse": 0.03, "pca_mse": 0.05, "improvement": 0.4}


def test_compare_with_pca_measures_every_model() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((30, 8)).astype(np.float32)
    models = {4: DenseAutoencoder(8, [6], 4, rng=0), 2: DenseAutoencoder(8, [6], 2, rng=0)}
    rows = compare_with_pca(models, x, x)
    assert [r.k for r in rows] == [2, 4]
    assert rows[0].pca_mse > rows[1].pca_mse > 0
    untrained = float(np.mean((0.5 - x) ** 2))  # roughly sigmoid(small) = 0.5 everywhere
    assert rows[0].autoencoder_mse == pytest.approx(untrained, rel=0.3)


def test_evaluate_denoising_by_hand() -> None:
    model = DenseAutoencoder(4, [3], 2, rng=0)
    for p in model.parameters():
        p.data[...] = 0  # the "denoised" output is 0.5 everywhere
    clean = np.full((2, 4), 0.5, np.float32)
    noisy = MaskingNoise(0.5).corrupt(clean, rng=0)
    r = evaluate_denoising(model, clean, noisy)
    # Half the pixels off by 0.5: MSE 0.125, PSNR 10 log10(8) = 9.03 dB; denoised: exact.
    assert r.psnr_noisy == pytest.approx(10 * np.log10(8))
    assert r.psnr_denoised == np.inf and r.gain == np.inf
    with pytest.raises(ValueError, match=r"\(2, 4\) and noisy ones of shape \(2, 3\)"):
        evaluate_denoising(model, clean, noisy[:, :3])
