"""kobai.files: every file is written whole or not at all, on a full disk too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kobai.files import atomic_writer, remove_stale_temps, same_file, write_atomic


def test_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a" / "config.json"
    write_atomic(target, "first\n")
    write_atomic(target, b"second\n")
    assert target.read_bytes() == b"second\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["config.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "predictions.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_writer(target, text=True) as handle:
        handle.write("half of the new")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["predictions.csv"]


def test_temporaries_of_killed_writers_are_removed_next_time(tmp_path: Path) -> None:
    # A writer killed mid-write leaves its temporary file; the next write removes it, but
    # never the temporary of a writer still running (here: this process).
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = int(child.stdout)
    stale = tmp_path / f".history.csv.{dead}.abc123.kobai-tmp"
    alive = tmp_path / f".history.csv.{os.getpid()}.def456.kobai-tmp"
    other = tmp_path / ".hidden-but-not-ours"
    for path in (stale, alive, other):
        path.write_text("partial")
    write_atomic(tmp_path / "history.csv", "epoch\n")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([alive.name, other.name, "history.csv"])
    assert remove_stale_temps(tmp_path) == []


def test_same_file_sees_through_links_and_dots(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("1\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "x.csv")
    assert same_file(tmp_path / "link.csv", tmp_path / "sub" / ".." / "x.csv")
    assert not same_file(tmp_path / "x.csv", tmp_path / "y.csv")


@pytest.fixture
def full_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 1 MiB tmpfs (root only; skipped where mounting is not allowed)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount permission)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_never_damages_what_exists(full_disk: Path) -> None:
    from kobai.cli.options import write_run_config
    from kobai.train.checkpoint import load_checkpoint, save_checkpoint
    from kobai.train.history import History

    config = full_disk / "config.json"
    write_run_config(full_disk, {"lr": 0.1})
    checkpoint = save_checkpoint(full_disk / "checkpoint.npz", {"w": np.ones(10)})
    history = History()
    history.append_epoch({"epoch": 1, "train_loss": 0.5})
    history.to_csv(full_disk / "history.csv")
    before = {p.name: p.read_bytes() for p in full_disk.iterdir()}
    huge = "x" * (2 * 2**20)
    with pytest.raises(OSError):
        write_run_config(full_disk, {"lr": huge})
    with pytest.raises(OSError):
        save_checkpoint(checkpoint, {"w": np.ones(300_000)})
    with pytest.raises(OSError):
        write_atomic(full_disk / "history.csv", huge)
    after = {p.name: p.read_bytes() for p in full_disk.iterdir()}
    assert after == before  # same files, same bytes, no temporaries left
    assert load_checkpoint(checkpoint)["w"].shape == (10,)
    assert config.read_text() == '{\n  "lr": 0.1\n}\n'
