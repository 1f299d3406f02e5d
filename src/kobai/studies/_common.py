"""Pieces several studies share: the data they train on and a per-epoch evaluation."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.train import Callback, evaluate


def mnist(n_train: int, n_test: int) -> tuple[tuple[np.ndarray, np.ndarray], tuple[Any, Any]]:
    """The first ``n_train`` digits of the bundled training split and the first ``n_test``
    of its test split."""
    from kobai.data import load_mnist_subset

    x, y = load_mnist_subset("train")
    xt, yt = load_mnist_subset("test")
    return (x[:n_train], y[:n_train]), (xt[:n_test], yt[:n_test])


class EvaluateEachEpoch(Callback):
    """Evaluate the model on held-out data before training and after every epoch.

    Kept apart from the fit loop's own validation so that the loop's clock (``wall_time``)
    counts training only.

    Attributes
    ----------
    losses, accuracies : list of float
        One value before training, then one per epoch.
    """

    def __init__(self, data: tuple[np.ndarray, np.ndarray], loss: Any) -> None:
        self.data, self.loss = data, loss
        self.losses: list[float] = []
        self.accuracies: list[float] = []

    def _record(self, model: Any) -> None:
        scores = evaluate(model, self.data, self.loss)
        self.losses.append(scores["loss"])
        self.accuracies.append(scores.get("accuracy", float("nan")))

    def on_train_begin(self, state: Any) -> None:
        if not self.losses:
            self._record(state.model)

    def on_epoch_end(self, state: Any, logs: dict[str, Any]) -> None:
        self._record(state.model)
