"""``kobai descend``, ``kobai neuron`` and ``kobai activations`` as a user runs them."""

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kobai.cli.main import main


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (signature, then the IHDR chunk)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert len(data) > 10_000
    return width, height


def test_descend_writes_race_surface_and_animation(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["descend", "--function", "bowl", "--optimizers", "sgd,adam", "--steps", "8",
                 "--animate", "--formats", "png", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "sgd (lr=0.9)" in out and "adam (lr=0.3" in out
    for name in ("descend_bowl.png", "descend_bowl_surface.png"):
        width, height = png_size(tmp_path / name)
        assert width > 500 and height > 400
        assert f"wrote {tmp_path / name}" in out
    assert (tmp_path / "descend_bowl.gif").is_file() and not (
        tmp_path / "descend_bowl.svg"
    ).exists()


def test_descend_one_dimensional_expression(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["descend", "--function", "x**2/2", "--optimizers", "sgd", "--lr", "0.1",
                 "--steps", "3", "--start", "2", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "f = 1.063 at (1.458)" in out  # 2 -> 1.8 -> 1.62 -> 1.458, source 001
    png_size(tmp_path / "descend_custom.png")


def test_neuron_and_activations(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["neuron", "--samples", "40", "--steps", "15", "--grid", "41",
                 "--formats", "png", "--out", str(tmp_path)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "41 x 41 loss grid" in out and "stochastic (B = 1)" in out
    for name in ("neuron_surface.png", "neuron_batch_modes.png"):
        width, height = png_size(tmp_path / name)
        assert width > 800 and height > 400
    assert main(["activations", "--only", "sigmoid,tanh", "--out", str(tmp_path)]) == 0
    png_size(tmp_path / "activations.png")
    assert (tmp_path / "activations.svg").read_text().startswith("<?xml")


def test_neuron_on_a_csv_file(tmp_path: Path) -> None:
    csv = tmp_path / "data.csv"
    csv.write_text("x,t\n" + "".join(f"{v / 10},{1 / (1 + 2.718 ** (-v / 10))}\n"
                                     for v in range(-20, 21)))  # fmt: skip
    argv = ["neuron", "--data", str(csv), "--steps", "5", "--grid", "21", "--activation", "elu"]
    assert main([*argv, "--formats", "png", "--out", str(tmp_path)]) == 0
    png_size(tmp_path / "neuron_surface.png")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["descend", "--function", "rosenbrok"], "valid names: quadratic, bowl, rosenbrock"),
        (["descend", "--optimizers", "sgd,adamm"], "valid names: sgd, momentum"),
        (["descend", "--function", "__import__('os')"], "not allowed"),
        (["descend", "--steps", "many"], "--steps must be an integer >= 1, got 'many'"),
        (["descend", "--lr", "fast"], "--lr takes comma-separated numbers"),
        (["descend", "--lr", "0.1,0.2"], "--lr takes 1 or 4 number(s)"),
        (["descend", "--start", "1"], "--start takes 2 number(s)"),
        (["descend", "--function", "quadratic", "--animate"], "2-D functions only"),
        (["neuron", "--activation", "softmax"], "valid: sigmoid"),
        (["neuron", "--samples", "-3"], "--samples must be an integer >= 1, got -3"),
        (["neuron", "--start", "1,2,3"], "--start takes 2 number(s)"),
        (["activations", "--only", "swish"], "unknown activation 'swish'"),
        (["activations", "--formats", "gif"], "--formats takes png, svg, pdf"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(argv, message, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith(f"kobai {argv[0]}: error:")
    assert not list(tmp_path.iterdir())


def test_descend_list(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["descend", "--list"]) == 0
    out = capsys.readouterr().out
    assert "himmelblau" in out and "four minima" in out and "textbook-adam" in out


def test_headless_subprocess(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    done = subprocess.run(
        [sys.executable, "-m", "kobai", "activations", "--only", "relu", "--formats", "png",
         "--out", str(tmp_path)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert png_size(tmp_path / "activations.png")[0] > 300
