"""Hostile files for the hostile-input suite: every one a way a careful adversary (or an
unlucky disk) could hand kobai something wrong."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import struct
import zipfile
from pathlib import Path

import numpy as np

from kobai.cli.main import main
from kobai.train.checkpoint import save_checkpoint

TOML = {
    "model_int": "model = 5",
    "data_int": "data = 5",
    "data_table": "data = {a = 1}",
    "lr_text": 'lr = "x"',
    "lr_negative": "lr = -1",
    "lr_inf": "lr = inf",
    "lr_nan": "lr = nan",
    "epochs_text": 'epochs = "3"',
    "epochs_zero": "epochs = 0",
    "epochs_bool": "epochs = true",
    "epochs_huge": "epochs = 100000000000",
    "batch_zero": "batch_size = 0",
    "batch_text": 'batch_size = "half"',
    "dropout_big": "dropout = 1.5",
    "dropout_text": 'dropout = "x"',
    "seed_negative": "seed = -1",
    "seed_float": "seed = 1.5",
    "samples_huge": "samples = 1000000000000",
    "samples_zero": "samples = 0",
    "optimizer_options_int": "optimizer_options = 5",
    "schedule_options_list": "schedule_options = [1]",
    "gradient_magic": 'gradient = "magic"',
    "dtype_int8": 'dtype = "int8"',
    "early_negative": "early_stopping = -1",
    "target_loss_nan": "target_loss = nan",
    "target_int": "target = 5",
    "activation_int": "activation = 5",
    "schedule_int": "schedule = 5",
    "batchnorm_text": 'batchnorm = "yes"',
    "save_every_int": "save_every_epoch = 1",
    "unknown_key": "colour = 'blue'",
    "syntax": "lr = = 1",
    "model_list": "model = [1, 2]",
    "opt_lr_text": "data = 'xor'\noptimizer_options = {lr = 'x'}",
    "opt_betas_int": "data = 'xor'\noptimizer_options = {betas = 5}",
    "opt_unknown": "data = 'xor'\noptimizer_options = {nosuch = 1}",
    "sched_gamma_text": "data = 'xor'\nschedule = 'exponential'\nschedule_options = {gamma = 'x'}",
    "sched_unknown": "data = 'xor'\nschedule_options = {nosuch = 1}",
    "sched_unknown_name": "data = 'xor'\nschedule = 'nosuch'",
}


def build(root: Path) -> dict[str, Path]:
    """Write every hostile file under ``root``; return them by name."""
    files: dict[str, Path] = {}
    (root / "toml").mkdir()
    for name, text in TOML.items():
        files[f"toml_{name}"] = root / "toml" / f"{name}.toml"
        files[f"toml_{name}"].write_text(text + "\n")
    files["toml_latin1"] = root / "toml" / "latin1.toml"
    files["toml_latin1"].write_bytes(b'model = "\xe9"\n')
    files["run"] = _trained_run(root)
    _runs_with_damage(root, files)
    _arrays(root, files)
    _tables(root, files)
    _idx_folders(root, files)
    return files


def _trained_run(root: Path) -> Path:
    args = ["--data", "xor", "--samples", "64", "--model", "mlp:4", "--epochs", "1"]
    assert main(["train", *args, "--quiet", "--out", str(root), "--name", "run"]) == 0
    return root / "run"


def _copy(root: Path, name: str) -> Path:
    return Path(shutil.copytree(root / "run", root / name))


def _runs_with_damage(root: Path, files: dict[str, Path]) -> None:
    damages = {
        "run_json_broken": ("config.json", b'{"data": "xor",'),
        "run_json_list": ("config.json", b"[1, 2]"),
        "run_json_model_int": ("config.json", None),
        "run_ckpt_garbage": ("checkpoint.npz", b"PK\x03\x04 not really a zip"),
        "run_ckpt_empty": ("checkpoint.npz", b""),
    }
    for name, (member, content) in damages.items():
        folder = _copy(root, name)
        if content is None:
            config = json.loads((folder / member).read_text())
            config["model"] = 5
            content = json.dumps(config).encode()
        (folder / member).write_bytes(content)
        files[name] = folder
    folder = _copy(root, "run_ckpt_no_model")
    save_checkpoint(folder / "checkpoint.npz", {"epoch": 1})
    files["run_ckpt_no_model"] = folder
    for name, member, content in (
        ("run_ckpt_huge", "__meta__.npy", _npy_header((100_000_000, 784)) + b"\0" * 64),
        ("run_ckpt_member_txt", "notes.txt", b"not an array"),
        ("run_ckpt_object", "a0.npy", _npy_header((1,), "|O") + b"\0" * 8),
    ):
        folder = _copy(root, name)
        with zipfile.ZipFile(folder / "checkpoint.npz", "w") as archive:
            archive.writestr(member, content)
        files[name] = folder
    folder = _copy(root, "run_no_config")
    (folder / "config.json").unlink()
    files["run_no_config"] = folder


def _npy_header(shape: tuple[int, ...], descr: str = "<f4") -> bytes:
    out = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue()


def _arrays(root: Path, files: dict[str, Path]) -> None:
    folder = root / "arrays"
    folder.mkdir()
    files["npy_huge_header"] = folder / "huge.npy"
    files["npy_huge_header"].write_bytes(_npy_header((100_000_000, 784)) + b"\0" * 64)
    files["npy_truncated"] = folder / "truncated.npy"
    files["npy_truncated"].write_bytes(_npy_header((10, 2)) + b"\0" * 8)
    files["npy_text"] = folder / "text.npy"
    np.save(files["npy_text"], np.array(["a", "b"]))
    files["npy_object"] = folder / "object.npy"
    np.save(files["npy_object"], np.array([{"a": 1}], dtype=object), allow_pickle=True)
    files["npy_not_npy"] = folder / "junk.npy"
    files["npy_not_npy"].write_bytes(b"hello, not an array")
    files["npy_nan"] = folder / "nan.npy"
    np.save(files["npy_nan"], np.array([[0.0, 1.0], [np.nan, 0.0]], dtype=np.float32))
    files["npz_member_txt"] = folder / "member.npz"
    with zipfile.ZipFile(files["npz_member_txt"], "w") as archive:
        archive.writestr("notes.txt", "not an array")
    files["npz_huge_header"] = folder / "huge.npz"
    with zipfile.ZipFile(files["npz_huge_header"], "w") as archive:
        archive.writestr("x.npy", _npy_header((100_000_000, 784)) + b"\0" * 64)
    files["npz_empty"] = folder / "empty.npz"
    with zipfile.ZipFile(files["npz_empty"], "w"):
        pass
    files["npz_not_zip"] = folder / "notzip.npz"
    files["npz_not_zip"].write_bytes(b"PK\x03\x04 but nothing after")
    files["txt_input"] = folder / "input.txt"
    files["txt_input"].write_text("1,2\n")


def _tables(root: Path, files: dict[str, Path]) -> None:
    folder = root / "tables"
    folder.mkdir()
    tables = {
        "csv_nan": "a,b,y\n0,1,0\nnan,1,1\n1,0,1\n0,0,0\n",
        "csv_inf": "a,b,y\n0,1,0\n1,inf,1\n1,0,1\n0,0,0\n",
        "csv_text_cell": "a,b,y\n0,1,0\n1,abc,1\n1,0,1\n0,0,0\n",
        "csv_ragged": "a,b,y\n0,1,0\n1,1\n",
        "csv_empty": "",
        "csv_header_only": "a,b,y\n",
        "csv_long_cell": "a,b,y\n0," + "1" * 200_000 + ",0\n",
        "csv_no_target": "a,b,c\n0,1,0\n",
        "csv_duplicate": "a,a,y\n0,1,0\n",
        "inputs_nan": "nan,1\n0,1\n",
        "inputs_inf": "x1,x2\n0,1\n1,-inf\n",
        "inputs_text": "x1,x2\n0,1\n1,what\n",
        "inputs_long": "1," + "2" * 200_000 + "\n",
        "inputs_wrong_width": "1,2,3\n4,5,6\n",
    }
    for name, text in tables.items():
        files[name] = folder / f"{name}.csv"
        files[name].write_text(text)
    files["csv_latin1"] = folder / "latin1.csv"
    files["csv_latin1"].write_bytes(b"a,b,y\n0,\xe9,1\n")


def _idx(shape: tuple[int, ...], body: bytes) -> bytes:
    return bytes([0, 0, 0x08, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + body


def _idx_folders(root: Path, files: dict[str, Path]) -> None:
    names = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    bad = {
        "idx_overflow": _idx((0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), b""),
        "idx_huge": _idx((100_000_000, 28, 28), b"\0" * 100),
        "idx_magic": b"\x01\x02\x03\x04" + b"\0" * 20,
        "idx_truncated_header": b"\0\0\x08\x03\0\0",
    }
    for name, content in bad.items():
        folder = root / name
        folder.mkdir()
        (folder / names[0]).write_bytes(content)
        (folder / names[1]).write_bytes(_idx((2,), b"\0\1"))
        files[name] = folder
    # 2 MB of gzip that unpacks to 2 GB of zeros behind a header claiming 60000 x 28 x 28 x ...
    folder = root / "idx_gzip_bomb"
    folder.mkdir()
    header = _idx((2_000, 1000, 1000), b"")
    with gzip.open(folder / (names[0] + ".gz"), "wb", compresslevel=1) as out:
        out.write(header)
        out.write(b"\0" * 1_000_000)  # a trailer that records 1 MB, not 2 GB
    (folder / names[1]).write_bytes(_idx((2,), b"\0\1"))
    files["idx_gzip_bomb"] = folder
    files["idx_empty"] = root / "idx_empty"
    files["idx_empty"].mkdir()
