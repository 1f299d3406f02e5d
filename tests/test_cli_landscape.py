"""``kobai landscape`` and ``kobai curves`` as a user runs them, headless."""

from pathlib import Path

import pytest

from kobai.cli.main import main

TINY = ["--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "3", "--quiet"]


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 300 and height > 200


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("runs")
    assert main(["train", *TINY, "--save-every-epoch", "--out", str(root), "--name", "saved"]) == 0
    assert main(["train", *TINY, "--optimizer", "sgd", "--out", str(root), "--name", "plain"]) == 0
    return root


def test_landscape_writes_every_figure(runs: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "figs"
    assert main(["landscape", str(runs / "saved"), "--resolution", "5", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "PCA of the training path (4 points)" in printed and str(out / "contour.png") in printed
    for name in ("slice", "interpolation", "contour", "surface"):
        assert_png(out / f"{name}.png")
        assert (out / f"{name}.svg").read_text().lstrip().startswith("<?xml")
    assert (out / "landscape.npz").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "pca"], "kobai train --save-every-epoch"),
        (["--resolution", "300000"], "GiB of memory"),
        (["--max-minutes", "0"], "--max-minutes must be > 0"),
    ],
)
def test_landscape_bad_input(runs: Path, capsys, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    assert main(["landscape", str(runs / "plain"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kobai landscape: error: ") and message in err
    assert err.count("\n") == 1


def test_landscape_of_something_that_is_not_a_run(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["landscape", str(tmp_path)]) == 2
    assert "is not a run directory" in capsys.readouterr().err


def test_curves_compare_runs(runs: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    dirs = [str(runs / "saved"), str(runs / "plain")]
    assert main(["curves", *dirs, "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "against epoch" in printed and "against time" in printed
    assert_png(tmp_path / "curves_epoch.png")
    assert_png(tmp_path / "curves_time.png")
    assert (
        main(["curves", *dirs, "--labels", "a,b", "--x", "time", "--out", str(tmp_path / "t")]) == 0
    )
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "curves_time.png",
        "curves_time.svg",
    ]


def test_curves_bad_input(runs: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["curves", str(runs / "saved"), "--labels", "a,b"]) == 2
    assert "--labels has 2 label(s) for 1 run(s)" in capsys.readouterr().err
    assert main(["curves", str(tmp_path)]) == 2
    assert "no history.json" in capsys.readouterr().err
    assert main(["curves", str(tmp_path / "nowhere")]) == 2
    assert "no run directory at" in capsys.readouterr().err


def test_with_no_run_dir_both_commands_take_the_latest_runs(
    runs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    assert main(["curves"]) == 2
    assert "no RUN_DIR given and no run directory in runs/" in capsys.readouterr().err
    assert main(["landscape"]) == 2
    assert "train one first with `kobai train`" in capsys.readouterr().err
    (tmp_path / "runs").symlink_to(runs)
    assert main(["curves", "--x", "epoch", "--out", "figs"]) == 0
    assert_png(tmp_path / "figs" / "curves_epoch.png")
    capsys.readouterr()
    assert main(["landscape", "--resolution", "3", "--samples", "50"]) == 0
    printed = capsys.readouterr().out
    assert "mlp:8 on moons, sgd, 50 train samples" in printed  # "plain", trained last
    assert "random directions" in printed and "--save-every-epoch" in printed
    assert_png(runs / "plain" / "landscape" / "contour.png")  # into the run directory


def test_the_surface_bar_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from kobai.cli.landscape import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert _progress(5) is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    bar = _progress(5)
    try:
        assert bar.total == 25 and bar.unit == "point" and bar.desc == "surface"
    finally:
        bar.close()
    assert _progress(1) is None
