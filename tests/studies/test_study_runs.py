"""Every study, run with --quick from the command line, writes a complete report."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kobai.studies

STUDIES = [
    "vanishing-gradients",
    "batch-modes",
    "numerical-vs-backprop",
    "learning-rate",
    "optimizers",
    "local-minima",
    "edge-of-stability",
    "curvature",
]


def _kobai(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # One BLAS thread: the studies use small matrices, and two threads crawl when the other
    # core is busy running other tests.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "kobai", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def every_study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("studies")
    done = _kobai("study", "all", "--quick", "--quiet", "--out", str(out), cwd=out)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_the_registry_lists_the_studies_of_the_issue() -> None:
    assert kobai.studies.available() == STUDIES
    with pytest.raises(ValueError, match="valid names: vanishing-gradients"):
        kobai.studies.get("vanishing")


@pytest.mark.parametrize("name", STUDIES)
def test_quick_run_writes_every_file(every_study: tuple[Path, str], name: str) -> None:
    folder = every_study[0] / name
    for pattern in ("*.csv", "*.png", "*.svg", "report.md", "report.html", "headlines.json"):
        files = list(folder.glob(pattern))
        assert files, f"{name}: no {pattern}"
        assert all(f.stat().st_size > 0 for f in files), f"{name}: an empty {pattern}"
    pngs = sorted(f.name for f in folder.glob("*.png"))
    assert sorted(f.with_suffix(".png").name for f in folder.glob("*.svg")) == pngs
    html = (folder / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == len(pngs)
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the page must not load anything"
    assert "http://" not in html and "https://" not in html
    markdown = (folder / "report.md").read_text()
    assert all(f"]({png})" in markdown for png in pngs)
    assert "## Headline numbers" in markdown and "## What these quick numbers say" in markdown
    # a quick run says first that it cannot conclude anything
    assert markdown.split("\n\n")[2].startswith("**QUICK RUN: settings too small to conclude")
    headlines = json.loads((folder / "headlines.json").read_text())
    assert headlines["study"] == name and headlines["quick"] is True
    assert headlines["headlines"] or headlines["summaries"]


def test_headlines_are_printed(every_study: tuple[Path, str]) -> None:
    printed = every_study[1]
    assert printed.count("report: ") == len(STUDIES)
    assert printed.count("\n  QUICK RUN: settings too small to conclude anything") == len(STUDIES)
    assert re.search(r"max of sigmoid'\(x\)\s+0\.25\n", printed)
    assert "forward passes per backprop gradient" in printed


def test_all_writes_an_index_of_the_reports(every_study: tuple[Path, str]) -> None:
    out, printed = every_study
    index = (out / "index.html").read_text()
    assert all(f'<a href="{name}/report.html">{name}</a>' in index for name in STUDIES)
    assert "QUICK RUN" in index and f"index of the reports: {out / 'index.html'}" in printed


def test_all_shows_which_study_runs(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from kobai.cli.main import main
    from kobai.studies.base import StudyResult

    def instant(name, *, quick, out, seed, verbose):  # type: ignore[no-untyped-def]
        print(f"  [{name}] working", file=sys.stderr)
        return StudyResult(name, kobai.studies.get(name).title, out, seed, quick, 0.5)

    monkeypatch.setattr(kobai.studies, "run", instant)
    assert main(["study", "all", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    starts = [line for line in lines if line.startswith("[")]
    n = len(kobai.studies.available())
    assert starts[0] == f"[1/{n}] vanishing-gradients: " + kobai.studies.get(STUDIES[0]).title
    assert [line.split("]")[0] for line in starts] == [f"[{i}/{n}" for i in range(1, n + 1)]
    assert (tmp_path / "index.html").exists()


def test_python_api_returns_the_headlines(tmp_path: Path) -> None:
    result = kobai.studies.run("numerical-vs-backprop", quick=True, out=tmp_path, seed=3)
    assert result.report == tmp_path / "report.html" and result.report.exists()
    assert result["backprop_passes"] == 1
    assert result["numerical_passes"] == 2 * result["parameters"] + 1
    assert result["norm_relative_difference"] < 1e-6
    assert result["trained_parameter_difference"] < 1e-6
    assert all(path.exists() for path in result.files)
    assert "numerical-vs-backprop" in result.summary() or "Numerical" in result.summary()


def test_cli_lists_and_refuses(tmp_path: Path) -> None:
    listed = _kobai("study", "--list", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.splitlines()[0].startswith("vanishing-grad")
    bad = _kobai("study", "nope", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown study 'nope'" in bad.stderr
    negative = _kobai("study", "batch-modes", "--seed", "-1", cwd=tmp_path)
    assert negative.returncode == 2 and "--seed must be >= 0" in negative.stderr


def test_the_vanishing_study_reports_its_networks_as_it_goes(
    tmp_path: Path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from kobai.studies import vanishing
    from kobai.studies.base import Context

    monkeypatch.setattr(vanishing, "_network", lambda *a: None)
    monkeypatch.setattr(vanishing, "layer_gradient_norms", lambda *a: {"0": 1.0, "1": 1.0})
    monkeypatch.setattr(
        vanishing, "_first_epoch",
        lambda *a: {"norms": {}, "loss": 1.0, "accuracy": 0.5, "status": "ok"},
    )  # fmt: skip
    study = kobai.studies.get("vanishing-gradients")
    ctx = Context(study, out=tmp_path, seed=0, quick=True, verbose=True)
    assert len(vanishing.measure(ctx, (None, None), (None, None))) == 48
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "  [vanishing-gradients] network 1/48: depth 5, sigmoid"
    assert len(lines) == 6 and lines[-1].endswith("network 41/48: depth 10, relu")
