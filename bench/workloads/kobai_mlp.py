"""kobai: training steps of the MLP 784-256-256-10 (ReLU, softmax cross-entropy, batch 128).

Or, with ``net`` "moons", of the tiny MLP 2-16-16-2 on the two moons (batch 32).
Config: ``optimizer`` ("sgd", lr 0.1, or "adam", lr 1e-3; ``lr`` to change), ``method``
("loop": a fresh model and optimizer, consecutive steps that gather their batch ``x[idx]``,
wall time; "blocks": the median of timed blocks over pre-cut batches), ``timing``, ``data``.
"""

from __future__ import annotations

from typing import Any

import kobai as kb
from bench.workloads import _common as C
from bench.workloads._kobai import setup
from kobai import nn, optim


def mlp(rng: int = 0, sizes: tuple[int, ...] = C.MLP_SIZES) -> nn.Sequential:
    """The benchmark's network (ReLU between the layers), float32, PyTorch's default
    initialisation."""
    layers: list[nn.Module] = []
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers += [nn.Linear(fan_in, fan_out, rng=rng + k), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def make_optimizer(name: str, params: Any, lr: float | None = None) -> optim.Optimizer:
    if name == "sgd":
        return optim.SGD(params, lr=lr or 0.1)
    elif name == "adam":
        return optim.Adam(params, lr=lr or 1e-3)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")


def main() -> None:
    config = C.read_config()
    setup()
    x, y, sizes, batch = C.training_data(config)
    loop = config.get("method", "blocks") == "loop"
    if loop:
        next_batch = C.gathered_batches(x, y, batch, take=lambda a, idx: a[idx])
    else:
        next_batch = C.batches(x, y, batch)
    model = mlp(sizes=sizes)
    opt = make_optimizer(config["optimizer"], model.parameters(), config.get("lr"))
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
