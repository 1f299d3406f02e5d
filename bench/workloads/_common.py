"""What every workload script shares: its configuration, the timing loop and the result line.

Standard library and NumPy only, so that both sides (kobai's Python and PyTorch's) can import
it. A workload is run as ``python -m bench.workloads.<name> --config JSON`` with the thread
variables (``OMP_NUM_THREADS`` and friends) already set by the runner, and prints one line
``BENCH_RESULT {...}`` with its measurements.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

RESULT_PREFIX = "BENCH_RESULT "
MLP_SIZES = (784, 256, 256, 10)
MLP_BATCH = 128
CONV_BATCH = 64
INFER_BATCH = 1024
TINY_SIZES = (2, 16, 16, 2)  # the tiny MLP on the two moons
TINY_BATCH = 32
MOONS = 1024  # samples of the two moons the runner saves
ENSEMBLE = 64  # members of the ensemble workload
# The scaling sweep: MLP 784-width-width-10 with Adam, steps/s over widths and batch sizes.
SCALING_WIDTHS = (64, 128, 256, 512, 1024, 2048)
SCALING_BATCHES = (1, 4, 16, 64, 256, 1024)
SCALING_CELL_S = 0.15  # timed seconds per cell (at least 3 steps): ~25 s a repetition
GRID = 201  # the single-neuron loss grid: GRID x GRID values of (w, b) in [-LIMIT, LIMIT]
GRID_LIMIT = 5.0
GRID_CHUNK = 8  # grid rows per pass: 8 * 201 * 1000 float32 = 6.4 MB, which stays in cache


def read_config() -> dict[str, Any]:
    """The ``--config`` JSON given by the runner."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True, help="the workload's settings, as JSON")
    return dict(json.loads(parser.parse_args().config))


