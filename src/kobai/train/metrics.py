"""Metrics of predictions: accuracy for classes, RMSE and R^2 for regression."""

from __future__ import annotations

import numpy as np

TASKS = ("classification", "regression")


def infer_task(y: np.ndarray) -> str:
    """``"classification"`` for integer targets, ``"regression"`` for floating ones."""
    return "classification" if np.asarray(y).dtype.kind in "iub" else "regression"


def accuracy(output: np.ndarray, target: np.ndarray) -> float:
    """Fraction of rows whose largest output is the target class.

    Parameters
    ----------
    output : ndarray of shape (n_samples, n_classes)
        Scores, logits or probabilities (a single column is read as the logit of class 1).
    target : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Class indices, or one-hot / probability rows.
    """
    output, target = np.asarray(output), np.asarray(target)
    if output.ndim == 1 or output.shape[-1] == 1:
        predicted = (output.reshape(len(output)) > 0).astype(np.int64)
    else:
        predicted = output.argmax(axis=-1)
    if target.ndim == output.ndim and target.ndim > 1 and target.shape[-1] > 1:
        target = target.argmax(axis=-1)
    hits = predicted == target.reshape(predicted.shape)
    # The count over the size is the mean of the booleans to the last bit (both are one
    # correctly rounded division of an exact count) at a third of np.mean's cost per batch.
    return int(np.count_nonzero(hits)) / hits.size if hits.size else float(np.mean(hits))


def rmse(output: np.ndarray, target: np.ndarray) -> float:
    """Root of the mean squared error over all elements."""
    diff = np.asarray(output, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return float(np.sqrt(np.mean(diff * diff)))


def r2_score(output: np.ndarray, target: np.ndarray) -> float:
    """Coefficient of determination ``1 - SS_res / SS_tot`` (over all elements)."""
    t = np.asarray(target, dtype=np.float64).reshape(np.shape(output))
    residual = np.sum((np.asarray(output, dtype=np.float64) - t) ** 2)
    total = np.sum((t - t.mean(axis=0)) ** 2)
    return float(1.0 - residual / total) if total > 0 else float("nan")


def compute(task: str, output: np.ndarray, target: np.ndarray) -> dict[str, float]:
    """The metrics of ``task`` as a dict (``accuracy``; or ``rmse`` and ``r2``)."""
    if task == "classification":
        return {"accuracy": accuracy(output, target)}
    if task == "regression":
        return {"rmse": rmse(output, target), "r2": r2_score(output, target)}
    raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")


class RunningMetrics:
    """Metrics accumulated batch by batch over an epoch (as Keras reports training metrics).

    The result equals :func:`compute` over the concatenated batches.
    """

    def __init__(self, task: str) -> None:
        if task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
        self.task = task
        self.count = 0
        self.correct = 0.0
        self.sums = np.zeros(3)  # squared error, target, squared target

    def update(self, output: np.ndarray, target: np.ndarray) -> None:
        """Add a batch: ``output`` of shape (batch, ...) and its ``target``."""
        n = len(output)
        self.count += n
        if self.task == "classification":
            self.correct += accuracy(output, target) * n
            return
        out = np.asarray(output, dtype=np.float64)
        t = np.asarray(target, dtype=np.float64).reshape(out.shape)
        if self.sums.shape != (3, *out.shape[1:]):
            self.sums = np.zeros((3, *out.shape[1:]))
        self.sums += [((out - t) ** 2).sum(0), t.sum(0), (t * t).sum(0)]

    def result(self) -> dict[str, float]:
        """The metrics of everything added so far (empty before the first batch)."""
        if self.count == 0:
            return {}
        if self.task == "classification":
            return {"accuracy": self.correct / self.count}
        squared, total, total_sq = self.sums
        elements = self.count * max(int(np.prod(squared.shape)), 1)
        ss_tot = float(np.sum(total_sq - total * total / self.count))
        return {
            "rmse": float(np.sqrt(np.sum(squared) / elements)),
            "r2": 1.0 - float(np.sum(squared)) / ss_tot if ss_tot > 0 else float("nan"),
        }
