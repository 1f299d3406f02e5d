"""PyTorch: training steps of the convolutional autoencoder of :mod:`kobai_conv` (batch 64).

Adam's three implementations (default, ``foreach``, ``fused``) are timed in turns; the runner
takes the fastest. Config: ``threads``, ``timing``, ``data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from bench.workloads import _common as C
from bench.workloads._torch import SETTINGS, setup_training


def autoencoder() -> torch.nn.Sequential:
    up = {"stride": 2, "padding": 1, "output_padding": 1}
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, stride=2, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv2d(16, 32, 3, stride=2, padding=1),
        torch.nn.ReLU(),
        torch.nn.ConvTranspose2d(32, 16, 3, **up),
        torch.nn.ReLU(),
        torch.nn.ConvTranspose2d(16, 1, 3, **up),
        torch.nn.Sigmoid(),
    )


def trainer(images: torch.Tensor, setting: dict[str, bool], losses: list[float]) -> Callable:
    next_batch = C.batches(images, images, C.CONV_BATCH)
    torch.manual_seed(0)
    model = autoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, **setting)
    loss_fn = torch.nn.MSELoss()

    return C.training_step(model, opt, loss_fn, next_batch, losses, autoencoder=True)


def main() -> None:
    config = C.read_config()
    setup_training(config)
    x, _ = C.load_mnist(config)
    images = torch.from_numpy(np.ascontiguousarray(x.reshape(-1, 1, 28, 28)))
    losses: dict[str, list[float]] = {name: [] for name in SETTINGS}
    steps: dict[str, Any] = {n: trainer(images, s, losses[n]) for n, s in SETTINGS.items()}
    seconds = C.time_variants(steps, config["timing"])
    C.emit_training(seconds, losses["default"], torch=torch.__version__)


if __name__ == "__main__":
    main()
