"""Sweeps on a Dask cluster: a LocalCluster on loopback with two worker processes."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kobai.sweep as ks

from .helpers import KILL_SPEC, KILL_TOML, SRC, wait_for
from .test_run import _mid_run

distributed = pytest.importorskip("distributed", reason="Dask is the optional extra kobai[dask]")
pytestmark = pytest.mark.slow  # a cluster of two worker processes starts


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, silence_logs=50,
    )  # fmt: skip
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


def test_dask_from_the_command_line_gives_the_same_table(
    kill_reference, client, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from kobai.cli.main import main

    toml = tmp_path / "kill.toml"
    toml.write_text(KILL_TOML)
    address = client.scheduler.address
    code = main(["sweep", str(toml), "--out", str(tmp_path / "s"), "--scheduler", address,
                 "--quiet"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert f"results sha256: {kill_reference.sha256()}" in out and "Dask scheduler" in out


def test_a_worker_killed_mid_cell_loses_nothing(kill_reference, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "dask"
    killed: list[int] = []

    def kill_one_worker() -> None:
        cell = wait_for(lambda: _mid_run(folder))
        pid = int((cell / ".lock").read_text())
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill_one_worker, daemon=True)
    killer.start()
    results = ks.run(KILL_SPEC, folder, client=client)
    killer.join(timeout=5)
    assert killed, "no cell was caught mid-run"
    assert [r["status"] for r in results] == ["done"] * 8
    assert results.sha256() == kill_reference.sha256()
    # The killed worker's cell finished on another worker process.
    assert all(not r["error"] for r in results)
    client.wait_for_workers(2, timeout=30)


def test_vectorized_groups_on_dask_give_the_local_table(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from .test_vectorized import SPEC

    on_dask = ks.run(SPEC, tmp_path / "dask", client=client, vectorize=True)
    here = ks.run(SPEC, tmp_path / "here", workers=1, vectorize=True)
    assert on_dask.sha256() == here.sha256()
    assert [r["status"] for r in on_dask].count("diverged") >= 2
