"""kobai: training steps of the MLP 784-256-256-10 (ReLU, softmax cross-entropy, batch 128).

Config: ``optimizer`` ("sgd", lr 0.1, or "adam", lr 1e-3), ``method`` ("loop": a fresh model
and optimizer, consecutive steps that gather their batch ``x[idx]``, wall time; "blocks": the
median of timed blocks over pre-cut batches), ``timing``, ``data``.
"""

from __future__ import annotations

from typing import Any

import kobai as kb
from bench.workloads import _common as C
from bench.workloads._kobai import setup
from kobai import nn, optim


def mlp(rng: int = 0) -> nn.Sequential:
    """The benchmark's network, float32, PyTorch's default initialisation."""
    a, h1, h2, out = C.MLP_SIZES
    return nn.Sequential(
        nn.Linear(a, h1, rng=rng),
        nn.ReLU(),
        nn.Linear(h1, h2, rng=rng + 1),
        nn.ReLU(),
        nn.Linear(h2, out, rng=rng + 2),
    )


def make_optimizer(name: str, params: Any) -> optim.Optimizer:
    if name == "sgd":
        return optim.SGD(params, lr=0.1)
    elif name == "adam":
        return optim.Adam(params, lr=1e-3)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")


def main() -> None:
    config = C.read_config()
    setup()
    x, y = C.load_mnist(config)
    loop = config.get("method", "blocks") == "loop"
    if loop:
        next_batch = C.gathered_batches(x, y, C.MLP_BATCH, take=lambda a, idx: a[idx])
    else:
        next_batch = C.batches(x, y, C.MLP_BATCH)
    model = mlp()
    opt = make_optimizer(config["optimizer"], model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    losses: list[float] = []

    step = C.training_step(model, opt, loss_fn, next_batch, losses, wrap=kb.Tensor)

    if loop:
        seconds = {"kobai": C.time_loop(step, config["timing"])}
    else:
        seconds = C.time_variants({"kobai": step}, config["timing"])
    C.emit_training(seconds, losses, key=C.steps_key(config), steps=len(losses))


if __name__ == "__main__":
    main()
