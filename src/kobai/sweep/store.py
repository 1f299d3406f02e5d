"""The sweep store: one SQLite file, ``sweep.db``, holding the plan, each cell's status, its
final metrics and its per-epoch history.

Only the driver writes it, and every change is one transaction (``BEGIN IMMEDIATE`` ...
``COMMIT`` with the rollback journal and ``synchronous=FULL``): a process killed at any
moment, or a write that fails because the disk is full, leaves the store as it was before
or after the change, never between. Numbers are stored as JSON, whose floats round-trip
exactly, so results read back are the numbers the runs produced, to the bit.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kobai.sweep.plan import Plan, parse_plan

FILENAME = "sweep.db"
FORMAT = "kobai-sweep-1"
FINISHED = ("done", "diverged")
SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cells (
    key TEXT PRIMARY KEY, position INTEGER NOT NULL UNIQUE, config_key TEXT NOT NULL,
    params TEXT NOT NULL, replicate INTEGER NOT NULL, seed INTEGER NOT NULL,
    run_dir TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, metrics TEXT, epochs INTEGER, seconds REAL,
    error TEXT, worker TEXT, updated REAL
);
CREATE TABLE history (
    key TEXT NOT NULL REFERENCES cells(key), epoch INTEGER NOT NULL, row TEXT NOT NULL,
    PRIMARY KEY (key, epoch)
);
"""


class StoreError(ValueError):
    """A sweep directory whose store is missing, of another kind, or of another plan."""


def run_dir_name(index: int, key: str) -> str:
    """A cell's folder under ``cells/``: its position and its key, made safe for any file
    system (``0007-optimizer=adam_lr=0.01_seed=2``)."""
    safe = "".join(ch if ch.isalnum() or ch in "=.-" else "_" for ch in key.replace(",", "_"))
    return f"{index:04d}-{safe[:80]}"


