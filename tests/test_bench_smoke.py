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
        assert entry["peak_rss_mb"]["kobai"] > 10
        for metric in workload.metrics:
            measured = entry["metrics"][metric.key]
            assert measured["torch"] is None and measured["ratio"] is None
            assert math.isfinite(measured["kobai"]["median"]) and measured["kobai"]["median"] > 0
    for name in ("mlp_sgd", "mlp_adam", "conv_ae"):
        info = summary[name]["info"]["kobai"]
        assert math.isfinite(info["loss_first"]) and math.isfinite(info["loss_last"])
    assert summary["mlp_sgd"]["gemm_bound"]["fraction"] > 0
    assert "| Workload | Metric | kobai | PyTorch | kobai/PyTorch | Target |" in proc.stdout


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
