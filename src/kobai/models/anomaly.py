"""Anomaly detection by reconstruction error (source document 003, section 4.3.2).

Train a model on normal data only; a sample it reconstructs badly is an anomaly. The score of
a sample is its reconstruction error (higher = more anomalous), the threshold a percentile of
the training scores (or given), and the evaluation on held-out normal and anomalous samples
uses scikit-learn's ROC curve, AUC, precision and recall. PCA's reconstruction error, with the
same evaluation, is the baseline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.validation import check_real, is_integer, shown


@dataclass
class DetectionResult:
    """How well scores separate normal (label 0) from anomalous (label 1) samples.

    Attributes
    ----------
    auc : float
        Area under the ROC curve (1: every anomaly scores above every normal sample; 0.5:
        chance).
    threshold : float
        Scores above it are called anomalies.
    precision, recall : float
        Of the samples called anomalies, the fraction that are; of the anomalies, the fraction
        called so.
    false_positive_rate : float
        Fraction of normal samples called anomalies.
    fpr, tpr : ndarray of shape (n_points,)
        The ROC curve (scikit-learn's ``roc_curve``).
    scores : ndarray of shape (n_samples,)
        Normal samples first, then anomalous ones.
    labels : ndarray of shape (n_samples,)
        0 for normal, 1 for anomalous.
    """

    auc: float
    threshold: float
    precision: float
    recall: float
    false_positive_rate: float
    fpr: np.ndarray
    tpr: np.ndarray
    scores: np.ndarray
    labels: np.ndarray

    def as_row(self) -> dict[str, float]:
        """The scalar results as a dict (one row of a metrics table)."""
        return {
            "auc": self.auc,
            "threshold": self.threshold,
            "precision": self.precision,
            "recall": self.recall,
            "false_positive_rate": self.false_positive_rate,
        }


def threshold_from_scores(scores: Any, percentile: float = 95.0) -> float:
    """The ``percentile``-th percentile of (training) scores: a threshold that calls about
    ``100 - percentile`` % of normal data anomalous.

    Examples
    --------
    >>> threshold_from_scores(np.arange(101.0), 95)
    95.0
    """
    values = np.asarray(scores, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("cannot choose a threshold from no scores")
    return float(np.percentile(values, check_real("percentile", percentile, low=0, high=100)))


def evaluate_detection(
    normal_scores: Any, anomalous_scores: Any, threshold: float
) -> DetectionResult:
    """ROC curve, AUC, and precision/recall at ``threshold`` (anomalies are the positive class).

    Parameters
    ----------
    normal_scores : array_like of shape (n_normal,)
        Scores of held-out normal samples (higher = more anomalous).
    anomalous_scores : array_like of shape (n_anomalous,)
        Scores of anomalous samples.
    threshold : float
        A sample whose score is above it is called an anomaly.

    Raises
    ------
    ValueError
        If either set is empty (the ROC curve needs both classes) or a score is not finite.

    Examples
    --------
    >>> r = evaluate_detection([0.1, 0.2, 0.3], [0.25, 0.4], threshold=0.22)
    >>> round(r.auc, 4), r.precision, r.recall
    (0.8333, 0.6666666666666666, 1.0)
    """
    from kobai.models._sklearn_import import sklearn_metrics

    metrics = sklearn_metrics()
    normal = _scores("normal_scores", normal_scores)
    anomalous = _scores("anomalous_scores", anomalous_scores)
    scores = np.concatenate([normal, anomalous])
    labels = np.concatenate([np.zeros(len(normal), np.int64), np.ones(len(anomalous), np.int64)])
    called = (scores > threshold).astype(np.int64)
    fpr, tpr, _ = metrics.roc_curve(labels, scores)
    return DetectionResult(
        auc=float(metrics.roc_auc_score(labels, scores)),
        threshold=float(threshold),
        precision=float(metrics.precision_score(labels, called, zero_division=0)),
        recall=float(metrics.recall_score(labels, called, zero_division=0)),
        false_positive_rate=float(np.mean(called[: len(normal)])),
        fpr=fpr,
        tpr=tpr,
        scores=scores,
        labels=labels,
    )


def normal_mask(labels: Any, normal: Iterable[Any]) -> np.ndarray:
    """Boolean mask of the samples whose label is one of ``normal``.

    Raises
    ------
    ValueError
        If no sample has a normal label (naming the labels asked for and those present).
    """
    y = np.asarray(labels).reshape(-1)
    classes = list(normal)
    if not classes:
        raise ValueError("normal must name at least one class, got none")
    mask = np.isin(y, classes)
    if not mask.any():
        present = ", ".join(str(v) for v in np.unique(y)[:20])
        raise ValueError(f"no sample has a normal label in {classes}; labels present: {present}")
    return mask


def one_class_split(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    normal: Iterable[Any],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The normal training samples, and the test samples with their anomaly labels.

    Returns
    -------
    x_normal : ndarray of shape (n_normal_train, ...)
        Training samples of the normal classes only (what the model learns from).
    x_test : ndarray of shape (n_test, ...)
        All test samples.
    is_anomaly : ndarray of shape (n_test,), bool
        True for test samples outside the normal classes.

    Raises
    ------
    ValueError
        If the normal classes have no training or no test sample, or every test sample is
        normal.
    """
    classes = list(normal)
    train_mask = normal_mask(y_train, classes)
    is_anomaly = ~normal_mask(y_test, classes)
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError(
            f"the test set needs normal and anomalous samples; normal classes {classes} "
            f"give {int((~is_anomaly).sum())} normal and {int(is_anomaly.sum())} anomalous"
        )
    return x_train[train_mask], x_test, is_anomaly


def pca_reconstruction_error(pca: Any, x: np.ndarray) -> np.ndarray:
    """Per-sample mean squared error of a fitted scikit-learn ``PCA``'s reconstruction of
    ``x`` (``inverse_transform(transform(x))``): PCA's anomaly score.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    flat = np.asarray(x).reshape(len(x), -1)
    diff = pca.inverse_transform(pca.transform(flat)) - flat
    return np.mean(diff * diff, axis=1)


def fit_pca(x: np.ndarray, n_components: int, *, random_state: int | None = 0) -> Any:
    """scikit-learn's ``PCA(n_components)`` fitted on ``x`` flattened to (n_samples, -1)."""
    from kobai.models._sklearn_import import sklearn_pca

    flat = np.asarray(x).reshape(len(x), -1)
    limit = min(flat.shape)
    if not is_integer(n_components):
        raise TypeError(f"n_components must be an integer, got {shown(n_components)}")
    if not 1 <= n_components <= limit:
        raise ValueError(
            f"n_components must be in [1, {limit}] for data of shape {flat.shape}, "
            f"got {n_components}"
        )
    return sklearn_pca()(n_components=int(n_components), random_state=random_state).fit(flat)


def _scores(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if array.size == 0:
        raise ValueError(f"{name} is empty: the evaluation needs normal and anomalous samples")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds a value that is not finite")
    return array
