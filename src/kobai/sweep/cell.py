"""Running one cell: an ordinary ``kobai train`` run in its own run directory.

This is what a worker executes, in a pool process or on a Dask worker. It builds the run
with the library (``RunConfig`` and ``build``, as ``kobai train`` does), continues from the
run directory's checkpoint if an earlier attempt was interrupted, and returns the outcome as
plain data. The driver, not the worker, writes the store.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

# History columns that measure the machine, not the run: left out of results so that they
# are the same to the bit whoever ran them.
TIMING = ("time", "wall_time")
# Write failures that are the machine's, not the cell's: the sweep stops instead of
# recording the cell as failed.
DISK_ERRORS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS)


def run_cell(task: dict[str, Any]) -> dict[str, Any]:
    """Train one cell and return its outcome.

    Parameters
    ----------
    task : dict
        ``run_dir`` (str, absolute), ``config`` (a ``RunConfig`` dict) and ``threads``
        (BLAS threads for this run, or None to leave them).

    Returns
    -------
    dict
        ``status`` (``done``, ``diverged`` or ``failed``), ``metrics`` (the last epoch's row
        without timings), ``history`` (one row per epoch, without timings), ``seconds`` (the
        run's own wall time), ``error`` and ``worker`` (``host:pid``).

    Raises
    ------
    OSError
        When the run directory cannot be written (disk full, read-only): not the cell's
        fault, so the sweep stops rather than recording it.
    """
    from threadpoolctl import threadpool_limits

    from kobai.backend import flush_denormal

    start = time.perf_counter()
    run_dir = Path(task["run_dir"])
    run_dir.mkdir(parents=True, exist_ok=True)
    # The arithmetic of `kobai train` (subnormal floats flushed to zero), in every worker
    # whatever its process or thread: the same numbers with any executor.
    with _cell_lock(run_dir), threadpool_limits(limits=task.get("threads")), flush_denormal():
        try:
            outcome = _train(task["config"], run_dir)
        except OSError as exc:
            if exc.errno in DISK_ERRORS:
                raise
            outcome = _failed(exc)
        except Exception as exc:  # noqa: BLE001 - a cell's error is its result
            outcome = _failed(exc)
    outcome["seconds"] = time.perf_counter() - start
    outcome["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return outcome


def _train(config_dict: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    from kobai.models.runs import RunConfig, build
    from kobai.train import History, TrainingDiverged

    config = RunConfig.from_dict(config_dict)
    the_run = build(config)
    _write_json(run_dir / "config.json", config.to_dict())
    status, error = "done", None
    try:
        history = the_run.fit(run_dir, resume=True, progress=False)
    except TrainingDiverged as exc:
        # A learning rate too large is an answer of the sweep, not a failure: keep the
        # history up to the last good epoch.
        status, error = "diverged", str(exc)
        saved = run_dir / "history.json"
        history = History.from_json(saved) if saved.exists() else History()
    rows = [{k: v for k, v in row.items() if k not in TIMING} for row in history.epochs]
    return {
        "status": status,
        "metrics": dict(rows[-1]) if rows else {},
        "history": rows,
        "error": error,
        "stop_reason": history.stop_reason,
    }


def _failed(exc: BaseException) -> dict[str, Any]:
    return {
        "status": "failed",
        "metrics": {},
        "history": [],
        "error": f"{type(exc).__name__}: {exc}",
    }


def _write_json(path: Path, value: Any) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    with open(temp, "w") as handle:
        handle.write(json.dumps(value, indent=2) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


class _cell_lock:
    """An exclusive lock on a run directory for the time of one attempt.

    If a worker of a killed driver is still finishing this cell, the new attempt waits
    for it and then continues from its checkpoint, instead of training beside it. The
    holder's pid is written into the lock file, for whoever wants to see who runs a cell.
    """

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / ".lock"
        self.handle: Any = None

    def __enter__(self) -> None:
        self.handle = open(self.path, "a+")
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: one driver per sweep suffices
            return
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()}\n")
        self.handle.flush()

    def __exit__(self, *exc: object) -> None:
        self.handle.close()
