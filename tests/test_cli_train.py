"""``kobai train``, ``kobai evaluate`` and ``kobai predict`` as a user runs them."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kobai.cli.main import main
from kobai.train import load_checkpoint

SMALL = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "3", "--quiet"]


def kobai(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kobai", *args], capture_output=True, text=True, check=False
    )


def test_train_writes_a_complete_run_directory(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["train", *SMALL, "--out", str(tmp_path), "--name", "r1"]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "train" in out and "test" in out and "run directory" in out
    run = tmp_path / "r1"
    names = {p.name for p in run.iterdir()}
    assert {
        "config.json",
        "history.csv",
        "history.json",
        "checkpoint.npz",
        "learning_curve.png",
        "learning_curve.svg",
    } <= names
    config = json.loads((run / "config.json").read_text())
    assert config["data"] == "moons" and config["model"] == "mlp:8" and config["epochs"] == 3
    header = (run / "history.csv").read_text().splitlines()[0].split(",")
    assert header[:2] == ["epoch", "train_loss"] and "val_accuracy" in header
    assert (run / "learning_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_checkpoint(run / "checkpoint.npz")["epoch"] == 3


def test_same_seed_same_numbers_and_resume_extends(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["train", *SMALL, "--seed", "5", "--out", str(tmp_path), "--name", name]) == 0
    a = load_checkpoint(tmp_path / "a" / "checkpoint.npz")["model"]
    b = load_checkpoint(tmp_path / "b" / "checkpoint.npz")["model"]
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert main(["train", "--resume", str(tmp_path / "a"), "--epochs", "5", "--quiet"]) == 0
    assert load_checkpoint(tmp_path / "a" / "checkpoint.npz")["epoch"] == 5


def test_config_file_and_options(tmp_path: Path) -> None:
    config = tmp_path / "exp.toml"
    config.write_text(
        'data = "xor"\nsamples = 200\nmodel = "mlp:8,8"\nepochs = 2\n'
        'optimizer = "sgd"\nlr = 0.5\nschedule = "none"\n[optimizer_options]\nmomentum = 0.9\n'
    )
    assert (
        main(
            [
                "train",
                "--config",
                str(config),
                "--full-batch",
                "--quiet",
                "--out",
                str(tmp_path),
                "--name",
                "c",
            ]
        )
        == 0
    )
    saved = json.loads((tmp_path / "c" / "config.json").read_text())
    assert saved["data"] == "xor" and saved["batch_size"] == "full"
    assert saved["optimizer"] == "sgd" and saved["optimizer_options"] == {"momentum": 0.9}
    history = json.loads((tmp_path / "c" / "history.json").read_text())
    assert [row["lr"] for row in history["epochs"]] == [0.5, 0.5]


def test_evaluate_and_predict(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["train", *SMALL, "--out", str(tmp_path), "--name", "r"]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "confusion matrix" in out
    inputs = tmp_path / "points.npy"
    np.save(inputs, np.array([[0.0, 1.0], [1.0, -0.5], [2.0, 0.5]], dtype=np.float32))
    assert main(["predict", str(tmp_path / "r"), "--input", str(inputs)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "row,prediction,p0,p1" and len(lines) == 4
    probabilities = [float(p) for p in lines[1].split(",")[2:]]
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lr", "-1"], "lr must be a finite number > 0, got -1.0"),
        (["--lr", "0"], "lr must be a finite number > 0, got 0.0"),
        (["--batch-size", "0"], "batch_size must be an integer >= 1 or one of 'full', got 0"),
        (["--optimizer", "adamm"], "unknown optimizer 'adamm'"),
        (["--activation", "relux"], "unknown activation 'relux'"),
        (["--data", "nope"], "unknown data set 'nope'; valid: mnist, digits"),
        (["--data", "csv:/no/such/file.csv", "--target", "y"], "/no/such/file.csv"),
        (["--model", "cnn:3"], "model must be 'mlp:H1,H2,...' or 'linear'"),
        (["--config", "/no/such.toml"], "no configuration file at /no/such.toml"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, args, message) -> None:  # type: ignore[no-untyped-def]
    result = kobai("train", *SMALL, "--out", str(tmp_path), *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_csv_without_target_column(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n")
    result = kobai(
        "train",
        "--data",
        f"csv:{table}",
        "--target",
        "klass",
        "--epochs",
        "1",
        "--quiet",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 2 and "klass" in result.stderr and "Traceback" not in result.stderr


def test_corrupt_or_foreign_checkpoint_is_refused_and_left_alone(tmp_path: Path) -> None:
    assert main(["train", *SMALL, "--out", str(tmp_path), "--name", "r"]) == 0
    checkpoint = tmp_path / "r" / "checkpoint.npz"
    original = checkpoint.read_bytes()
    checkpoint.write_bytes(original[: len(original) // 3])
    truncated = checkpoint.read_bytes()
    result = kobai("evaluate", str(tmp_path / "r"))
    assert result.returncode == 2 and "corrupt or truncated" in result.stderr
    result = kobai("train", "--resume", str(tmp_path / "r"), "--quiet")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert checkpoint.read_bytes() == truncated  # nothing on disk was damaged further
    checkpoint.write_bytes(original)
    config = json.loads((tmp_path / "r" / "config.json").read_text())
    config["model"] = "mlp:16"
    (tmp_path / "r" / "config.json").write_text(json.dumps(config))
    result = kobai("evaluate", str(tmp_path / "r"))
    assert result.returncode == 2 and "does not fit the model" in result.stderr


def test_existing_run_is_not_overwritten(tmp_path: Path) -> None:
    assert main(["train", *SMALL, "--out", str(tmp_path), "--name", "r"]) == 0
    result = kobai("train", *SMALL, "--out", str(tmp_path), "--name", "r")
    assert result.returncode == 2 and "already holds a run; use --resume" in result.stderr


def test_divergence_is_reported_with_advice(tmp_path: Path) -> None:
    result = kobai(
        "train",
        "--data",
        "sine",
        "--samples",
        "200",
        "--model",
        "mlp:32",
        "--optimizer",
        "sgd",
        "--lr",
        "100",
        "--epochs",
        "3",
        "--quiet",
        "--out",
        str(tmp_path),
        "--name",
        "d",
    )
    assert result.returncode == 1
    assert "the learning rate 100 is probably too large, try 10 or less" in result.stderr


def test_main_job_reaches_95_percent_on_the_held_out_digits(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The README's main command with its defaults: MNIST subset, 2,000 held-out digits.
    assert main(["train", "--quiet", "--out", str(tmp_path), "--name", "main"]) == 0
    test_row = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("test")
    )
    accuracy = float(test_row.split()[-1])
    assert accuracy >= 0.95
    history = json.loads((tmp_path / "main" / "history.json").read_text())
    assert len(history["epochs"]) == 15 and history["epochs"][-1]["val_accuracy"] == accuracy


def test_unknown_names_list_the_valid_ones(tmp_path: Path) -> None:
    result = kobai("train", *SMALL, "--out", str(tmp_path), "--optimizer", "adamm")
    assert "adam" in result.stderr and "sgd" in result.stderr and "momentum" in result.stderr
    result = kobai("train", *SMALL, "--out", str(tmp_path), "--schedule", "cosinus")
    assert result.returncode == 2 and "cosine" in result.stderr and "step" in result.stderr


def test_malformed_csv_is_one_line_error(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("a,b,label\n1,2,0\n3,oops,1\n")
    result = kobai(
        "train", "--data", f"csv:{table}", "--target", "label", "--quiet", "--out", str(tmp_path)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "oops" in result.stderr or "line 3" in result.stderr
    assert not any((tmp_path).glob("*/checkpoint.npz"))


def test_numerical_gradients_from_the_command_line(tmp_path: Path) -> None:
    args = [
        "--data",
        "moons",
        "--samples",
        "60",
        "--model",
        "mlp:3",
        "--epochs",
        "2",
        "--dtype",
        "float64",
        "--batch-size",
        "16",
        "--schedule",
        "none",
        "--dropout",
        "0",
        "--quiet",
        "--out",
        str(tmp_path),
    ]
    assert main(["train", *args, "--name", "num", "--gradient", "numerical"]) == 0
    assert main(["train", *args, "--name", "bp"]) == 0
    numerical = load_checkpoint(tmp_path / "num" / "checkpoint.npz")["model"]
    backprop = load_checkpoint(tmp_path / "bp" / "checkpoint.npz")["model"]
    for key, value in backprop.items():
        np.testing.assert_allclose(numerical[key], value, rtol=1e-5, atol=1e-7)


def test_progress_bar_on_a_terminal_and_quiet_otherwise(tmp_path: Path) -> None:
    import io

    from kobai import nn
    from kobai.data import make_moons
    from kobai.models import MLP
    from kobai.optim import SGD
    from kobai.train import fit

    x, y = make_moons(64, rng=0)
    model = MLP(2, [4], 2, rng=0)
    stream = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(stream):
        fit(
            model,
            (x, y),
            loss=nn.CrossEntropyLoss(),
            optimizer=SGD(model.parameters(), lr=0.1),
            batch_size=16,
            epochs=2,
            rng=0,
            progress=True,
        )
        fit(
            model,
            (x, y),
            loss=nn.CrossEntropyLoss(),
            optimizer=SGD(model.parameters(), lr=0.1),
            batch_size=16,
            epochs=1,
            rng=0,
        )  # stderr is not a terminal: no bar
    text = stream.getvalue()
    assert "/8 [" in text and "step/s" in text  # 2 epochs x 4 steps
    assert "/4 [" not in text
