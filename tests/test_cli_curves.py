"""``kobai curves`` with no run named compares only runs that can be compared."""

from pathlib import Path

import pytest

from kobai.cli.main import main

TINY = ["--samples", "200", "--model", "mlp:8", "--epochs", "2", "--quiet"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    for name, data in (("m1", "moons"), ("s1", "sine"), ("m2", "moons"), ("x1", "xor")):
        args = ["train", "--data", data, *TINY, "--out", str(root / "runs"), "--name", name]
        assert main(args) == 0
    return root


def test_the_latest_runs_on_the_newest_runs_data(runs: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(runs)
    (runs / "runs" / "x1" / "history.json").touch()  # newest: xor, alone on its data
    assert main(["curves", "--x", "epoch", "--out", "a"]) == 0
    assert "the 1 latest run(s) on xor in runs/ (3 run(s) on other data left out" in (
        capsys.readouterr().out
    )
    for name in ("m1", "m2"):
        (runs / "runs" / name / "history.json").touch()
    assert main(["curves", "--x", "epoch", "--out", "b"]) == 0
    assert "the 2 latest run(s) on moons in runs/ (2 run(s)" in capsys.readouterr().out


def test_classification_and_regression_are_not_mixed(runs: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folders = [str(runs / "runs" / n) for n in ("m1", "s1")]
    assert main(["curves", *folders, "--out", str(runs / "c")]) == 2
    assert "cannot draw classification and regression runs on one axis" in (capsys.readouterr().err)
