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
    assert "## Headline numbers" in markdown and "## What the numbers say" in markdown
    headlines = json.loads((folder / "headlines.json").read_text())
    assert headlines["study"] == name and headlines["quick"] is True
    assert headlines["headlines"] or headlines["summaries"]


def test_headlines_are_printed(every_study: tuple[Path, str]) -> None:
    printed = every_study[1]
    assert printed.count("report: ") == len(STUDIES)
    assert re.search(r"max of sigmoid'\(x\)\s+0\.25\n", printed)
    assert "forward passes per backprop gradient" in printed


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
