"""kobai: training steps of a convolutional autoencoder on 28x28 digits (batch 64).

Conv2d 1->16 and 16->32 (3x3, stride 2, padding 1), then ConvTranspose2d 32->16 and 16->1
back to 28x28, ReLU between and a sigmoid at the end; mean squared error against the input,
Adam (lr 1e-3). Config: ``timing``, ``data``.
"""

from __future__ import annotations

import numpy as np

import kobai as kb
from bench.workloads import _common as C
from bench.workloads._kobai import setup
from kobai import nn, optim


def autoencoder() -> nn.Sequential:
    up = {"stride": 2, "padding": 1, "output_padding": 1}
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, stride=2, padding=1, rng=0),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1, rng=1),
        nn.ReLU(),
        nn.ConvTranspose2d(32, 16, 3, rng=2, **up),
        nn.ReLU(),
        nn.ConvTranspose2d(16, 1, 3, rng=3, **up),
        nn.Sigmoid(),
    )


def main() -> None:
    config = C.read_config()
    setup()
    x, _ = C.load_mnist(config)
    images = np.ascontiguousarray(x.reshape(-1, 1, 28, 28))
    next_batch = C.batches(images, images, C.CONV_BATCH)
    model = autoencoder()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    losses: list[float] = []

    step = C.training_step(
        model, opt, loss_fn, next_batch, losses, autoencoder=True, wrap=kb.Tensor
    )

    seconds = C.time_variants({"kobai": step}, config["timing"])
    C.emit_training(seconds, losses, steps=len(losses))


if __name__ == "__main__":
    main()
