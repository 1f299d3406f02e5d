"""PyTorch: the costs of :mod:`kobai_numgrad`, measured the same way.

PyTorch has no public finite-difference gradient, so the central differences are the same
loop written with torch (two forward passes per weight, under ``torch.no_grad()``); the
gradient check is ``torch.autograd.gradcheck`` in float64 with respect to the first bias.
Config: ``threads``, ``timing``, ``data``.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from bench.workloads import _common as C
from bench.workloads.torch_mlp import mlp

H = 1e-2


def main() -> None:
    config = C.read_config()
    torch.set_num_threads(int(config["threads"]))
    x, y = C.load_mnist(config)
    xb, yb = torch.from_numpy(x[: C.MLP_BATCH]), torch.from_numpy(y[: C.MLP_BATCH])
    torch.manual_seed(0)
    model = mlp()
    loss_fn = torch.nn.CrossEntropyLoss()
    weights = sum(p.numel() for p in model.parameters() if p.ndim == 2)
    sample = int(config.get("sample", 256))

    def forward() -> float:
        with torch.no_grad():
            return loss_fn(model(xb), yb).item()

    def backprop() -> None:
        model.zero_grad()
        loss_fn(model(xb), yb).backward()

    w = model[0].weight.data.view(-1)
    index = torch.from_numpy(np.linspace(0, w.numel() - 1, sample).astype(np.int64))
    grad = np.zeros(sample)

    def numerical() -> None:
        for k, i in enumerate(index.tolist()):
            original = w[i].item()
            w[i] = original + H
            upper = forward()
            w[i] = original - H
            lower = forward()
            w[i] = original
            grad[k] = (upper - lower) / (2 * H)

    seconds = C.time_variants(
        {"forward": forward, "backprop": backprop, "numerical": numerical}, config["timing"]
    )
    backprop()
    exact = model[0].weight.grad.view(-1)[index].numpy()
    error = float(np.max(np.abs(grad - exact)) / np.max(np.abs(exact)))
    numgrad_full = seconds["numerical"] / sample * weights
    C.emit(
        {
            "torch": {
                "forward_ms": seconds["forward"] * 1e3,
                "backprop_ms": seconds["backprop"] * 1e3,
                "numgrad_full_s": numgrad_full,
                "numgrad_over_backprop": numgrad_full / seconds["backprop"],
                "gradcheck_s": gradcheck_seconds(model, xb, yb, sample),
            }
        },
        sample=sample,
        weights=weights,
        numgrad_max_relative_error=error,
        torch=torch.__version__,
    )


def gradcheck_seconds(
    model: torch.nn.Sequential, xb: torch.Tensor, yb: torch.Tensor, sample: int
) -> float:
    """Seconds of one float64 ``torch.autograd.gradcheck`` w.r.t. the first ``sample`` biases."""
    w1, b1, w2, b2, w3, b3 = (p.detach().double() for p in model.parameters())
    x64 = xb.double()
    checked = b1[:sample].clone().requires_grad_(True)
    rest = b1[sample:]

    def loss(part: torch.Tensor) -> torch.Tensor:
        h = torch.relu(torch.nn.functional.linear(x64, w1, torch.cat([part, rest])))
        h = torch.relu(torch.nn.functional.linear(h, w2, b2))
        return torch.nn.functional.cross_entropy(torch.nn.functional.linear(h, w3, b3), yb)

    start = time.perf_counter()
    torch.autograd.gradcheck(loss, (checked,), eps=1e-6, atol=1e-5, rtol=1e-3)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
