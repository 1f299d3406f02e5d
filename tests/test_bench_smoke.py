"""The benchmark runner: a smoke run of every workload's kobai side, and its arithmetic.

No assertion here is about speed (the machines are noisy); the smoke run checks that every
workload runs, trains and reports, and the summary test checks the ratios, the choice of
PyTorch's fastest setting, the targets and the GEMM bound on made-up numbers.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.suite import WORKLOADS  # noqa: E402
from bench.workloads._common import gemm_flops_per_mlp_step  # noqa: E402


def test_quick_run_of_every_workload_without_torch(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--no-torch", "--reps", "1"]
        + ["--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PyTorch side skipped" in proc.stdout
    results = json.loads(out.read_text())
    summary = results["summary"]
    assert list(summary) == [w.name for w in WORKLOADS]
    for workload in WORKLOADS:
        entry = summary[workload.name]
        if workload.rss:
            assert entry["peak_rss_mb"]["kobai"] > 10
        else:
            assert entry["peak_rss_mb"] == {"kobai": None, "torch": None}
        for metric in workload.metrics:
            measured = entry["metrics"][metric.key]
            assert measured["torch"] is None and measured["ratio"] is None
            assert math.isfinite(measured["kobai"]["median"]) and measured["kobai"]["median"] > 0
    for name in ("mlp_sgd", "mlp_adam", "conv_ae"):
        info = summary[name]["info"]["kobai"]
        assert math.isfinite(info["loss_first"]) and math.isfinite(info["loss_last"])
    assert summary["mlp_sgd"]["gemm_bound"]["fraction"] > 0
    assert "| Workload | Metric | kobai | PyTorch | kobai/PyTorch | Target |" in proc.stdout
    # Both timing methods of the MLP, each in a process of its own.
    assert set(results["raw"]["mlp_adam"]["kobai"][0]["results"]["kobai"]) == {
        "steps_per_s",
        "steps_per_s_blocks",
    }
    for name in ("moons_sgd", "moons_adam"):
        info = summary[name]["info"]["kobai"]
        assert info["steps"] == 3 and math.isfinite(info["loss_last"])  # 1 warm-up, 2 timed
    ensemble = summary["ensemble"]["info"]["kobai"]
    assert ensemble["members"] == 64 and ensemble["diverged"] == 0
    # One epoch in a quick run; its mean loss is well below chance (ln 2 = 0.693).
    assert ensemble["loss_last"] < 0.6
    assert summary["startup"]["info"]["kobai"]["runs"] == 2  # each command, after an untimed run
    assert (tmp_path / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "scaling figure written to" in proc.stdout


def run(results: dict, rss: float = 100.0) -> dict:
    return {"results": results, "peak_rss_mb": rss, "info": {}}


def test_summary_ratios_best_setting_targets_and_gemm_bound() -> None:
    raw = {
        "gemm": {
            "kobai": [run({"kobai": {"gflops": g}}) for g in (100.0, 200.0, 300.0)],
            "torch": [run({"torch": {"gflops": 250.0}})],
        },
        "mlp_sgd": {
            "kobai": [run({"kobai": {"steps_per_s": s}}, rss=60) for s in (900.0, 1000.0)],
            "torch": [
                run({"default": {"steps_per_s": 600.0}, "fused": {"steps_per_s": 800.0}}, 300),
                run({"default": {"steps_per_s": 700.0}, "fused": {"steps_per_s": 760.0}}, 300),
            ],
        },
        "grid": {
            "kobai": [run({"kobai": {"grid_s": 0.2}})],
            "torch": [run({"torch": {"grid_s": 0.1}}), {"error": "crashed"}],
        },
    }
    summary = report.summarise(raw)
    assert summary["gemm"]["metrics"]["gflops"]["kobai"] == {
        "median": 200.0,
        "min": 100.0,
        "max": 300.0,
        "n": 3,
    }
    sgd = summary["mlp_sgd"]["metrics"]["steps_per_s"]
    assert sgd["torch_setting"] == "fused" and sgd["torch"]["median"] == pytest.approx(780.0)
    assert sgd["ratio"] == pytest.approx(950.0 / 780.0)
    assert sgd["met"] is False  # 1.22x < 1.3x
    bound = 200.0e9 / gemm_flops_per_mlp_step()
    assert summary["mlp_sgd"]["gemm_bound"]["fraction"] == pytest.approx(950.0 / bound)
    assert summary["mlp_sgd"]["peak_rss_mb"] == {"kobai": 60.0, "torch": 300.0, "met": True}
    grid = summary["grid"]["metrics"]["grid_s"]
    # A time: the ratio is PyTorch's time over kobai's, and the absolute limit decides.
    assert grid["ratio"] == pytest.approx(0.5) and grid["met"] is True
    assert report.has_errors(raw)
    table = report.table(summary, _meta())
    assert "| 1.22x | >= 1.3x **no** |" in table and "780 (760..800) fused" in table


def _meta() -> dict:
    return {
        "command": "python -m bench",
        "started": "2026-01-01T00:00:00+00:00",
        "reps": 2,
        "threads": 2,
        "torch": "PyTorch 2.13.0",
        "load_average_before": (0.1, 0.1, 0.1),
        "load_average_after": (0.2, 0.1, 0.1),
        "machine": {"cpu": "test CPU", "cores": 2, "numpy": "2.0"},
    }


def test_weights_of_the_gemm_bound() -> None:
    # 784*256 + 256*256 + 256*10 weights, 6 FLOPs each per sample, batch 128.
    assert gemm_flops_per_mlp_step() == 6 * 268_800 * 128


def test_a_side_of_several_processes_is_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import run as runner

    def fake(python: str, module: str, config: dict, threads: int) -> dict:
        name = config.get("setting", "all")
        rss = {"default": 300.0, "fused": 320.0}.get(name, 310.0)
        if name == "all":
            values = {"default": {"steps_per_s_blocks": 5.0}, "fused": {"steps_per_s_blocks": 6}}
            return {"results": values, "peak_rss_mb": rss, "info": {"torch": "2"}}
        return {"results": {name: {"steps_per_s": 1.0}}, "peak_rss_mb": rss, "info": {}}

    monkeypatch.setattr(runner, "run_workload", fake)
    runs = ({"setting": "default"}, {"setting": "fused"}, {})
    merged = runner.run_side("python", "torch_mlp", {}, runs, 2)
    assert merged["results"] == {
        "default": {"steps_per_s": 1.0, "steps_per_s_blocks": 5.0},
        "fused": {"steps_per_s": 1.0, "steps_per_s_blocks": 6},
    }
    assert merged["peak_rss_mb"] == 320.0 and merged["info"] == {"torch": "2"}
    # A failing process fails the side.
    monkeypatch.setattr(runner, "run_workload", lambda *a: {"error": "exited with 1"})
    assert runner.run_side("python", "torch_mlp", {}, runs, 2) == {"error": "exited with 1"}


def test_each_method_compares_with_its_own_pytorch_figures() -> None:
    torch = run({"default": {"steps_per_s": 400.0, "steps_per_s_blocks": 600.0},
                 "fused": {"steps_per_s": 500.0}})  # fmt: skip
    raw = {
        "mlp_sgd": {
            "kobai": [run({"kobai": {"steps_per_s": 450.0, "steps_per_s_blocks": 660.0}})],
            "torch": [torch],
        }
    }
    metrics = report.summarise(raw)["mlp_sgd"]["metrics"]
    assert metrics["steps_per_s"]["torch_setting"] == "fused"
    assert metrics["steps_per_s"]["ratio"] == pytest.approx(0.9)
    assert metrics["steps_per_s_blocks"]["torch_setting"] == "default"
    assert metrics["steps_per_s_blocks"]["ratio"] == pytest.approx(1.1)


def test_the_scaling_figure_shows_the_ratio_where_pytorch_ran(tmp_path: Path) -> None:
    from bench.figure import cell_medians, grid, scaling_figure

    kobai = [run({"kobai": {"w64_b1": 100.0, "w2048_b1024": 2.0}}),
             run({"kobai": {"w64_b1": 300.0, "w2048_b1024": 4.0}})]  # fmt: skip
    torch = [run({"torch": {"w64_b1": 50.0, "w2048_b1024": 6.0}})]
    medians = cell_medians(kobai)
    assert medians == {"w64_b1": 200.0, "w2048_b1024": 3.0}
    values = grid(medians)
    assert values.shape == (6, 6) and values[0, 0] == 200.0 and values[-1, -1] == 3.0
    assert np.isnan(values).sum() == 34
    path = scaling_figure({"kobai": kobai, "torch": torch}, tmp_path / "scaling.png")
    assert path == tmp_path / "scaling.png" and path.stat().st_size > 10_000
    assert scaling_figure({"kobai": [{"error": "x"}]}, tmp_path / "none.png") is None
