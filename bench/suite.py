"""The workloads of the benchmark, what each measures and the targets kobai is held to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.workloads._common import SCALING_BATCHES, SCALING_WIDTHS


@dataclass(frozen=True)
class Metric:
    """One measured quantity of a workload.

    ``target`` is a speed ratio kobai/PyTorch (above 1: kobai faster) the quantity must reach;
    ``limit`` an absolute upper bound on kobai's value (for times).
    """

    key: str
    label: str
    unit: str
    higher_is_better: bool
    target: float | None = None
    limit: float | None = None


@dataclass(frozen=True)
class Workload:
    """A benchmark: one module per side, run as ``python -m bench.workloads.<module>``."""

    name: str
    title: str
    kobai: str
    torch: str | None
    metrics: tuple[Metric, ...]
    config: dict[str, Any] = field(default_factory=dict)
    # A reference without a PyTorch side of its own is compared with this workload's.
    compare_with: str | None = None
    # One subprocess per entry and side, each with the entry added to the config; their
    # results are merged (a PyTorch optimizer setting in a process of its own, say).
    kobai_runs: tuple[dict[str, Any], ...] = ({},)
    torch_runs: tuple[dict[str, Any], ...] = ({},)
    # False where the measuring process is not the measured one (start-up): no RSS row.
    rss: bool = True


STEPS = Metric("steps_per_s", "training steps/s", "steps/s", True)
# The MLP's training steps measured twice until the two methods agree: as a user's loop
# (a fresh model, consecutive steps gathering their batch, wall time; each PyTorch setting in
# a process of its own) and as the median of timed blocks (all settings in one process).
BLOCKS = Metric("steps_per_s_blocks", "training steps/s, median of blocks", "steps/s", True)
LOOP_RUNS = ({"method": "loop"}, {"method": "blocks"})
TORCH_LOOP_RUNS = (
    {"method": "loop", "setting": "default"},
    {"method": "loop", "setting": "foreach"},
    {"method": "loop", "setting": "fused"},
    {"method": "blocks"},
)

WORKLOADS: tuple[Workload, ...] = (
    Workload(
        "gemm",
        "float32 GEMM 1024x1024x1024",
        "kobai_gemm",
        "torch_gemm",
        (Metric("gflops", "GEMM speed", "GFLOP/s", True),),
        {"n": 1024},
    ),
    Workload(
        "mlp_sgd",
        "MLP 784-256-256-10 training, SGD lr 0.1, batch 128",
        "kobai_mlp",
        "torch_mlp",
        (Metric("steps_per_s", "training steps/s, user loop", "steps/s", True, target=1.3), BLOCKS),
        {"optimizer": "sgd"},
        kobai_runs=LOOP_RUNS,
        torch_runs=TORCH_LOOP_RUNS,
    ),
    Workload(
        "mlp_adam",
        "MLP 784-256-256-10 training, Adam lr 1e-3, batch 128",
        "kobai_mlp",
        "torch_mlp",
        (Metric("steps_per_s", "training steps/s, user loop", "steps/s", True, target=1.2), BLOCKS),
        {"optimizer": "adam"},
        kobai_runs=LOOP_RUNS,
        torch_runs=TORCH_LOOP_RUNS,
    ),
    Workload(
        "moons_sgd",
        "Tiny MLP 2-16-16-2 on the two moons, SGD lr 0.1, batch 32",
        "kobai_mlp",
        "torch_mlp",
        (Metric("steps_per_s", "training steps/s, user loop", "steps/s", True, target=3.0),),
        {"optimizer": "sgd", "net": "moons"},
        kobai_runs=({"method": "loop"},),
        torch_runs=TORCH_LOOP_RUNS[:3],
    ),
    Workload(
        "moons_adam",
        "Tiny MLP 2-16-16-2 on the two moons, Adam lr 1e-2, batch 32",
        "kobai_mlp",
        "torch_mlp",
        (Metric("steps_per_s", "training steps/s, user loop", "steps/s", True, target=3.0),),
        {"optimizer": "adam", "lr": 1e-2, "net": "moons"},
        kobai_runs=({"method": "loop"},),
        torch_runs=TORCH_LOOP_RUNS[:3],
    ),
    Workload(
        "ensemble",
        "64 tiny MLPs 2-16-16-2 together, Adam, batch 32: kobai.ensemble vs a loop of models",
        "kobai_ensemble",
        "torch_ensemble",
        (Metric("steps_per_s", "ensemble steps/s (all members)", "steps/s", True, target=20.0),),
        {"optimizer": "adam"},
        torch_runs=({"variant": "loop"},),
    ),
    Workload(
        "ensemble_vmap",
        "64 tiny MLPs 2-16-16-2 together, Adam, batch 32: kobai.ensemble vs torch.func.vmap",
        "kobai_ensemble",
        "torch_ensemble",
        (Metric("steps_per_s", "ensemble steps/s (all members)", "steps/s", True, target=2.0),),
        {"optimizer": "adam"},
        torch_runs=({"variant": "vmap"},),
    ),
    Workload(
        "scaling",
        "MLP 784-width-width-10 training, Adam, over widths and batch sizes (figure)",
        "kobai_scaling",
        "torch_scaling",
        tuple(
            Metric(f"w{w}_b{b}", f"width {w}, batch {b}", "steps/s", True)
            for w in (SCALING_WIDTHS[0], SCALING_WIDTHS[-1])
            for b in (SCALING_BATCHES[0], SCALING_BATCHES[-1])
        ),
    ),
    Workload(
        "mlp_numpy",
        "(reference) the same SGD step written by hand in NumPy",
        "numpy_mlp",
        None,
        (BLOCKS,),
        compare_with="mlp_sgd",
    ),
    Workload(
        "mlp_gemms",
        "(reference) the 8 matrix products of that step, alone",
        "numpy_gemms",
        "torch_gemms",
        (Metric("gemm_ms", "NumPy/OpenBLAS vs PyTorch/MKL", "ms", False),),
    ),
    Workload(
        "conv_ae",
        "Conv autoencoder 28x28 training, Adam, batch 64",
        "kobai_conv",
        "torch_conv",
        (Metric("steps_per_s", "training steps/s", "steps/s", True, target=0.8),),
    ),
    Workload(
        "mlp_infer",
        "MLP 784-256-256-10 inference, batch 1024",
        "kobai_infer",
        "torch_infer",
        (Metric("samples_per_s", "samples/s", "samples/s", True, target=1.0),),
    ),
    Workload(
        "numgrad",
        "MLP gradient: backprop vs finite differences",
        "kobai_numgrad",
        "torch_numgrad",
        (
            Metric("forward_ms", "forward pass, batch 128", "ms", False),
            Metric("backprop_ms", "backprop (forward + backward)", "ms", False),
            Metric("numgrad_full_s", "finite differences, all weights (from 256)", "s", False),
            Metric("numgrad_over_backprop", "finite differences / backprop", "x", False),
            Metric("gradcheck_s", "gradcheck float64, 256 biases", "s", False),
        ),
    ),
    Workload(
        "startup",
        "Start-up of a fresh process (bytecode cached), fastest of 9",
        "startup",
        "startup",
        (
            Metric("import_s", "import kobai / import torch", "s", False, limit=0.2),
            Metric("help_s", "kobai --help", "s", False, limit=0.3),
            Metric("numpy_import_s", "(reference) import numpy", "s", False),
        ),
        kobai_runs=({"library": "kobai"},),
        torch_runs=({"library": "torch"},),
        rss=False,
    ),
    Workload(
        "grid",
        "Single-neuron loss over a 201x201 (w, b) grid, 1,000 points",
        "kobai_grid",
        "torch_grid",
        (Metric("grid_s", "loss grid", "s", False, limit=0.5),),
    ),
)

BY_NAME = {w.name: w for w in WORKLOADS}
