"""Callbacks of the fit loop: early stopping, checkpoints of the best model, a target loss."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.train.checkpoint import save_checkpoint
from kobai.validation import check_choice, check_int, check_real

if TYPE_CHECKING:
    from kobai.train.fit import FitState

MODES = ("min", "max")


class Callback:
    """Base class: override the hooks you need. Set ``state.stop_reason`` to stop the run."""

    def on_train_begin(self, state: FitState) -> None:
        """Called once before the first epoch (also when a run resumes)."""

    def on_epoch_end(self, state: FitState, logs: dict[str, Any]) -> None:
        """Called after every epoch with that epoch's history row."""

    def on_train_end(self, state: FitState) -> None:
        """Called once when the run ends (normally or by a callback)."""

    def state_dict(self) -> dict[str, Any]:
        """What a resumed run needs to continue exactly (saved in the checkpoint)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved."""


class _Monitor(Callback):
    def __init__(self, monitor: str, mode: str, min_delta: float = 0.0) -> None:
        self.monitor, self.mode = monitor, check_choice("mode", mode, MODES)
        self.min_delta = check_real("min_delta", min_delta, low=0)
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0

    def _value(self, logs: dict[str, Any]) -> float:
        if self.monitor not in logs or logs[self.monitor] is None:
            raise ValueError(
                f"{type(self).__name__} monitors {self.monitor!r}, which this run does not record "
                f"(recorded: {', '.join(k for k, v in logs.items() if v is not None)})"
            )
        return float(logs[self.monitor])

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_epoch": self.best_epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.best_epoch = float(state["best"]), int(state["best_epoch"])


class EarlyStopping(_Monitor):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    Parameters
    ----------
    monitor : str, default "val_loss"
        A history column.
    patience : int, default 5
        Epochs without improvement before stopping.
    min_delta : float, default 0
        Smallest change that counts as an improvement.
    mode : {"min", "max"}
    restore_best : bool, default True
        Put the parameters of the best epoch back into the model when stopping.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "min",
        restore_best: bool = True,
    ) -> None:
        super().__init__(monitor, mode, min_delta)
        patience = check_int("patience", patience, low=0)
        self.patience, self.restore_best = patience, restore_best
        self.wait = 0
        self.best_state: dict[str, np.ndarray] | None = None

    def on_epoch_end(self, state: FitState, logs: dict[str, Any]) -> None:
        value = self._value(logs)
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, int(logs["epoch"]), 0
            if self.restore_best:
                self.best_state = {k: v.copy() for k, v in state.model.state_dict().items()}
            return
        self.wait += 1
        if self.wait > self.patience:
            state.stop_reason = (
                f"early stopping: {self.monitor} did not improve for {self.patience} epochs "
                f"(best {self.best:.6g} at epoch {self.best_epoch})"
            )
            if self.restore_best and self.best_state is not None:
                state.model.load_state_dict(self.best_state)

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "wait": self.wait, "best_state": self.best_state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        self.wait, self.best_state = int(state["wait"]), state["best_state"]


class ModelCheckpoint(_Monitor):
    """Save the model's parameters to ``path`` whenever ``monitor`` improves (or every epoch).

    The file is a kobai checkpoint (``.npz``, no pickle) with the key ``model``; load it with
    ``model.load_state_dict(load_checkpoint(path)["model"])``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        monitor: str = "val_loss",
        *,
        mode: str = "min",
        save_best_only: bool = True,
    ) -> None:
        super().__init__(monitor, mode)
        self.path, self.save_best_only = Path(path), save_best_only

    def on_epoch_end(self, state: FitState, logs: dict[str, Any]) -> None:
        if not self.save_best_only or self._improved(self._value(logs)):
            if self.save_best_only:
                self.best, self.best_epoch = self._value(logs), int(logs["epoch"])
            save_checkpoint(self.path, {"model": state.model.state_dict(), "epoch": logs["epoch"]})


class StopAtTarget(_Monitor):
    """Stop as soon as ``monitor`` reaches ``target`` (``<=`` for mode "min", ``>=`` for "max")."""

    def __init__(self, target: float, monitor: str = "train_loss", *, mode: str = "min") -> None:
        super().__init__(monitor, mode)
        self.target = float(target)

    def on_epoch_end(self, state: FitState, logs: dict[str, Any]) -> None:
        value = self._value(logs)
        reached = value <= self.target if self.mode == "min" else value >= self.target
        if reached:
            state.stop_reason = (
                f"target reached: {self.monitor} = {value:.6g} at epoch {logs['epoch']} "
                f"(target {self.target:g})"
            )
