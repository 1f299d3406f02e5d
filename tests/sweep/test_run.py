"""Running sweeps locally: determinism across workers and order, ordinary run directories,
resuming after SIGKILL of the driver or of a worker, Ctrl-C, and bad input."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

import kobai.sweep as ks
from kobai.cli.main import main
from kobai.sweep.cell import run_cell
from kobai.train import load_checkpoint

from .helpers import KILL_SPEC, KILL_TOML, cell_mid_run, kobai_process, statuses, wait_for


def test_two_workers_give_the_same_table_as_one(kill_reference, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    results = ks.run(KILL_SPEC, tmp_path / "two", workers=2)
    assert [r["status"] for r in results] == ["done"] * 8
    assert results.table() == kill_reference.table()
    assert results.sha256() == kill_reference.sha256()
    # The per-epoch histories too, and they are the runs' own history files.
    key = results[5]["key"]
    assert results.history(key) == kill_reference.history(key)
    assert len(results.history(key)) == 15
    assert {r["seed"] for r in results} == {
        ks.derive_seed(0, "seed=0"),
        ks.derive_seed(0, "seed=1"),
    }


def test_a_cell_run_alone_in_reverse_order_gives_the_same_numbers(
    kill_reference, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    plan = kill_reference.plan
    for cell in reversed(plan.cells()[-2:]):
        outcome = run_cell({"run_dir": str(tmp_path / cell.key), "config": plan.config_for(cell)})
        assert outcome["metrics"] == kill_reference[cell.index]["metrics"]


def test_cells_are_ordinary_run_directories(kill_reference, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    run_dir = Path(kill_reference[0]["run_dir"])
    assert {"config.json", "checkpoint.npz", "history.csv", "history.json"} <= {
        p.name for p in run_dir.iterdir()
    }
    assert main(["evaluate", str(run_dir)]) == 0
    assert f"{kill_reference[0]['val_accuracy']:.4f}" in capsys.readouterr().out
    figures = tmp_path / "figures"
    assert main(["curves", str(run_dir), str(kill_reference[1]["run_dir"]), "--x", "epoch",
                 "--out", str(figures)]) == 0  # fmt: skip
    assert main(["landscape", str(run_dir), "--resolution", "5", "--samples", "40",
                 "--mode", "random", "--out", str(figures / "land")]) == 0  # fmt: skip
    assert any(figures.glob("*.png")) and any((figures / "land").glob("*.png"))


def test_results_load_as_records_and_a_frame(kill_reference) -> None:  # type: ignore[no-untyped-def]
    loaded = ks.load(kill_reference.folder)
    assert loaded == kill_reference and loaded[3]["optimizer"] == "sgd" and loaded[3]["lr"] == 0.3
    pytest.importorskip("pandas", reason="pandas is an optional extra")
    frame = loaded.frame()
    assert frame.shape[0] == 8 and list(frame["replicate"][:4]) == [0, 1, 0, 1]
    assert "metrics" not in frame and frame["val_loss"].tolist() == [r["val_loss"] for r in loaded]
    means = frame.groupby("config_key", sort=False)["val_loss"].mean()
    assert len(means) == 4


def test_resume_after_the_driver_is_killed(kill_reference, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "kill.toml").write_text(KILL_TOML)
    folder = tmp_path / "sweep"
    driver = kobai_process("sweep", str(tmp_path / "kill.toml"), "--out", str(folder),
                           "--workers", "2", "--quiet")  # fmt: skip
    cell = wait_for(lambda: statuses(folder).get("done", 0) >= 1 and _mid_run(folder))
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait()
    interrupted = load_checkpoint(cell / "checkpoint.npz")["epoch"]
    assert 0 < interrupted < 15
    # Its workers die with it (they would otherwise train on beside the resumed sweep).
    pid = int((cell / ".lock").read_text())
    wait_for(lambda: not _alive(pid), timeout=10)
    assert main(["sweep", "--resume", str(folder), "--workers", "2", "--quiet"]) == 0
    resumed = ks.load(folder)
    assert resumed.sha256() == kill_reference.sha256()
    record = next(r for r in resumed if Path(r["run_dir"]) == cell)
    assert record["attempts"] == 2 and record["epochs"] == 15


def test_resume_after_a_worker_is_killed(kill_reference, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "kill.toml").write_text(KILL_TOML)
    folder = tmp_path / "sweep"
    driver = kobai_process("sweep", str(tmp_path / "kill.toml"), "--out", str(folder),
                           "--workers", "2", "--quiet")  # fmt: skip
    cell = wait_for(lambda: _mid_run(folder))
    os.kill(int((cell / ".lock").read_text()), signal.SIGKILL)
    out, err = driver.communicate(timeout=120)
    assert driver.returncode == 0, err
    assert f"results sha256: {kill_reference.sha256()}" in out


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_the_sweep_resumes(kill_reference, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "kill.toml").write_text(KILL_TOML)
    folder = tmp_path / "sweep"
    driver = kobai_process("sweep", str(tmp_path / "kill.toml"), "--out", str(folder),
                           "--workers", "2", "--quiet")  # fmt: skip
    wait_for(lambda: statuses(folder).get("done", 0) >= 2)
    driver.send_signal(signal.SIGINT)
    out, err = driver.communicate(timeout=60)
    assert driver.returncode == 130 and "Traceback" not in err
    assert f"continue with: kobai sweep --resume {folder}" in err
    counts = statuses(folder)
    assert "running" not in counts and counts["done"] >= 2
    assert ks.run(None, folder, resume=True, workers=1).sha256() == kill_reference.sha256()


def _mid_run(folder: Path) -> Path | None:
    cell = cell_mid_run(folder)
    if cell is None:
        return None
    try:
        return cell if 0 < load_checkpoint(cell / "checkpoint.npz")["epoch"] < 12 else None
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for this purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (["--axis", "lr=0.1", "--axis", "lr=0.2"], "--axis lr is given twice"),
        (["--axis", "lrr=0.1"], "unknown axis 'lrr'"),
        (["--axis", "optimizer="], "--axis takes NAME=VALUES, got 'optimizer='"),
        (["--resume", str(tmp_path)], f"{tmp_path} is not a sweep directory (no sweep.db)"),
        (["--axis", "lr=0.1", "--workers", "0"], "workers must be an integer >= 1, got 0"),
        (["report", str(tmp_path)], f"{tmp_path} is not a sweep directory (no sweep.db)"),
        (["a.toml", "b.toml"], "kobai sweep takes one CONFIG file, got a.toml b.toml"),
        ([str(tmp_path / "none.toml")], f"no configuration file at {tmp_path / 'none.toml'}"),
    ]
    for args, message in cases:
        assert main(["sweep", *args, "--out", str(tmp_path / "x"), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x").exists()


def test_resume_with_another_plan_or_thread_count_is_refused(kill_reference, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = str(kill_reference.folder)
    before = kill_reference.sha256()
    assert main(["sweep", "--resume", folder, "--axis", "lr=0.1", "--set", "data=moons"]) == 2
    assert f"{folder} holds another plan" in capsys.readouterr().err
    with pytest.raises(ks.StoreError, match="started with threads = 1; resume it with the same"):
        ks.run(None, folder, resume=True, threads=2)
    with pytest.raises(ks.StoreError, match="started with vectorize = false; resume it with"):
        ks.run(None, folder, resume=True, vectorize=True)
    assert ks.load(folder).sha256() == before


def test_an_unanswering_scheduler_fails_fast(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed", reason="Dask is the optional extra kobai[dask]")
    start = time.monotonic()
    code = main(["sweep", "--axis", "lr=0.1", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(tmp_path / "s"), "--quiet"])  # fmt: skip
    assert code == 2 and time.monotonic() - start < 10
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()  # nothing half-made


@pytest.mark.slow
def test_a_full_disk_stops_with_one_line_and_leaves_the_store_whole(
    kill_reference, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import resource

    (tmp_path / "kill.toml").write_text(KILL_TOML)
    folder = tmp_path / "sweep"
    limit = 48 * 1024  # bytes per file: the histories and the store outgrow it part-way

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    driver = kobai_process("sweep", str(tmp_path / "kill.toml"), "--out", str(folder),
                           "--workers", "1", "--quiet", preexec_fn=small_files)  # fmt: skip
    out, err = driver.communicate(timeout=120)
    assert driver.returncode == 2, (out, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert f"cannot write {folder}" in err
    db = sqlite3.connect(folder / "sweep.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    assert 0 < statuses(folder).get("done", 0) < 8
    assert ks.run(None, folder, resume=True, workers=1).sha256() == kill_reference.sha256()


def test_failed_cells_are_recorded_reported_and_retried(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "data.csv"
    spec = {"base": {"data": f"csv:{table}", "target": "label", "model": "mlp:3", "epochs": 2,
                     "dropout": 0.0}, "axes": {"lr": [0.1, 0.2]}}  # fmt: skip
    failed = ks.run(spec, tmp_path / "s", workers=1)
    assert [r["status"] for r in failed] == ["failed", "failed"]
    assert "no such file" in failed[0]["error"].lower() or "not found" in failed[0]["error"]
    # The report still works with no finished cell; a resume retries failed cells.
    assert main(["sweep", "report", str(tmp_path / "s"), "--out", str(tmp_path / "r")]) == 0
    rows = "".join(f"{a},{a % 2}\n" for a in range(20))
    table.write_text("a,label\n" + rows)
    assert main(["sweep", "--resume", str(tmp_path / "s"), "--workers", "1", "--quiet"]) == 0
    assert [r["status"] for r in ks.load(tmp_path / "s")] == ["done", "done"]
    assert [r["attempts"] for r in ks.load(tmp_path / "s")] == [2, 2]
    capsys.readouterr()


def test_a_server_of_another_kind_is_no_scheduler(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import socket
    import threading

    pytest.importorskip("distributed", reason="Dask is the optional extra kobai[dask]")
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer_like_a_web_server() -> None:
        for _ in range(5):
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4)
            conn.close()

    threading.Thread(target=answer_like_a_web_server, daemon=True).start()
    start = time.monotonic()
    code = main(["sweep", "--axis", "lr=0.1", "--scheduler", f"tcp://127.0.0.1:{port}",
                 "--out", str(tmp_path / "s"), "--quiet"])  # fmt: skip
    server.close()
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - start < 10 and len(err.strip().splitlines()) == 1
    assert f"tcp://127.0.0.1:{port}" in err and not (tmp_path / "s").exists()
