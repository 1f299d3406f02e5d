"""Running a sweep: plan -> store -> executor -> store, resumable at any moment."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kobai.sweep.cell import DISK_ERRORS
from kobai.sweep.plan import Plan, parse_plan, read_plan
from kobai.sweep.results import SweepResults, load
from kobai.sweep.store import FILENAME, Store, StoreError, holds_sweep
from kobai.validation import check_int


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: the store is consistent, ``--resume`` continues it."""


def run(
    plan: Plan | dict[str, Any] | str | Path | None = None,
    out: str | Path = "sweeps/sweep",
    *,
    resume: bool = False,
    workers: int | None = None,
    threads: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    vectorize: bool | None = None,
    progress: bool | None = None,
) -> SweepResults:
    """Run a sweep (or continue one) and return its results.

    Parameters
    ----------
    plan : Plan, dict, or path of a TOML file
        What to run (see :func:`kobai.sweep.parse_plan`). With ``resume`` it may be omitted:
        the plan stored in ``out`` is used; if given, it must be that plan.
    out : path
        The sweep directory: ``sweep.db`` and one run directory per cell under ``cells/``.
    resume : bool, default False
        Continue the sweep in ``out``: finished cells are kept, interrupted ones continue
        from their checkpoints, the rest run.
    workers : int, optional
        Local worker processes (default: one per core; 1 runs in this process).
    threads : int, optional
        BLAS threads of each cell (default 1; a resumed sweep keeps the count it started
        with, since a matrix product may round differently with another count).
    client : dask.distributed.Client, optional
        Run the cells on this Dask cluster instead (the sweep directory must be on a file
        system the workers share).
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://HOST:PORT``) to connect to instead of ``client``.
    vectorize : bool, optional
        Train groups of cells that differ only in seed, optimizer and its hyper-parameters as
        one batched ensemble (small MLPs only; others run one by one). Default False; a
        resumed sweep keeps the choice it started with (the two round differently).
    progress : bool, optional
        A progress bar over cells (default: on a terminal and in a notebook).

    Returns
    -------
    SweepResults
        One record per cell, in plan order (as :func:`kobai.sweep.load` returns them).

    Examples
    --------
    >>> results = kobai.sweep.run({"base": {"data": "xor", "model": "mlp:4", "epochs": 2},
    ...                            "axes": {"lr": [0.1, 0.3]}, "seeds": 2}, "sweeps/xor")
    ... # doctest: +SKIP
    """
    folder = Path(out)
    if resume and not (folder / FILENAME).is_file():
        raise StoreError(f"{folder} is not a sweep directory (no {FILENAME})")
    checked = _as_plan(plan) if plan is not None else None
    threads = int(_kept(folder, "threads", threads, default=1, resume=resume))
    vectorize = bool(_kept(folder, "vectorize", vectorize, default=False, resume=resume))
    # Workers and scheduler are checked before anything is written: a sweep that cannot
    # start leaves no half-made sweep directory behind.
    executor = _executor(workers, threads, client, scheduler)
    try:
        with _driver_lock(folder):
            store = _open_store(
                checked, folder, resume=resume, threads=threads, vectorize=vectorize
            )
            try:
                _execute(store, store.plan(), executor, vectorize=vectorize, progress=progress)
            finally:
                store.close()
    finally:
        executor.close()
    return load(folder)


def _as_plan(plan: Plan | dict[str, Any] | str | Path) -> Plan:
    if isinstance(plan, Plan):
        return plan
    if isinstance(plan, dict):
        return parse_plan(plan)
    return read_plan(plan)


def _kept(folder: Path, name: str, given: Any, *, default: Any, resume: bool) -> Any:
    """A setting that changes how numbers round (threads per cell, vectorize): as given (or
    ``default``) for a new sweep, as started for a resumed one, which refuses another."""
    if name == "threads" and given is not None:
        check_int("threads", given, low=1)
    if not resume:
        return default if given is None else given
    with _opened(folder) as store:
        stored = store.meta(name)
    started = default if stored is None else json.loads(stored)
    if given is not None and given != started:
        raise StoreError(
            f"{folder} was started with {name} = {json.dumps(started)}; resume it with the "
            f"same (another rounds differently), got {json.dumps(given)}"
        )
    return started


def _open_store(
    checked: Plan | None, folder: Path, *, resume: bool, threads: int, vectorize: bool
) -> Store:
    if resume:
        store = Store.open(folder)
        if checked is not None:
            store.check_plan(checked)
        return store
    if checked is None:
        raise ValueError("a sweep needs a plan (a TOML file or a dict), got none")
    if holds_sweep(folder):
        with _opened(folder) as existing:
            existing.check_plan(checked)
        raise StoreError(f"{folder} already holds this sweep; continue it with --resume {folder}")
    settings = {"threads": json.dumps(threads), "vectorize": json.dumps(vectorize)}
    return Store.create(folder, checked, meta=settings)


@contextmanager
def _opened(folder: Path) -> Iterator[Store]:
    store = Store.open(folder)
    try:
        yield store
    finally:
        store.close()


