"""PyTorch: training steps of the MLP 784-256-256-10 (ReLU, softmax cross-entropy, batch 128).

The three implementations of torch.optim (the default single-tensor loop, ``foreach=True``
and ``fused=True``) are timed in turns in this one process; the runner takes the fastest.
Config: ``optimizer`` ("sgd", lr 0.1, or "adam", lr 1e-3), ``threads``, ``timing``, ``data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from bench.workloads import _common as C
from bench.workloads._torch import SETTINGS, setup_training


def mlp() -> torch.nn.Sequential:
    a, h1, h2, out = C.MLP_SIZES
    return torch.nn.Sequential(
        torch.nn.Linear(a, h1),
        torch.nn.ReLU(),
        torch.nn.Linear(h1, h2),
        torch.nn.ReLU(),
        torch.nn.Linear(h2, out),
    )


def make_optimizer(name: str, params: Any, setting: dict[str, bool]) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.1, **setting)
    elif name == "adam":
        return torch.optim.Adam(params, lr=1e-3, **setting)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")


def trainer(config: dict[str, Any], setting: dict[str, bool], losses: list[float]) -> Callable:
    x, y = C.load_mnist(config)
    next_batch = C.batches(torch.from_numpy(x), torch.from_numpy(y), C.MLP_BATCH)
    torch.manual_seed(0)
    model = mlp()
    opt = make_optimizer(config["optimizer"], model.parameters(), setting)
    loss_fn = torch.nn.CrossEntropyLoss()

    return C.training_step(model, opt, loss_fn, next_batch, losses)


def main() -> None:
    config = C.read_config()
    setup_training(config)
    losses: dict[str, list[float]] = {name: [] for name in SETTINGS}
    steps = {name: trainer(config, s, losses[name]) for name, s in SETTINGS.items()}
    seconds = C.time_variants(steps, config["timing"])
    C.emit_training(seconds, losses["default"], torch=torch.__version__)


if __name__ == "__main__":
    main()
