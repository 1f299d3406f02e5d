"""Anomaly scores, thresholds and their evaluation, on scores with a known answer."""

import math

import numpy as np
import pytest

pytest.importorskip("sklearn")  # the metrics and the PCA baseline are scikit-learn's

from kobai.models.anomaly import (
    evaluate_detection,
    fit_pca,
    normal_mask,
    one_class_split,
    pca_reconstruction_error,
    threshold_from_scores,
)


def test_threshold_is_the_percentile_of_the_training_scores() -> None:
    assert threshold_from_scores(np.arange(101.0), 95) == 95.0
    assert threshold_from_scores([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    with pytest.raises(
        ValueError, match=r"percentile must be a finite number in \[0, 100\], got 120"
    ):
        threshold_from_scores([1.0], 120)
    with pytest.raises(ValueError, match="no scores"):
        threshold_from_scores([], 95)


def test_detection_by_hand() -> None:
    # Pairs (anomalous, normal) ranked correctly: 0.25 beats 0.1 and 0.2, 0.4 beats all
    # three: 5 of 6. At 0.22, 0.3 (normal), 0.25 and 0.4 are flagged.
    r = evaluate_detection([0.1, 0.2, 0.3], [0.25, 0.4], threshold=0.22)
    assert r.auc == pytest.approx(5 / 6)
    assert r.precision == pytest.approx(2 / 3)
    assert r.recall == 1.0
    assert r.false_positive_rate == pytest.approx(1 / 3)
    np.testing.assert_array_equal(r.labels, [0, 0, 0, 1, 1])
    # ROC: thresholds inf, 0.4, 0.3, 0.25, 0.1 (scikit-learn drops the collinear 0.2 point).
    np.testing.assert_allclose(r.tpr, [0, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(r.fpr, [0, 0, 1 / 3, 1 / 3, 1])


def test_perfect_reversed_and_tied_scores() -> None:
    assert evaluate_detection([1, 2, 3], [4, 5], threshold=3.5).auc == 1.0
    assert evaluate_detection([4, 5], [1, 2, 3], threshold=3.5).auc == 0.0
    tied = evaluate_detection([1.0, 1.0], [1.0, 1.0], threshold=1.0)
    assert tied.auc == 0.5 and tied.precision == 0.0 and tied.recall == 0.0


def test_auc_of_two_gaussians_is_phi_of_d_over_root_two() -> None:
    rng = np.random.default_rng(0)
    d = 1.0
    normal, anomalous = rng.normal(0, 1, 20_000), rng.normal(d, 1, 20_000)
    expected = 0.5 * (1 + math.erf(d / 2))  # Phi(d / sqrt 2)
    r = evaluate_detection(normal, anomalous, threshold=threshold_from_scores(normal, 95))
    assert r.auc == pytest.approx(expected, abs=0.006)
    # Threshold at the 95th percentile of normal scores: 5 % false positives and a recall of
    # P(N(1, 1) > 1.645) = 1 - Phi(0.645) = 0.2595.
    assert r.false_positive_rate == pytest.approx(0.05, abs=0.004)
    assert r.recall == pytest.approx(0.2595, abs=0.01)


def test_an_empty_side_is_refused() -> None:
    with pytest.raises(ValueError, match="anomalous_scores is empty"):
        evaluate_detection([0.1, 0.2], [], threshold=0.1)
    with pytest.raises(ValueError, match="normal_scores holds a value that is not finite"):
        evaluate_detection([np.nan], [1.0], threshold=0.1)


def test_an_anomaly_set_with_no_normal_samples_is_refused() -> None:
    y = np.array([0, 1, 2, 3])
    with pytest.raises(ValueError, match=r"no sample has a normal label in \[7\]; labels present"):
        normal_mask(y, [7])
    with pytest.raises(ValueError, match="at least one class"):
        normal_mask(y, [])


def test_one_class_split_keeps_normal_training_samples_only() -> None:
    x = np.arange(12.0).reshape(6, 2)
    y = np.array([0, 1, 0, 2, 1, 0])
    x_normal, x_test, is_anomaly = one_class_split(x, y, x, y, [0])
    np.testing.assert_array_equal(x_normal, x[[0, 2, 5]])
    np.testing.assert_array_equal(is_anomaly, [False, True, False, True, True, False])
    with pytest.raises(ValueError, match="needs normal and anomalous samples"):
        one_class_split(x, y, x, y, [0, 1, 2])


def test_pca_reconstruction_error_matches_a_projection_by_hand() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 5))
    pca = fit_pca(x, 2)
    mean = x.mean(axis=0)
    basis = np.linalg.svd(x - mean, full_matrices=False)[2][:2]
    by_hand = np.mean(((x - mean) - (x - mean) @ basis.T @ basis) ** 2, axis=1)
    np.testing.assert_allclose(pca_reconstruction_error(pca, x), by_hand, rtol=1e-6, atol=1e-12)
    with pytest.raises(ValueError, match=r"n_components must be in \[1, 5\] .* got 6"):
        fit_pca(x, 6)
