"""Metrics: hand-computed values, and running metrics equal to metrics over the whole epoch."""

import numpy as np
import pytest

from kobai.train import metrics as M


def test_accuracy_rmse_r2_by_hand() -> None:
    out = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.2, 0.1]])
    assert M.accuracy(out, np.array([0, 1, 1, 0])) == 0.75
    assert M.accuracy(out, np.eye(2)[[0, 1, 1, 0]]) == 0.75
    assert M.rmse(np.array([1.0, 2.0]), np.array([1.0, 4.0])) == pytest.approx(np.sqrt(2.0))
    assert M.r2_score(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])) == 1.0
    assert M.r2_score(np.full(3, 2.0), np.array([1.0, 2.0, 3.0])) == 0.0


def test_infer_task() -> None:
    assert M.infer_task(np.array([0, 1])) == "classification"
    assert M.infer_task(np.array([0.5])) == "regression"


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_running_metrics_equal_metrics_over_all_batches(task: str) -> None:
    rng = np.random.default_rng(0)
    out = rng.standard_normal((50, 3))
    target = rng.integers(0, 3, 50) if task == "classification" else rng.standard_normal((50, 3))
    running = M.RunningMetrics(task)
    for start in range(0, 50, 16):
        running.update(out[start : start + 16], target[start : start + 16])
    expected = M.compute(task, out, target)
    for key, value in expected.items():
        assert running.result()[key] == pytest.approx(value, rel=1e-12)


def test_unknown_task() -> None:
    with pytest.raises(ValueError, match="task must be one of classification, regression"):
        M.RunningMetrics("ranking")
