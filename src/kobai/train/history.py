"""The record of a run: one row per epoch (and optionally per step), saved as CSV and JSON."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Any

from kobai.files import atomic_writer
from kobai.train.checkpoint import CheckpointError


class History:
    """Metrics of a training run, epoch by epoch, like the ``History`` of Keras' ``fit``.

    Attributes
    ----------
    epochs : list of dict
        One row per epoch: ``epoch``, ``train_loss``, ``val_loss``, metrics such as
        ``train_accuracy``/``val_accuracy`` (classification) or ``train_rmse``/``val_r2``
        (regression), ``lr``, ``grad_norm`` (global) and ``grad_norm/<layer>``, ``time``
        (seconds of the epoch) and ``wall_time`` (seconds since the start of the run).
    steps : list of dict
        One row per optimisation step (``epoch``, ``step``, ``loss``, ``lr``), when the run
        was asked to log steps.
    stop_reason : str or None
        Why the run stopped before its last epoch (set by callbacks), None otherwise.

    Examples
    --------
    >>> h = History()
    >>> h.append_epoch({"epoch": 1, "train_loss": 0.5})
    >>> h["train_loss"]
    [0.5]
    """

    def __init__(self) -> None:
        self.epochs: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []
        self.stop_reason: str | None = None

    def append_epoch(self, row: dict[str, Any]) -> None:
        """Record one epoch's row (a copy of ``row``)."""
        self.epochs.append(dict(row))

    def append_step(self, row: dict[str, Any]) -> None:
        """Record one step's row (a copy of ``row``)."""
        self.steps.append(dict(row))

    def __getitem__(self, key: str) -> list[Any]:
        if not any(key in row for row in self.epochs):
            raise KeyError(f"no column {key!r} in the history; columns: {', '.join(self.keys())}")
        return [row.get(key) for row in self.epochs]

    def __len__(self) -> int:
        return len(self.epochs)

    def keys(self) -> list[str]:
        """Column names, in first-seen order."""
        names: dict[str, None] = {}
        for row in self.epochs:
            names.update(dict.fromkeys(row))
        return list(names)

    def last(self) -> dict[str, Any]:
        """The last epoch's row (empty before the first epoch ends)."""
        return dict(self.epochs[-1]) if self.epochs else {}

    def state_dict(self) -> dict[str, Any]:
        """The epoch and step rows, for a checkpoint."""
        return {"epochs": [dict(r) for r in self.epochs], "steps": [dict(r) for r in self.steps]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the rows saved by :meth:`state_dict`."""
        self.epochs = [dict(r) for r in state["epochs"]]
        self.steps = [dict(r) for r in state["steps"]]

    def to_csv(self, path: str | os.PathLike[str], *, steps: bool = False) -> Path:
        """Write the epoch rows (or the step rows) as CSV, atomically."""
        rows = self.steps if steps else self.epochs
        columns = list(dict.fromkeys(k for row in rows for k in row))
        return _atomic_write(path, lambda f: _write_csv(f, columns, rows))

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """Write the whole history as JSON, atomically (non-finite numbers as null)."""
        text = json.dumps(_finite(self.state_dict()), indent=1)
        return _atomic_write(path, lambda f: f.write(text))

    @classmethod
    def from_json(cls, path: str | os.PathLike[str]) -> History:
        """Read a history written by :meth:`to_json`."""
        try:
            state = json.loads(Path(path).read_text())
            history = cls()
            history.load_state_dict(state)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"cannot read a history from {path}: {exc}") from None
        return history

    def __repr__(self) -> str:
        from kobai._html import history_columns, history_facts

        columns, hidden = history_columns(self.epochs)
        shown = ", ".join(columns) + (f" and {hidden} grad_norm/<layer>" if hidden else "")
        facts = "; ".join(history_facts(self.epochs, self.stop_reason))
        return f"History({len(self.epochs)} epochs; {facts}; columns: {shown or 'none'})"

    def _repr_html_(self) -> str:
        # Jupyter's rich display: the epochs as a table, the first and last of a long run.
        from kobai._html import history_html

        return history_html(self.epochs, self.stop_reason)


def _write_csv(handle: Any, columns: list[str], rows: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _atomic_write(path: str | os.PathLike[str], write: Any) -> Path:
    with atomic_writer(path, text=True) as handle:
        write(handle)
    return Path(path)