class Store:
    """The ``sweep.db`` of one sweep directory."""

    def __init__(self, connection: sqlite3.Connection, folder: Path) -> None:
        self.db, self.folder = connection, folder

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def create(cls, folder: str | Path, plan: Plan, meta: dict[str, str] | None = None) -> Store:
        """Write a new store for ``plan`` in ``folder`` (which must not hold one), with
        ``meta`` entries (such as the threads per cell) beside the plan."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        if holds_sweep(target):
            raise StoreError(f"{target} already holds a sweep; continue it with --resume {target}")
        # A store whose creation was killed before its one transaction committed is empty.
        store = cls(_connect(target / FILENAME), target)
        with store.transaction():
            # executescript would commit on its own: one statement at a time keeps it atomic.
            for statement in filter(str.strip, SCHEMA.split(";")):
                store.db.execute(statement)
            entries = {"format": FORMAT, "plan": json.dumps(plan.to_dict()),
                       "fingerprint": plan.fingerprint(), "created": repr(time.time()),
                       **(meta or {})}  # fmt: skip
            store.db.executemany("INSERT INTO meta VALUES (?, ?)", entries.items())
            store.db.executemany(
                "INSERT INTO cells (key, position, config_key, params, replicate, seed, run_dir)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.key, c.index, c.config_key, json.dumps(c.params), c.replicate, c.seed,
                     f"cells/{run_dir_name(c.index, c.key)}")
                    for c in plan.cells()
                ],
            )  # fmt: skip
        return store

    @classmethod
    def open(cls, folder: str | Path) -> Store:
        """Open the store of an existing sweep directory."""
        target = Path(folder)
        if not (target / FILENAME).is_file():
            raise StoreError(f"{target} is not a sweep directory (no {FILENAME})")
        if not holds_sweep(target):
            raise StoreError(f"{target / FILENAME} holds no sweep (its start was interrupted); "
                             "start the sweep again")  # fmt: skip
        try:
            store = cls(_connect(target / FILENAME), target)
            fmt = store.meta("format")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{target / FILENAME} is not a readable sweep store: {exc}") from None
        if fmt != FORMAT:
            raise StoreError(f"{target / FILENAME} is a store of format {fmt!r}, not {FORMAT}")
        return store

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic change: all of it is written, or none of it."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk, SQLITE_FULL).
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- reading --------------------------------------------------------------------------
    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def plan(self) -> Plan:
        return parse_plan(json.loads(self.meta("plan") or "{}"))

    def check_plan(self, plan: Plan) -> None:
        """Refuse to continue a sweep with a plan other than the one it was started with."""
        stored = self.meta("fingerprint") or ""
        if stored != plan.fingerprint():
            raise StoreError(
                f"{self.folder} holds another plan (fingerprint {stored[:12]},"
                f" this one {plan.fingerprint()[:12]}); start it in a new directory"
            )

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT status, COUNT(*) FROM cells GROUP BY status")
        return {str(s): int(n) for s, n in rows}

    def unfinished(self) -> list[dict[str, Any]]:
        """Cells to run, in plan order: pending, interrupted (running) and failed ones."""
        rows = self.db.execute(
            "SELECT key, run_dir, position FROM cells WHERE status NOT IN (?, ?) ORDER BY position",
            FINISHED,
        )
        return [{"key": k, "run_dir": d, "position": p} for k, d, p in rows]

    def records(self) -> list[dict[str, Any]]:
        """One dict per cell in plan order (params and metrics decoded)."""
        columns = (
            "key", "position", "config_key", "params", "replicate", "seed", "run_dir",
            "status", "attempts", "metrics", "epochs", "seconds", "error", "worker",
        )  # fmt: skip
        rows = self.db.execute(f"SELECT {', '.join(columns)} FROM cells ORDER BY position")
        out = []
        for row in rows:
            record = dict(zip(columns, row, strict=True))
            record["params"] = json.loads(record["params"])
            record["metrics"] = json.loads(record["metrics"]) if record["metrics"] else {}
            out.append(record)
        return out

    def history(self, key: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT row FROM history WHERE key = ? ORDER BY epoch", (key,))
        return [json.loads(r) for (r,) in rows]

    # -- writing --------------------------------------------------------------------------
    def mark_running(self, keys: list[str]) -> None:
        """Cells handed to workers (each attempt counted)."""
        now = time.time()
        with self.transaction():
            self.db.executemany(
                "UPDATE cells SET status = 'running', attempts = attempts + 1, updated = ? "
                "WHERE key = ?",
                [(now, k) for k in keys],
            )

    def mark_pending(self, keys: list[str]) -> None:
        with self.transaction():
            self.db.executemany(
                "UPDATE cells SET status = 'pending' WHERE key = ? AND status = 'running'",
                [(k,) for k in keys],
            )

    def finish(self, key: str, result: dict[str, Any]) -> None:
        """Record a cell's outcome and history in one transaction."""
        self.finish_many([(key, result)])

    def finish_many(self, outcomes: list[tuple[str, dict[str, Any]]]) -> None:
        """Record several cells' outcomes and histories in one transaction."""
        with self.transaction():
            for key, result in outcomes:
                self._finish(key, result)

    def _finish(self, key: str, result: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE cells SET status = ?, metrics = ?, epochs = ?, seconds = ?, error = ?, "
            "worker = ?, updated = ? WHERE key = ?",
            (result["status"], json.dumps(result.get("metrics", {})),
             len(result.get("history", [])), result.get("seconds"), result.get("error"),
             result.get("worker", ""), time.time(), key),
        )  # fmt: skip
        self.db.execute("DELETE FROM history WHERE key = ?", (key,))
        self.db.executemany(
            "INSERT INTO history VALUES (?, ?, ?)",
            [(key, int(r["epoch"]), json.dumps(r)) for r in result.get("history", [])],
        )

    def set_meta(self, name: str, value: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))


def holds_sweep(folder: str | Path) -> bool:
    """Whether ``folder`` has a ``sweep.db`` with a sweep in it (not merely the empty file a
    killed start leaves)."""
    path = Path(folder) / FILENAME
    if not path.is_file():
        return False
    db = sqlite3.connect(path, timeout=30)
    try:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
    except sqlite3.DatabaseError:
        return True  # not ours to overwrite: Store.open names what is wrong with it
    finally:
        db.close()
    return found is not None


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are the explicit BEGIN/COMMIT of Store.transaction.
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = FULL")
    return db
