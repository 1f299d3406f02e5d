"""PyTorch: training steps of the MLP 784-256-256-10 (ReLU, softmax cross-entropy, batch 128).

Or, with ``net`` "moons", of the tiny MLP 2-16-16-2 on the two moons (batch 32).

With ``method`` "loop" (a user's loop: a fresh model and optimizer, consecutive steps that
gather their batch ``x[idx]``, wall time) one implementation of torch.optim, ``setting``
("default", "foreach" or "fused"), runs in this process; the runner starts one process per
setting and takes the fastest. With ``method`` "blocks" the three are timed in turns in one
process (medians of blocks). Config: ``optimizer`` ("sgd", lr 0.1, or "adam", lr 1e-3),
``threads``, ``timing``, ``data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from bench.workloads import _common as C
from bench.workloads._torch import SETTINGS, setup_training


def mlp(sizes: tuple[int, ...] = C.MLP_SIZES) -> torch.nn.Sequential:
    layers: list[torch.nn.Module] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


def make_optimizer(
    name: str, params: Any, setting: dict[str, bool], lr: float | None = None
) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr or 0.1, **setting)
    elif name == "adam":
        return torch.optim.Adam(params, lr=lr or 1e-3, **setting)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")


def trainer(config: dict[str, Any], setting: dict[str, bool], losses: list[float]) -> Callable:
    xn, yn, sizes, batch = C.training_data(config)
    x, y = torch.from_numpy(xn), torch.from_numpy(yn)
    if config.get("method", "blocks") == "loop":
        next_batch = C.gathered_batches(x, y, batch, take=take)
    else:
        next_batch = C.batches(x, y, batch)
    torch.manual_seed(0)
    model = mlp(sizes)
    opt = make_optimizer(config["optimizer"], model.parameters(), setting, config.get("lr"))
    loss_fn = torch.nn.CrossEntropyLoss()

    return C.training_step(model, opt, loss_fn, next_batch, losses)


def take(array: torch.Tensor, idx: Any) -> torch.Tensor:
    """``array[idx]`` with a NumPy index turned into a tensor, as a torch loop gathers."""
    return array[torch.from_numpy(idx)]


def main() -> None:
    config = C.read_config()
    setup_training(config)
    key = C.steps_key(config)
    if config.get("method", "blocks") == "loop":
        name = config["setting"]
        losses: list[float] = []
        seconds = C.time_loop(trainer(config, SETTINGS[name], losses), config["timing"])
        C.emit_training({name: seconds}, losses, key=key, torch=torch.__version__)
        return
    runs: dict[str, list[float]] = {name: [] for name in SETTINGS}
    steps = {name: trainer(config, s, runs[name]) for name, s in SETTINGS.items()}
    seconds = C.time_variants(steps, config["timing"])
    C.emit_training(seconds, runs["default"], key=key, torch=torch.__version__)


if __name__ == "__main__":
    main()
