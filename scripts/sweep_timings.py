"""Time one sweep four ways (serial, local workers, a Dask LocalCluster, vectorised) and
after a kill and resume; print wall times, the runs' own time, the overhead per cell and the
sha256 of each results table.

    python scripts/sweep_timings.py [examples/sweeps/moons.toml] [--out /tmp/sweep-timings]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import kobai.sweep as ks


def timing(folder: Path) -> dict:
    db = sqlite3.connect(folder / "sweep.db")
    try:
        return json.loads(db.execute("SELECT value FROM meta WHERE name = 'timing'").fetchone()[0])
    finally:
        db.close()


def killed_and_resumed(plan: str, folder: Path) -> str:
    """Start the sweep in another process, SIGKILL it when a third of the cells are done,
    resume it here."""
    driver = subprocess.Popen(
        [sys.executable, "-m", "kobai", "sweep", plan, "--out", str(folder), "--workers", "2",
         "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    total = len(ks.read_plan(plan).cells())
    while True:
        time.sleep(0.05)
        if (folder / "sweep.db").exists():
            db = sqlite3.connect(folder / "sweep.db", timeout=30)
            done = db.execute("SELECT COUNT(*) FROM cells WHERE status = 'done'").fetchone()[0]
            db.close()
            if done >= total // 3:
                break
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait()
    return ks.run(None, folder, resume=True, workers=2, progress=False).sha256()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("plan", nargs="?", default="examples/sweeps/moons.toml")
    parser.add_argument("--out", default="/tmp/sweep-timings")
    args = parser.parse_args()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    rows = []
    for label, options in (("serial", {"workers": 1}), ("2 local workers", {"workers": 2}),
                           ("vectorised", {"workers": 1, "vectorize": True})):  # fmt: skip
        folder = out / label.replace(" ", "-")
        start = time.perf_counter()
        results = ks.run(args.plan, folder, progress=False, **options)
        rows.append((label, time.perf_counter() - start, timing(folder), results.sha256()))
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        folder = out / "dask"
        start = time.perf_counter()
        results = ks.run(args.plan, folder, client=client, progress=False)
        rows.append(("2-worker LocalCluster", time.perf_counter() - start, timing(folder),
                     results.sha256()))  # fmt: skip
    resumed = killed_and_resumed(args.plan, out / "killed")
    print(f"{'executor':24}{'wall s':>9}{'runs s':>9}{'overhead ms/cell':>18}"
          f"{'start-up s':>12}{'after it':>10}  sha256")  # fmt: skip
    for label, wall, t, sha in rows:
        print(f"{label:24}{wall:9.1f}{t['cell_seconds']:9.1f}"
              f"{1000 * t['overhead_per_cell']:18.1f}{t['startup_seconds']:12.1f}"
              f"{1000 * t['overhead_per_cell_after_startup']:10.1f}  {sha[:16]}")  # fmt: skip
    print(f"{'killed and resumed':24}{'':58}  {resumed[:16]}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
