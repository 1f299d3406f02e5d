"""Checkpoint files: round trip of nested state, atomic writes, clear errors."""

from pathlib import Path

import numpy as np
import pytest

from kobai.train.checkpoint import CheckpointError, load_checkpoint, save_checkpoint


def test_round_trip_keeps_arrays_types_and_int_keys(tmp_path: Path) -> None:
    state = {
        "model": {"0.weight": np.arange(6, dtype=np.float32).reshape(2, 3)},
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": np.ones(2)}},
            "groups": [{"betas": (0.9, 0.999)}],
        },
        "rng": np.random.default_rng(5).bit_generator.state,
        "nothing": None,
        "flag": True,
        "nan": float("nan"),
    }
    path = save_checkpoint(tmp_path / "c.npz", state)
    loaded = load_checkpoint(path)
    np.testing.assert_array_equal(loaded["model"]["0.weight"], state["model"]["0.weight"])
    assert loaded["model"]["0.weight"].dtype == np.float32
    assert list(loaded["optimizer"]["state"]) == [0]
    assert loaded["optimizer"]["groups"][0]["betas"] == (0.9, 0.999)
    assert loaded["rng"] == state["rng"]
    assert loaded["nothing"] is None and loaded["flag"] is True and np.isnan(loaded["nan"])
    generator = np.random.default_rng()
    generator.bit_generator.state = loaded["rng"]
    assert generator.random() == np.random.default_rng(5).random()


def test_files_are_plain_npz_without_pickles(tmp_path: Path) -> None:
    path = save_checkpoint(tmp_path / "c.npz", {"w": np.ones(3)})
    with np.load(path, allow_pickle=False) as archive:
        assert set(archive.files) == {"__meta__", "a0"}


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    save_checkpoint(path, {"w": np.ones(3)})
    with pytest.raises(TypeError, match="cannot store a object in a checkpoint"):
        save_checkpoint(path, {"w": np.zeros(3), "bad": object()})
    np.testing.assert_array_equal(load_checkpoint(path)["w"], np.ones(3))  # old file intact
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]


def test_truncated_and_corrupt_files_are_reported(tmp_path: Path) -> None:
    path = save_checkpoint(tmp_path / "c.npz", {"w": np.ones(1000)})
    data = path.read_bytes()
    (tmp_path / "truncated.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(tmp_path / "truncated.npz")
    (tmp_path / "garbage.npz").write_bytes(b"hello")
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        load_checkpoint(tmp_path / "garbage.npz")
    np.savez(tmp_path / "other.npz", x=np.ones(2))
    with pytest.raises(CheckpointError, match="not a readable checkpoint|not a kobai checkpoint"):
        load_checkpoint(tmp_path / "other.npz")
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "missing.npz")
