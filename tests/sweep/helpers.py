"""Small sweeps shared by the sweep tests and helpers to watch a sweep in another process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SRC = str(Path(__file__).parents[2] / "src")

# Cells long enough (15 epochs, one checkpoint each) to be killed in the middle of one.
KILL_SPEC: dict[str, Any] = {
    "name": "kill",
    "base": {"data": "moons", "samples": 400, "model": "mlp:4", "dropout": 0.0,
             "schedule": "none", "epochs": 15, "batch_size": 16},
    "axes": {"optimizer": ["sgd", "adam"], "lr": [0.1, 0.3]},
    "seeds": 2,
}  # fmt: skip

KILL_TOML = """name = "kill"
seeds = 2
[base]
data = "moons"
samples = 400
model = "mlp:4"
dropout = 0.0
schedule = "none"
epochs = 15
batch_size = 16
[axes]
optimizer = ["sgd", "adam"]
lr = [0.1, 0.3]
"""


def kobai_process(*args: str, **kwargs: Any) -> subprocess.Popen:
    """``kobai ARGS`` in a new process (its own process group), output captured. Ctrl-C is
    given its default disposition in the child: a suite started in the background (``pytest &``
    from a script) runs with SIGINT ignored, which a child would inherit."""
    env = {**os.environ, "PYTHONPATH": SRC, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    then = kwargs.pop("preexec_fn", None)

    def before_exec() -> None:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if then is not None:
            then()

    return subprocess.Popen(
        [sys.executable, "-m", "kobai", *args], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=before_exec,
        **kwargs,
    )  # fmt: skip


def statuses(folder: Path) -> dict[str, int]:
    """Cell counts by status, read straight from the store (empty before it exists)."""
    import sqlite3

    if not (folder / "sweep.db").exists():
        return {}
    db = sqlite3.connect(folder / "sweep.db", timeout=30)
    try:
        return dict(db.execute("SELECT status, COUNT(*) FROM cells GROUP BY status").fetchall())
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


def wait_for(condition: Any, timeout: float = 60.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("the condition never came true")


def cell_mid_run(folder: Path) -> Path | None:
    """A cell folder with a checkpoint whose cell the store does not list as finished."""
    import sqlite3

    if not (folder / "sweep.db").exists():
        return None
    db = sqlite3.connect(folder / "sweep.db", timeout=30)
    try:
        rows = db.execute("SELECT run_dir FROM cells WHERE status = 'running'").fetchall()
    except sqlite3.OperationalError:
        return None
    finally:
        db.close()
    for (run_dir,) in rows:
        cell = folder / run_dir
        if (cell / "checkpoint.npz").exists() and (cell / ".lock").exists():
            return cell
    return None
