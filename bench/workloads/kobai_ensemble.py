"""kobai: 64 tiny MLPs 2-16-16-2 (different seeds) trained together on the two moons.

:func:`kobai.ensemble.fit_ensemble` does the forward and backward passes of all members as
batched matrix products and one optimizer step over their stacked parameters; every member
shuffles with its own generator and keeps its own history (loss, accuracy, gradient norms).
Timed as a user runs it: a fresh ensemble (its models and optimizers built before the clock
starts, as PyTorch's are), about ``loop_steps`` steps in whole epochs of batch 32 (32 steps
each), wall time, after one warm-up epoch of another ensemble. One step is
a step of every member.
Config: ``optimizer`` ("sgd", lr 0.1, or "adam", lr 1e-2), ``timing``, ``data``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

import kobai as kb
from bench.workloads import _common as C
from bench.workloads._kobai import setup
from bench.workloads.kobai_mlp import make_optimizer, mlp
from kobai import nn

LR = {"sgd": 0.1, "adam": 1e-2}


def train(x: np.ndarray, y: np.ndarray, optimizer: str, epochs: int) -> tuple[float, Any]:
    """Seconds for ``epochs`` epochs of a fresh ensemble, and what it returned. The 64
    models and optimizers are built before the clock starts, as on PyTorch's side; the
    clock covers the whole of ``fit_ensemble`` (stacking the parameters included)."""
    models = [mlp(rng=3 * seed, sizes=C.TINY_SIZES) for seed in range(C.ENSEMBLE)]
    opts = [make_optimizer(optimizer, m.parameters(), LR[optimizer]) for m in models]
    rngs = [np.random.default_rng(seed) for seed in range(C.ENSEMBLE)]
    start = time.perf_counter()
    result = kb.ensemble.fit_ensemble(
        models, (x, y), optimizers=opts, rngs=rngs, loss=nn.CrossEntropyLoss(),
        batch_size=C.TINY_BATCH, epochs=epochs,
    )  # fmt: skip
    return time.perf_counter() - start, result


def ensemble_epochs(timing: dict[str, Any], samples: int) -> int:
    """Epochs of the timed run: about ``loop_steps`` steps, at least one epoch."""
    return max(1, int(timing["loop_steps"]) // (samples // C.TINY_BATCH))


def main() -> None:
    config = C.read_config()
    setup()
    x, y = C.load_moons(config)
    train(x, y, config["optimizer"], 1)
    epochs = ensemble_epochs(config["timing"], len(x))
    seconds, result = train(x, y, config["optimizer"], epochs)
    steps = epochs * (len(x) // C.TINY_BATCH)
    first = [h.epochs[0]["train_loss"] for h in result.histories]
    last = [h.epochs[-1]["train_loss"] for h in result.histories]
    C.emit(
        {"kobai": {"steps_per_s": steps / seconds}},
        members=C.ENSEMBLE,
        loss_first=float(np.mean(first)),
        loss_last=float(np.mean(last)),
        diverged=sum(d is not None for d in result.diverged),
    )


if __name__ == "__main__":
    main()
