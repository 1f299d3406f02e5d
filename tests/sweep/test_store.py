"""The sweep store: plan round trip, atomic writes, a full database, broken stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import kobai.sweep as ks
from kobai.sweep.store import Store

SPEC = {"base": {"data": "xor", "model": "mlp:2", "epochs": 1, "dropout": 0.0},
        "axes": {"lr": [0.1, 0.2]}, "seeds": 2}  # fmt: skip


def result(value: float, epochs: int = 3) -> dict:
    rows = [{"epoch": e, "val_loss": value / e} for e in range(1, epochs + 1)]
    return {"status": "done", "metrics": rows[-1], "history": rows, "seconds": 0.5}


def test_plan_and_results_round_trip_exactly(tmp_path: Path) -> None:
    plan = ks.parse_plan(SPEC)
    store = Store.create(tmp_path, plan)
    assert store.plan().fingerprint() == plan.fingerprint()
    assert [r["key"] for r in store.unfinished()] == [c.key for c in plan.cells()]
    value = 0.1 + 0.2  # 0.30000000000000004 comes back as itself
    store.finish("lr=0.2,seed=1", result(value))
    assert store.history("lr=0.2,seed=1")[-1] == {"epoch": 3, "val_loss": value / 3}
    assert store.counts() == {"done": 1, "pending": 3}
    store.close()
    records = ks.load(tmp_path)
    assert records[3]["val_loss"] == value / 3 and records[3]["status"] == "done"


def test_a_batch_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    store = Store.create(tmp_path, ks.parse_plan(SPEC))
    with pytest.raises(KeyError):
        store.finish_many([("lr=0.1,seed=0", result(1.0)), ("lr=0.1,seed=1", {"no": "status"})])
    assert store.counts() == {"pending": 4} and store.history("lr=0.1,seed=0") == []


def test_a_full_database_changes_nothing(tmp_path: Path) -> None:
    store = Store.create(tmp_path, ks.parse_plan(SPEC))
    store.finish("lr=0.1,seed=0", result(1.0))
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        store.finish("lr=0.1,seed=1", result(2.0, epochs=2000))
    assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert store.counts() == {"done": 1, "pending": 3}
    store.close()


def test_broken_and_half_made_stores(tmp_path: Path) -> None:
    # The empty file a start killed before its first commit leaves: a new start reuses it.
    sqlite3.connect(tmp_path / "sweep.db").close()
    with pytest.raises(ks.StoreError, match="holds no sweep .its start was interrupted."):
        ks.run(None, tmp_path, resume=True)
    assert len(ks.run(SPEC, tmp_path, workers=1)) == 4
    garbage = tmp_path / "other"
    garbage.mkdir()
    (garbage / "sweep.db").write_bytes(b"not a database at all" * 10)
    with pytest.raises(ks.StoreError, match="is not a readable sweep store"):
        ks.run(None, garbage, resume=True)
    with pytest.raises(ks.StoreError, match="is not a readable sweep store"):
        ks.run(SPEC, garbage, workers=1)


def test_one_driver_per_sweep_directory(tmp_path: Path) -> None:
    import fcntl

    ks.run(SPEC, tmp_path, workers=1)
    with open(tmp_path / ".driver.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ks.StoreError, match="is in use by another running sweep"):
            ks.run(None, tmp_path, resume=True)
    assert len(ks.run(None, tmp_path, resume=True)) == 4
