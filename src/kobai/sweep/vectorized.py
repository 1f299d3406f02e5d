"""``--vectorize``: cells of one architecture and data set trained as batched ensembles.

Cells that differ only in seed, optimizer and its hyper-parameters, or schedule form a
group; each group is split into one chunk per worker and every chunk is trained by
:func:`kobai.train.ensemble.fit_ensemble` as one computation. Each cell still gets its
ordinary run directory (config, full checkpoint, history). The numbers equal those of cells
run one by one to about 1e-12 in float64 (float32: to rounding), not to the bit: a
vectorised sweep is reproducible among vectorised sweeps. An interrupted chunk is trained
again from its start. Cells that cannot be vectorised (dropout, batch norm, early stopping,
numerical gradients) run one by one as usual.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kobai.sweep.cell import TIMING, _cell_lock, _failed, _write_json, run_cell

# What members of one ensemble must share; everything else (seed, optimizer, lr, ...) may
# differ from member to member.
SHARED = ("data", "target", "samples", "model", "activation", "init", "batchnorm", "dropout",
          "batch_size", "epochs", "gradient", "dtype", "early_stopping", "target_loss",
          "save_every_epoch")  # fmt: skip
MAX_MEMBERS = 256


# Activations the batched forward and backward passes know (kobai.train._batched).
ACTIVATIONS = ("relu", "tanh", "sigmoid")


def vectorizable(config: dict[str, Any]) -> bool:
    """Whether a cell's configuration can train as an ensemble member."""
    activation = str(config.get("activation", "relu")).strip().lower().replace("-", "_")
    return (
        activation in ACTIVATIONS
        and config.get("gradient", "backprop") == "backprop"
        and not config.get("dropout", 0.2)
        and not config.get("batchnorm", False)
        and config.get("early_stopping") is None
        and config.get("target_loss") is None
        and not config.get("save_every_epoch", False)
    )


def groups(tasks: dict[str, dict[str, Any]], workers: int) -> dict[str, dict[str, Any]]:
    """Tasks for :func:`run_group`: cells sharing :data:`SHARED`, in plan order, split into
    up to ``workers`` chunks of at most :data:`MAX_MEMBERS`; other cells alone."""
    from kobai.models.runs import RunConfig

    shared: dict[str, list[str]] = {}
    for key, task in tasks.items():
        config = RunConfig.from_dict(task["config"]).to_dict()
        task["config"] = config
        label = repr([config[name] for name in SHARED]) if vectorizable(config) else key
        shared.setdefault(label, []).append(key)
    out = {}
    for keys in shared.values():
        chunks = max(min(workers, len(keys)), -(-len(keys) // MAX_MEMBERS))
        for i in range(chunks):
            members = keys[i::chunks]
            out[members[0]] = {"cells": [{"key": k, **tasks[k]} for k in members]}
    return out


def vectorized_results(tasks: dict[str, dict[str, Any]], executor: Any) -> Iterator[Any]:
    """``(key, outcome)`` of every cell, or lists of them, from ensembles run by
    ``executor``."""
    chunks = groups(tasks, getattr(executor, "workers", 1))
    for label, outcome in executor.results(chunks, function=run_group):
        if isinstance(outcome, BaseException):
            for cell in chunks[label]["cells"]:
                yield cell["key"], outcome
            continue
        # One item for the chunk: the driver records its cells in one transaction.
        yield list(outcome["outcomes"].items())


def run_group(task: dict[str, Any]) -> dict[str, Any]:
    """Train a chunk of cells as one ensemble (a chunk of one: as an ordinary cell)."""
    from threadpoolctl import threadpool_limits

    cells = task["cells"]
    if len(cells) == 1 or not vectorizable(cells[0]["config"]):
        return {"outcomes": {c["key"]: run_cell({**c, "threads": task.get("threads")})
                             for c in cells}}  # fmt: skip
    from kobai.backend import flush_denormal

    start = time.perf_counter()
    with threadpool_limits(limits=task.get("threads")), flush_denormal():
        try:
            outcomes = _train_group(cells)
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - every member fails with the group
            outcomes = {c["key"]: _failed(exc) for c in cells}
    share = (time.perf_counter() - start) / len(cells)
    for outcome in outcomes.values():
        outcome["seconds"] = share
        outcome["worker"] = _worker()
    return {"outcomes": outcomes}


def _train_group(cells: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    import numpy as np

    from kobai.models.runs import RunConfig, build
    from kobai.train.checkpoint import save_checkpoint
    from kobai.train.ensemble import fit_ensemble

    runs = [build(RunConfig.from_dict(c["config"])) for c in cells]
    data = [r.data for r in runs]
    first = runs[0]
    result = fit_ensemble(
        [r.model for r in runs],
        (np.stack([d.x_train for d in data]), np.stack([d.y_train for d in data])),
        val=(np.stack([d.x_test for d in data]), np.stack([d.y_test for d in data])),
        optimizers=[r.optimizer for r in runs], rngs=[r.fit_rng for r in runs],
        schedulers=[r.scheduler for r in runs], loss=first.loss,
        batch_size=None if first.config.batch_size == "full" else first.config.batch_size,
        epochs=first.config.epochs, task=first.data.task, per_member=True,
        scheduler_interval=getattr(first.scheduler, "interval", "epoch"),
    )  # fmt: skip
    outcomes = {}
    for n, cell in enumerate(cells):
        run_dir = Path(cell["run_dir"])
        run_dir.mkdir(parents=True, exist_ok=True)
        with _cell_lock(run_dir):
            _write_json(run_dir / "config.json", runs[n].config.to_dict())
            history = result.histories[n]
            save_checkpoint(run_dir / "checkpoint.npz", result.snapshots[n])
            history.to_csv(run_dir / "history.csv")
            history.to_json(run_dir / "history.json")
        rows = [{k: v for k, v in row.items() if k not in TIMING} for row in history.epochs]
        why = result.diverged[n]
        if why is not None:
            why += f" (the last good checkpoint is in {run_dir})"
        outcomes[cell["key"]] = {
            "status": "diverged" if result.diverged[n] else "done",
            "metrics": dict(rows[-1]) if rows else {}, "history": rows,
            "error": why, "stop_reason": None,
        }  # fmt: skip
    return outcomes


def _worker() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"