def load_mnist(config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The bundled MNIST subset the runner saved: images (N, 784) float32, labels (N,) int64."""
    folder = Path(config["data"])
    return np.load(folder / "mnist_x.npy"), np.load(folder / "mnist_y.npy")


def load_moons(config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The two moons the runner saved: points (N, 2) float32, labels (N,) int64."""
    folder = Path(config["data"])
    return np.load(folder / "moons_x.npy"), np.load(folder / "moons_y.npy")


def training_data(config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, tuple, int]:
    """Images and labels, layer sizes and batch of the MLP workload ``config["net"]``:
    "mnist" (784-256-256-10, batch 128, the default) or "moons" (2-16-16-2, batch 32)."""
    net = config.get("net", "mnist")
    if net == "mnist":
        return (*load_mnist(config), MLP_SIZES, MLP_BATCH)
    elif net == "moons":
        return (*load_moons(config), TINY_SIZES, TINY_BATCH)
    else:
        raise ValueError(f"net must be 'mnist' or 'moons', got {net!r}")


def load_neuron(config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The single-neuron data set the runner saved: inputs and targets, (N,) float32 each."""
    folder = Path(config["data"])
    return np.load(folder / "neuron_x.npy"), np.load(folder / "neuron_t.npy")


def batches(x: np.ndarray, y: np.ndarray, size: int) -> Callable[[], tuple[Any, Any]]:
    """A function giving the next batch ``(x, y)``, cycling in order through the data."""
    count = len(x) // size
    pairs = [(x[i * size : (i + 1) * size], y[i * size : (i + 1) * size]) for i in range(count)]
    state = {"i": -1}

    def next_batch() -> tuple[Any, Any]:
        state["i"] = (state["i"] + 1) % count
        return pairs[state["i"]]

    return next_batch


def gathered_batches(
    x: Any, y: Any, size: int, *, take: Callable[[Any, np.ndarray], Any], seed: int = 0
) -> Callable[[], tuple[Any, Any]]:
    """A function giving the next batch as a user's loop makes it: ``x[idx], y[idx]`` with
    ``idx`` the next ``size`` entries of a fresh permutation every epoch (the same
    permutations on both sides: NumPy's generator seeded with ``seed``). ``take(array,
    idx)`` gathers (``array[idx]``, with ``idx`` turned into the library's index type)."""
    rng = np.random.default_rng(seed)
    count = len(x) // size
    state: dict[str, Any] = {"i": count, "order": None}

    def next_batch() -> tuple[Any, Any]:
        if state["i"] == count:
            state["order"], state["i"] = rng.permutation(len(x)), 0
        idx = state["order"][state["i"] * size : (state["i"] + 1) * size]
        state["i"] += 1
        return take(x, idx), take(y, idx)

    return next_batch


def time_loop(step: Callable[[], Any], timing: dict[str, Any]) -> float:
    """Seconds per step as a user's training loop sees them: ``loop_warmup`` steps, then the
    wall time of ``loop_steps`` consecutive steps (no blocks, no median: a slow step counts)."""
    for _ in range(int(timing["loop_warmup"])):
        step()
    n = int(timing["loop_steps"])
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


def scaling_cells(config: dict[str, Any]) -> list[tuple[int, int]]:
    """The (width, batch) cells of the scaling sweep: the whole grid, or its corners in a
    quick run."""
    if config["timing"].get("steps") is not None:
        return [(w, b) for w in SCALING_WIDTHS[::5] for b in SCALING_BATCHES[::5]]
    return [(w, b) for w in SCALING_WIDTHS for b in SCALING_BATCHES]


def cell_key(width: int, batch: int) -> str:
    return f"w{width}_b{batch}"


def time_cell(step: Callable[[], Any], timing: dict[str, Any]) -> float:
    """Seconds per step of one cell: 2 warm-up steps, then consecutive steps for about
    ``SCALING_CELL_S`` seconds (3 at least; 1 in a quick run), wall time."""
    quick = timing.get("steps") is not None
    for _ in range(1 if quick else 2):
        step()
    start, steps = time.perf_counter(), 0
    while steps < (1 if quick else 3) or (
        not quick and time.perf_counter() - start < SCALING_CELL_S
    ):
        step()
        steps += 1
    return (time.perf_counter() - start) / steps


def training_step(
    model: Any,
    optimizer: Any,
    loss_fn: Any,
    next_batch: Callable[[], tuple[Any, Any]],
    losses: list[float],
    *,
    autoencoder: bool = False,
    wrap: Callable[[Any], Any] | None = None,
) -> Callable[[], None]:
    """One training step as both libraries write it (their APIs agree): zero the gradients,
    forward, loss (against the input itself for an autoencoder), backward, update; the loss
    is kept so that both sides can be checked to learn. ``wrap`` turns a batch into the
    library's tensor where the model needs one."""

    def step() -> None:
        xb, yb = next_batch()
        optimizer.zero_grad()
        loss = loss_fn(model(wrap(xb) if wrap else xb), xb if autoencoder else yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    return step


def time_variants(steps: dict[str, Callable[[], Any]], timing: dict[str, Any]) -> dict[str, float]:
    """Seconds per call of each function: the median over timed blocks.

    The blocks of the variants take turns (round robin), so that a change in the machine's
    load hits them all alike. ``timing`` holds either ``warmup_s``, ``block_s`` and ``blocks``
    (blocks sized to last about ``block_s`` seconds) or ``steps`` (a fixed count per block,
    for smoke runs), with ``warmup_steps`` and ``blocks``.
    """
    sizes: dict[str, int] = {}
    for name, step in steps.items():
        sizes[name] = _warm_up(step, timing)
    per_step: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(int(timing["blocks"])):
        for name, step in steps.items():
            n = sizes[name]
            start = time.perf_counter()
            for _ in range(n):
                step()
            per_step[name].append((time.perf_counter() - start) / n)
    return {name: float(np.median(values)) for name, values in per_step.items()}


def _warm_up(step: Callable[[], Any], timing: dict[str, Any]) -> int:
    """Run ``step`` until warm; return how many calls make one timed block."""
    if "steps" in timing:
        for _ in range(int(timing.get("warmup_steps", 1))):
            step()
        return max(1, int(timing["steps"]))
    calls, start = 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - start < float(timing["warmup_s"]):
        step()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    return max(1, round(float(timing["block_s"]) / per_call))


def peak_rss_mb() -> float:
    """The process's peak resident memory in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def emit(results: dict[str, dict[str, float]], **info: Any) -> None:
    """Print the result line: ``{variant: {metric: value}}``, peak RSS and extra information."""
    payload = {"results": results, "peak_rss_mb": peak_rss_mb(), "info": info}
    print(RESULT_PREFIX + json.dumps(payload), flush=True)


def steps_key(config: dict[str, Any]) -> str:
    """The metric a training workload reports: ``steps_per_s`` for the user's loop,
    ``steps_per_s_blocks`` for the median of blocks."""
    return "steps_per_s" if config.get("method", "blocks") == "loop" else "steps_per_s_blocks"


def emit_training(
    seconds: dict[str, float], losses: list[float], *, key: str = "steps_per_s", **info: Any
) -> None:
    """Print the training steps per second of each variant (as metric ``key``), with the mean
    loss of the first and of the last 20 steps in ``losses`` (both sides show that they
    learn)."""
    emit(
        {name: {key: 1.0 / s} for name, s in seconds.items()},
        loss_first=float(np.mean(losses[:20])),
        loss_last=float(np.mean(losses[-20:])),
        **info,
    )


def gemm_flops_per_mlp_step(sizes: tuple[int, ...] = MLP_SIZES, batch: int = MLP_BATCH) -> int:
    """The GEMM lower bound's work: 6 * weights * batch (2 forward, 4 backward per weight)."""
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return 6 * weights * batch
