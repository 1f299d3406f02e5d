"""Schedules chosen by name on ``kobai train``, and what extending a run does to them."""

import json
import math
from pathlib import Path

import pytest

from kobai import optim
from kobai.cli.main import main
from kobai.models.run_schedule import python_only, run_schedule_options

SMALL = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--quiet"]
PYTHON_ONLY = python_only()
CLI_SCHEDULES = [n for n in optim.available_schedulers() if n not in PYTHON_ONLY]


def lrs(run: Path) -> list[float]:
    return [row["lr"] for row in json.loads((run / "history.json").read_text())["epochs"]]


@pytest.mark.parametrize("name", CLI_SCHEDULES)
def test_every_schedule_by_name_trains_with_defaults(name: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["train", *SMALL, "--epochs", "6", "--schedule", name, "--out", str(tmp_path)]
    assert main([*args, "--name", "r"]) == 0, capsys.readouterr().err
    rates = lrs(tmp_path / "r")
    assert len(rates) == 6 and all(0 < r <= 1e-3 + 1e-12 for r in rates)


def test_default_schedules_are_sized_to_the_run(tmp_path: Path) -> None:
    def run(name: str, *extra: str) -> list[float]:
        out = ["--out", str(tmp_path), "--name", name]
        assert main(["train", *SMALL, "--epochs", "6", "--schedule", *extra, *out]) == 0
        return lrs(tmp_path / name)

    # step: a tenfold drop every third of the run; multistep: at its half and three quarters
    assert run("step", "step") == pytest.approx([1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5])
    assert run("multi", "multistep") == pytest.approx([1e-3] * 3 + [1e-4] + [1e-5] * 2)
    # exponential: 1 % of the rate at the end of the run
    assert run("exp", "exponential")[-1] * (0.01 ** (1 / 6)) == pytest.approx(1e-5, rel=1e-5)
    # the user's options win over the defaults
    assert run("own", "step", "--schedule-opt", "step_size=4")[3:5] == pytest.approx([1e-3, 1e-4])


def test_readme_step_schedule_line_shows_its_defaults(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["train", "--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "5"]
    assert main([*args, "--schedule", "step", "--out", str(tmp_path), "--name", "s"]) == 0
    assert "step schedule (step_size 2, gamma 0.1)" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(PYTHON_ONLY))
def test_python_only_schedules_are_refused_in_one_line(name: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["train", *SMALL, "--schedule", name, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot be chosen on the command line" in err
    assert "choose one of: " in err and ", step, " in err and "Traceback" not in err


def test_a_missing_required_option_is_named_with_how_to_give_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def made_up(optimizer, width, gamma=0.5):  # type: ignore[no-untyped-def]
        raise AssertionError("never built")

    monkeypatch.setitem(optim.registry.SCHEDULERS, "made-up", made_up)
    with pytest.raises(ValueError, match=r"needs width: give it with --schedule-opt width=VALUE"):
        run_schedule_options("made-up", {"gamma": 0.1}, epochs=5, lr=0.1)
    assert run_schedule_options("made-up", {"width": 3}, epochs=5, lr=0.1) == {"width": 3}


def test_extending_a_cosine_run_stretches_its_schedule_and_says_so(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    run = tmp_path / "c"
    assert main(["train", *SMALL, "--epochs", "4", "--out", str(tmp_path), "--name", "c"]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(run), "--epochs", "8", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "extending" in out and "from 4 to 8 epochs (4 done)" in out
    assert "stretched to 8 epochs, so epoch 5 trains at lr 0.0005" in out
    assert "ended at 0" in out
    rates = lrs(run)

    def cosine(t: int, period: int) -> float:
        return 0.5e-3 * (1 + math.cos(math.pi * t / period))

    assert rates[:4] == pytest.approx([cosine(t, 4) for t in range(4)], abs=1e-12)
    # then the 8-epoch plan from its epoch 4: falling, never climbing back
    assert rates[4:] == pytest.approx([cosine(t, 8) for t in range(4, 8)], abs=1e-12)
    # the time report counts only the epochs this call trained
    assert "s for 4 epochs" in out and "(epochs 5-8; all 8 epochs:" in out


def test_resume_with_nothing_left_to_train_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    run = tmp_path / "d"
    assert main(["train", *SMALL, "--epochs", "2", "--out", str(tmp_path), "--name", "d"]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(run)]) == 2
    assert "already trained its 2 epochs; give --epochs N with N > 2" in capsys.readouterr().err
    assert main(["train", "--resume", str(run), "--epochs", "1"]) == 2
    assert "cannot resume" in capsys.readouterr().err
    assert json.loads((run / "config.json").read_text())["epochs"] == 2


def test_a_constant_step_schedule_continues_unchanged(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = [*SMALL, "--epochs", "2", "--schedule", "step", "--schedule-opt", "step_size=1"]
    assert main(["train", *args, "--out", str(tmp_path), "--name", "e"]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(tmp_path / "e"), "--epochs", "3", "--quiet"]) == 0
    assert "the learning rate continues as planned" in capsys.readouterr().out
    assert lrs(tmp_path / "e") == pytest.approx([1e-3, 1e-4, 1e-5])
