"""The local executor: cells in this process (one worker) or in a pool of worker processes.

Workers are started with ``spawn`` (the same on Linux, macOS and Windows), ignore Ctrl-C
(the driver decides how to stop) and, on Linux, die with the driver even when it is killed
with SIGKILL. A worker that dies mid-cell breaks the pool; the executor starts a new one
and hands out the unfinished cells again, which continue from their checkpoints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from kobai.sweep.cell import run_cell
from kobai.validation import check_int

# A pool that breaks this many times in a row without finishing a cell is not a passing
# accident (a cell that exhausts memory, say): the cells left are reported as failed.
MAX_BREAKS = 3


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


class LocalExecutor:
    """Run cells on this machine.

    Parameters
    ----------
    workers : int
        Processes; 1 runs the cells one after another in this process.
    threads : int, default 1
        BLAS threads of each cell. One per cell, with one worker per core, keeps workers x
        threads <= cores; and a fixed count keeps results the same with any number of
        workers (OpenBLAS rounds some products differently with 1 and 2 threads).
    """

    def __init__(self, workers: int, threads: int = 1) -> None:
        self.workers = check_int("workers", workers, low=1)
        self.threads = threads
        self._pool: Any = None

    def describe(self) -> str:
        """One line with the number of workers and threads each, for the progress report."""
        return f"{self.workers} local worker(s) x {self.threads} thread(s)"

    def results(
        self, tasks: dict[str, dict[str, Any]], function: Callable[..., Any] = run_cell
    ) -> Iterator[tuple[str, Any]]:
        """Yield ``(key, outcome)`` as tasks finish; an outcome is what ``function`` (by
        default :func:`run_cell`) returned, or the exception that stopped it."""
        for task in tasks.values():
            task["threads"] = self.threads
        if self.workers == 1:
            for key, task in tasks.items():
                yield key, _call(function, task)
            return
        yield from self._pooled(dict(tasks), function)

    def _pooled(
        self, remaining: dict[str, dict[str, Any]], function: Callable[..., Any]
    ) -> Iterator[tuple[str, Any]]:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        breaks = 0
        while remaining:
            pool = self._start(len(remaining))
            futures = {pool.submit(function, task): key for key, task in remaining.items()}
            broken = False
            for future in as_completed(futures):
                key = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                except Exception as exc:  # noqa: BLE001 - passed on to the driver
                    outcome = exc
                del remaining[key]
                breaks = 0
                yield key, outcome
            self.close()
            if broken:
                breaks += 1
                if breaks >= MAX_BREAKS:
                    died = RuntimeError(f"worker processes died {MAX_BREAKS} times in a row")
                    for key in list(remaining):
                        del remaining[key]
                        yield key, died

    def _start(self, cells: int) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(
            max_workers=min(self.workers, cells),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )
        return self._pool

    def close(self, *, kill: bool = False) -> None:
        """Stop the pool; ``kill`` ends the workers at once (their cells resume later from
        their checkpoints)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)


def _call(function: Callable[..., Any], task: dict[str, Any]) -> Any:
    try:
        return function(task)
    except Exception as exc:  # noqa: BLE001 - passed on to the driver
        return exc


def _init_worker() -> None:
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        # PR_SET_PDEATHSIG: a worker of a driver killed with SIGKILL must not train on.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)
