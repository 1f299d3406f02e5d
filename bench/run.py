"""The benchmark runner: kobai and PyTorch side by side, each workload in its own subprocess.

Run it with the project's Python (the kobai side uses it)::

    python -m bench --torch-python /path/to/python-with-torch

Every repetition runs each workload once per side, kobai first in even repetitions and
PyTorch first in odd ones, so that drifts in the machine's load hit both alike. The table
gives the median over repetitions and the range (min..max); results go to a JSON file too.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench import report
from bench.suite import BY_NAME, WORKLOADS, Workload
from bench.workloads._common import RESULT_PREFIX

ROOT = Path(__file__).resolve().parent.parent
TORCH_ENV = "KOBAI_BENCH_TORCH_PYTHON"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Blocks: a warm-up, then the median of timed blocks. Loop: a user's training loop, the wall
# time of consecutive steps after a few warm-up steps.
TIMING = {"warmup_s": 0.5, "block_s": 0.25, "blocks": 7, "loop_warmup": 20, "loop_steps": 300}
QUICK_TIMING = {"warmup_steps": 1, "steps": 2, "blocks": 1, "loop_warmup": 1, "loop_steps": 2}
SCALING_FIGURE = "scaling.png"  # beside the results file
QUICK_CONFIG = {"sample": 4}  # finite differences and gradcheck of 4 values only


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--torch-python",
        help=f"a Python that can import torch (default: ${TORCH_ENV}, else this Python if it "
        "has torch; without one only the kobai side runs)",
    )
    parser.add_argument("--no-torch", action="store_true", help="run the kobai side only")
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--threads", type=int, default=2, help="threads per side (default 2)")
    parser.add_argument(
        "--only", nargs="+", choices=[w.name for w in WORKLOADS], help="workloads to run"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a few steps per workload (a smoke run, no timing)"
    )
    parser.add_argument(
        "--json", type=Path, default=ROOT / "bench" / "results.json", help="results file"
    )
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error(f"--reps must be >= 1, got {args.reps}")
    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    return args


def find_torch_python(args: argparse.Namespace) -> tuple[str | None, str]:
    """The Python that runs the PyTorch side (or None), and a line saying which and why."""
    if args.no_torch:
        return None, "PyTorch side skipped (--no-torch)"
    candidate = args.torch_python or os.environ.get(TORCH_ENV)
    if candidate is None and importlib.util.find_spec("torch") is not None:
        candidate = sys.executable
    if candidate is None:
        return None, (
            f"PyTorch not found: pass --torch-python or set {TORCH_ENV} to a Python with "
            "torch (pip install torch==2.13.0); running the kobai side only"
        )
    probe = subprocess.run(
        [candidate, "-c", "import torch; print(torch.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        raise SystemExit(f"bench: error: {candidate} cannot import torch")
    return candidate, f"PyTorch {probe.stdout.strip()} from {candidate}"


def prepare_data(folder: Path) -> None:
    """Save the data both sides train on: the bundled MNIST subset, a single neuron's and
    the two moons."""
    from bench.workloads._common import MOONS
    from kobai.data import load_mnist_subset, make_moons, make_single_neuron

    x, y = load_mnist_subset("train")
    np.save(folder / "mnist_x.npy", np.ascontiguousarray(x, dtype=np.float32))
    np.save(folder / "mnist_y.npy", y.astype(np.int64))
    nx, nt = make_single_neuron(1000, w=2.0, b=-1.0, noise=0.05, rng=0)
    np.save(folder / "neuron_x.npy", nx.reshape(-1).astype(np.float32))
    np.save(folder / "neuron_t.npy", nt.reshape(-1).astype(np.float32))
    mx, my = make_moons(MOONS, noise=0.2, rng=0)
    np.save(folder / "moons_x.npy", mx.astype(np.float32))
    np.save(folder / "moons_y.npy", my.astype(np.int64))


def child_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in THREAD_VARIABLES:
        env[name] = str(threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_workload(python: str, module: str, config: dict[str, Any], threads: int) -> dict:
    """Run one workload module in a subprocess; its result, or ``{"error": ...}``."""
    proc = subprocess.run(
        [python, "-m", f"bench.workloads.{module}", "--config", json.dumps(config)],
        cwd=ROOT,
        env=child_env(threads),
        capture_output=True,
        text=True,
        check=False,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return dict(json.loads(line[len(RESULT_PREFIX) :]))
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return {"error": f"{module} exited with {proc.returncode}: " + " | ".join(tail)}


def run_side(python: str, module: str, config: dict[str, Any], runs: tuple, threads: int) -> dict:
    """One side of a workload: a subprocess per entry of ``runs``, their results merged."""
    merged: dict[str, Any] = {"results": {}, "peak_rss_mb": 0.0, "info": {}}
    for extra in runs:
        result = run_workload(python, module, {**config, **extra}, threads)
        if "error" in result:
            return result
        for variant, measured in result["results"].items():
            merged["results"].setdefault(variant, {}).update(measured)
        merged["peak_rss_mb"] = max(merged["peak_rss_mb"], result["peak_rss_mb"])
        merged["info"] = {**result["info"], **merged["info"]}
    return merged


def sides_in_order(workload: Workload, torch_python: str | None, rep: int) -> list[tuple]:
    sides: list[tuple] = [("kobai", sys.executable, workload.kobai, workload.kobai_runs)]
    if torch_python is not None and workload.torch is not None:
        sides.append(("torch", torch_python, workload.torch, workload.torch_runs))
    return sides if rep % 2 == 0 else sides[::-1]


def collect(args: argparse.Namespace, torch_python: str | None, data: Path) -> dict[str, Any]:
    """Every run's result: ``{workload: {side: [result per repetition]}}``."""
    workloads = [BY_NAME[n] for n in args.only] if args.only else list(WORKLOADS)
    timing = QUICK_TIMING if args.quick else TIMING
    raw: dict[str, Any] = {w.name: {"kobai": [], "torch": []} for w in workloads}
    for rep in range(args.reps):
        for workload in workloads:
            config = {**workload.config, "threads": args.threads, "timing": timing}
            config["data"] = str(data)
            if args.quick:
                config.update(QUICK_CONFIG)
            for side, python, module, runs in sides_in_order(workload, torch_python, rep):
                result = run_side(python, module, config, runs, args.threads)
                if "error" in result:
                    print(f"bench: {workload.name} ({side}): {result['error']}", file=sys.stderr)
                raw[workload.name][side].append(result)
                print(f"  rep {rep + 1}/{args.reps} {workload.name:<10} {side:<6} done", flush=True)
    return raw


def machine() -> dict[str, Any]:
    model = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch_python, torch_line = find_torch_python(args)
    print(f"bench: {torch_line}", flush=True)
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="kobai-bench-") as folder:
        prepare_data(Path(folder))
        raw = collect(args, torch_python, Path(folder))
    summary = report.summarise(raw)
    meta = {
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "started": started.isoformat(timespec="seconds"),
        "reps": args.reps,
        "threads": args.threads,
        "quick": args.quick,
        "torch": torch_line,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "machine": machine(),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "summary": summary, "raw": raw}, indent=1))
    print()
    print(report.table(summary, meta))
    print(f"\nresults written to {args.json}")
    if "scaling" in raw:
        from bench.figure import scaling_figure

        drawn = scaling_figure(raw["scaling"], args.json.with_name(SCALING_FIGURE))
        print(f"scaling figure written to {drawn}" if drawn else "no scaling figure: no cells")
    return 1 if report.has_errors(raw) else 0