def _executor(workers: int | None, threads: int, client: Any, scheduler: str | None) -> Any:
    if client is not None or scheduler is not None:
        from kobai.sweep.dask_executor import DaskExecutor

        return DaskExecutor(client=client, address=scheduler, threads=threads)
    from kobai.sweep.local import LocalExecutor, default_workers

    return LocalExecutor(default_workers() if workers is None else workers, threads)


def _execute(
    store: Store, plan: Plan, executor: Any, *, vectorize: bool, progress: bool | None
) -> None:
    todo = store.unfinished()
    total = len(plan.cells())
    by_key = {c.key: c for c in plan.cells()}
    tasks = {
        row["key"]: {
            "run_dir": str((store.folder / row["run_dir"]).resolve()),
            "config": plan.config_for(by_key[row["key"]]),
        }
        for row in todo
    }
    if vectorize and tasks:
        from kobai.sweep.vectorized import vectorized_results

        results = vectorized_results(tasks, executor)
    else:
        results = executor.results(tasks)
    bar = _Bar(total, total - len(todo), progress)
    running = set(tasks)
    store.mark_running(sorted(tasks))
    start, own, startup = time.perf_counter(), 0.0, None
    try:
        for item in results:
            batch = [_checked(key, outcome) for key, outcome in _pairs(item)]
            store.finish_many(batch)
            if startup is None:
                # Until the first cells are back, beyond their own time, workers were starting.
                first = sum(outcome.get("seconds") or 0.0 for _, outcome in batch)
                startup = max(0.0, time.perf_counter() - start - first)
            for key, outcome in batch:
                running.discard(key)
                own += outcome.get("seconds") or 0.0
                bar.update(outcome["status"], min(len(running), getattr(executor, "workers", 1)))
    except KeyboardInterrupt:
        executor.close(kill=True)
        raise SweepInterrupted(
            f"interrupted with {total - len(store.unfinished())} of {total} cells finished; "
            f"continue with: kobai sweep --resume {store.folder}"
        ) from None
    finally:
        bar.close()
        if running:
            _quietly(store.mark_pending, sorted(running))
    _record_timing(store, executor, len(tasks), time.perf_counter() - start, own, startup or 0.0)


def _pairs(item: Any) -> list[tuple[str, Any]]:
    return item if isinstance(item, list) else [item]


def _checked(key: str, outcome: Any) -> tuple[str, dict[str, Any]]:
    """An outcome as the store records it; a full disk stops the sweep."""
    if isinstance(outcome, OSError) and outcome.errno in DISK_ERRORS:
        raise OSError(f"cannot write the run directory of cell {key}: {outcome}")
    if isinstance(outcome, BaseException):
        return key, {"status": "failed", "error": f"{type(outcome).__name__}: {outcome}"}
    return key, outcome


def _record_timing(
    store: Store, executor: Any, cells: int, wall: float, own: float, startup: float
) -> None:
    """Wall time, the runs' own time and the overhead per cell, in the store's meta table:
    ``overhead_per_cell`` = (wall x workers - runs' time) / cells, and the same after the
    workers' start-up (``startup_seconds``, the wait for the first cell beyond its run)."""
    # Workers beyond the number of cells had nothing to do: they are no overhead of a cell.
    workers = max(1, min(getattr(executor, "workers", 1), cells))
    per_cell = (lambda seconds: (seconds * workers - own) / cells) if cells else (lambda _: 0.0)
    timing = {
        "cells": cells, "wall_seconds": wall, "cell_seconds": own,
        "executor": executor.describe(), "workers": workers, "startup_seconds": startup,
        "overhead_per_cell": per_cell(wall),
        "overhead_per_cell_after_startup": per_cell(wall - startup),
    }  # fmt: skip
    store.set_meta("timing", json.dumps(timing))


def _quietly(function: Any, *args: Any) -> None:
    # Putting interrupted cells back to pending is a courtesy: a resume treats a cell left
    # 'running' the same way, so a failure here (a full disk) must not hide the first error.
    try:
        function(*args)
    except Exception:  # noqa: BLE001
        pass


class _Bar:
    """Cells done / running / failed and the time left (tqdm), or nothing."""

    def __init__(self, total: int, done: int, progress: bool | None) -> None:
        from kobai._progress import progress_bar, show_progress

        self.counts = {"done": done, "failed": 0, "diverged": 0}
        self.bar: Any = None
        if show_progress(progress):
            self.bar = progress_bar(total=total, initial=done, unit="cell", dynamic_ncols=True)

    def update(self, status: str, running: int) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(running=running, failed=self.counts["failed"],
                                 diverged=self.counts["diverged"], refresh=False)  # fmt: skip

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextmanager
def _driver_lock(folder: Path) -> Iterator[None]:
    """One driver per sweep directory at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / ".driver.lock", "a+")
    try:
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows
            pass
        except BlockingIOError:
            raise StoreError(f"{folder} is in use by another running sweep") from None
        yield
    finally:
        handle.close()
