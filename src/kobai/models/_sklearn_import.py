"""scikit-learn is optional: these load it on first use, or say how to install it."""

from __future__ import annotations

import importlib
from typing import Any

INSTALL = 'pip install "kobai[sklearn]"'


def require(module: str, purpose: str = "this") -> Any:
    """Import ``module`` (a scikit-learn module) or raise an ImportError saying what to do."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{purpose} needs scikit-learn: {INSTALL}") from exc


def sklearn_metrics() -> Any:
    """``sklearn.metrics`` (ROC curve, AUC, precision, recall)."""
    return require("sklearn.metrics", "the anomaly evaluation")


def sklearn_pca() -> Any:
    """The ``sklearn.decomposition.PCA`` class (the baseline)."""
    return require("sklearn.decomposition", "the PCA baseline").PCA
