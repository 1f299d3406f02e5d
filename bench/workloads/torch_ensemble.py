"""PyTorch: 64 tiny MLPs 2-16-16-2 (different seeds) trained on the two moons, two ways.

``variant`` "loop": a Python loop over 64 models and their 64 optimizers (``fused=True``),
each member gathering its own batch, as one would train them one after another but step by
step together. ``variant`` "vmap": PyTorch's documented ensembling, the members' parameters
stacked (``torch.func.stack_module_state``), the forward pass ``torch.func.vmap`` over
``functional_call``, one backward pass and one fused optimizer over the stacked parameters
(every element is its own member's, so this is 64 separate trainings). Wall time of about
``loop_steps`` steps after a warm-up; one step is a step of every member.
Config: ``variant``, ``optimizer`` ("sgd", lr 0.1, or "adam", lr 1e-2), ``threads``,
``timing``, ``data``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from bench.workloads import _common as C
from bench.workloads._torch import setup_training
from bench.workloads.torch_mlp import make_optimizer, mlp

LR = {"sgd": 0.1, "adam": 1e-2}


def member_batches(x: torch.Tensor) -> Callable[[], torch.Tensor]:
    """Each step's batch indices, (64, 32): every member its own permutation per epoch."""
    rngs = [np.random.default_rng(seed) for seed in range(C.ENSEMBLE)]
    count, state = len(x) // C.TINY_BATCH, {"i": len(x) // C.TINY_BATCH, "orders": None}

    def next_index() -> torch.Tensor:
        if state["i"] == count:
            state["orders"] = torch.from_numpy(np.stack([r.permutation(len(x)) for r in rngs]))
            state["i"] = 0
        i, state["i"] = state["i"], state["i"] + 1
        return state["orders"][:, i * C.TINY_BATCH : (i + 1) * C.TINY_BATCH]

    return next_index


def loop_trainer(x: torch.Tensor, y: torch.Tensor, optimizer: str) -> Callable[[], None]:
    torch.manual_seed(0)
    models = [mlp(C.TINY_SIZES) for _ in range(C.ENSEMBLE)]
    opts = [make_optimizer(optimizer, m.parameters(), {"fused": True}, LR[optimizer])
            for m in models]  # fmt: skip
    loss_fn = torch.nn.CrossEntropyLoss()
    next_index = member_batches(x)
    losses = torch.zeros(C.ENSEMBLE)

    def step() -> None:
        index = next_index()
        for n, (model, opt) in enumerate(zip(models, opts, strict=True)):
            xb, yb = x[index[n]], y[index[n]]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses[n] = loss.item()

    return step


def vmap_trainer(x: torch.Tensor, y: torch.Tensor, optimizer: str) -> Callable[[], None]:
    from torch.func import functional_call, stack_module_state, vmap

    torch.manual_seed(0)
    models = [mlp(C.TINY_SIZES) for _ in range(C.ENSEMBLE)]
    params, buffers = stack_module_state(models)
    base = copy.deepcopy(models[0]).to("meta")

    def member_loss(p: Any, b: Any, xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.cross_entropy(functional_call(base, (p, b), (xb,)), yb)

    batched_loss = vmap(member_loss)
    opt = make_optimizer(optimizer, list(params.values()), {"fused": True}, LR[optimizer])
    next_index = member_batches(x)
    kept: dict[str, torch.Tensor] = {}

    def step() -> None:
        index = next_index()
        opt.zero_grad()
        losses = batched_loss(params, buffers, x[index], y[index])
        # The sum's gradient for each member's slice is that member's own loss gradient.
        losses.sum().backward()
        opt.step()
        kept["losses"] = losses.detach()

    return step


def main() -> None:
    config = C.read_config()
    setup_training(config)
    xn, yn = C.load_moons(config)
    x, y = torch.from_numpy(xn), torch.from_numpy(yn)
    variant = config["variant"]
    if variant == "loop":
        step, fewer = loop_trainer(x, y, config["optimizer"]), 8
    elif variant == "vmap":
        step, fewer = vmap_trainer(x, y, config["optimizer"]), 1
    else:
        raise ValueError(f"variant must be 'loop' or 'vmap', got {variant!r}")
    timing = config["timing"]
    # The loop is slow: fewer steps give as steady a figure.
    steps = max(2, int(timing["loop_steps"]) // fewer)
    seconds = C.time_loop(step, {**timing, "loop_steps": steps})
    C.emit({variant: {"steps_per_s": 1.0 / seconds}}, members=C.ENSEMBLE,
           torch=torch.__version__)  # fmt: skip


if __name__ == "__main__":
    main()
