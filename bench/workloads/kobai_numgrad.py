"""kobai: what a gradient costs by backpropagation, by finite differences and by gradcheck.

The MLP 784-256-256-10 on one batch of 128 (mean softmax cross-entropy):

- ``forward_ms``, ``backprop_ms``: one forward pass, and forward plus backward (float32);
- ``numgrad_full_s``: central differences (:func:`kobai.numerical_grad`, float32 model) of
  ``sample`` weights (256) spread evenly over the first layer, timed and scaled to all
  268,800 weights: each costs two forward passes, whichever layer it is in;
- ``numgrad_over_backprop``: that cost divided by one backpropagation;
- ``gradcheck_s``: :func:`kobai.gradcheck` in float64 of the loss with respect to the first
  ``sample`` values of the first layer's bias (all 256: 512 forward passes and one backward).

Config: ``sample`` (default 256; fewer for smoke runs), ``timing``, ``data``.
"""

from __future__ import annotations

import time

import numpy as np

import kobai as kb
from bench.workloads import _common as C
from bench.workloads._kobai import setup
from bench.workloads.kobai_mlp import mlp
from kobai import nn
from kobai.nn import functional as F


def main() -> None:
    config = C.read_config()
    setup()
    x, y = C.load_mnist(config)
    xb, yb = x[: C.MLP_BATCH], y[: C.MLP_BATCH]
    model = mlp()
    loss_fn = nn.CrossEntropyLoss()
    weights = sum(p.data.size for p in model.parameters() if p.data.ndim == 2)
    sample = int(config.get("sample", 256))

    def forward() -> float:
        with kb.no_grad():
            return loss_fn(model(kb.Tensor(xb)), yb).item()

    def backprop() -> None:
        model.zero_grad()
        loss_fn(model(kb.Tensor(xb)), yb).backward()

    w = model[0].weight.data.reshape(-1)
    index = np.linspace(0, w.size - 1, sample).astype(np.int64)
    original = w[index].copy()

    def loss_at(values: np.ndarray) -> float:
        w[index] = values
        return forward()

    found: dict[str, np.ndarray] = {}

    def numerical() -> None:
        found["grad"] = kb.numerical_grad(loss_at, original.astype(np.float64), h=1e-2)
        w[index] = original

    seconds = C.time_variants(
        {"forward": forward, "backprop": backprop, "numerical": numerical}, config["timing"]
    )
    backprop()
    exact = model[0].weight.grad.reshape(-1)[index]
    error = float(np.max(np.abs(found["grad"] - exact)) / np.max(np.abs(exact)))
    numgrad_full = seconds["numerical"] / sample * weights
    C.emit(
        {
            "kobai": {
                "forward_ms": seconds["forward"] * 1e3,
                "backprop_ms": seconds["backprop"] * 1e3,
                "numgrad_full_s": numgrad_full,
                "numgrad_over_backprop": numgrad_full / seconds["backprop"],
                "gradcheck_s": gradcheck_seconds(xb, yb, sample),
            }
        },
        sample=sample,
        weights=weights,
        numgrad_max_relative_error=error,
    )


def gradcheck_seconds(xb: np.ndarray, yb: np.ndarray, sample: int) -> float:
    """Seconds of one float64 gradcheck of the loss w.r.t. the first ``sample`` biases."""
    model = mlp()
    (w1, b1), (w2, b2), (w3, b3) = (
        (m.weight.data.astype(np.float64), m.bias.data.astype(np.float64))
        for m in (model[0], model[2], model[4])
    )
    x64 = xb.astype(np.float64)

    checked, rest = b1[:sample], b1[sample:]

    def loss(part: kb.Tensor) -> kb.Tensor:
        bias = kb.functional.concatenate([part, rest]) if len(rest) else part
        h = F.relu(F.linear(x64, w1, bias))
        h = F.relu(F.linear(h, w2, b2))
        return F.cross_entropy(F.linear(h, w3, b3), yb)

    start = time.perf_counter()
    kb.gradcheck(loss, checked, eps=1e-6, atol=1e-5, rtol=1e-3)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
