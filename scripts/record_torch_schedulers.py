"""Record PyTorch's learning rates for schedulers that chain, are edited by hand or resume.

Run once, with the separate PyTorch environment (never kobai's own):

    /work/torchvenv/bin/python scripts/record_torch_schedulers.py

Writes ``tests/fixtures/optim/schedulers_chained.npz`` (loadable with allow_pickle=False):
60 steps of the learning rates and momenta of every configuration in ``CONFIGS``, under
``<index>/lr`` and ``<index>/momentum``, and the configurations as JSON under ``configs``.

A configuration builds ``schedulers`` in order on one optimizer (so they chain), optionally
wraps them (``"wrap": "chained"`` or ``["sequential", milestones]``) and builds ``outer``
schedulers after the wrapper; every step runs ``optimizer.step()``, sets the rates of
``edits[t]`` by hand, then steps the wrapper (or every scheduler) and the outer ones, or jumps
to ``jumps[t]`` with ``step(epoch)``. ``resume: n`` rebuilds everything after ``n`` steps
from the optimizer's state_dict and schedulers made with ``last_epoch=n``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.optim import lr_scheduler as L

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "optim"
STEPS = 60

LAMBDAS = {
    "const097": lambda t: 0.97,
    "slow": lambda t: 1.0 - 0.01 * (t % 3),
    "pow095": lambda t: 0.95**t,
}

CONFIGS: list[dict[str, Any]] = [
    # Two schedulers on one optimizer: their effects multiply.
    {
        "lrs": [1.0],
        "schedulers": [
            ["ExponentialLR", {"gamma": 0.9}],
            ["StepLR", {"step_size": 4, "gamma": 0.5}],
        ],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            ["LinearLR", {"start_factor": 0.1, "total_iters": 5}],
            ["CosineAnnealingLR", {"T_max": 20}],
        ],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            ["CosineAnnealingLR", {"T_max": 20, "eta_min": 1e-3}],
            ["LinearLR", {"start_factor": 0.2, "total_iters": 8}],
        ],
    },
    {
        "lrs": [0.1, 0.01],
        "schedulers": [
            ["MultiplicativeLR", {"lr_lambda": "const097"}],
            ["StepLR", {"step_size": 10, "gamma": 0.5}],
        ],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            ["PolynomialLR", {"total_iters": 50, "power": 2.0}],
            ["LinearLR", {"start_factor": 0.3, "total_iters": 8}],
        ],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            ["ConstantLR", {"factor": 0.5, "total_iters": 4}],
            ["ExponentialLR", {"gamma": 0.95}],
        ],
        "wrap": "chained",
    },
    {
        "lrs": [0.1, 0.02],
        "schedulers": [
            ["LinearLR", {"start_factor": 0.25, "total_iters": 10}],
            ["MultiStepLR", {"milestones": [30, 10, 10, 45], "gamma": 0.5}],
            ["CosineAnnealingLR", {"T_max": 50, "eta_min": 1e-3}],
        ],
        "wrap": "chained",
    },
    {
        "lrs": [0.1],
        "schedulers": [
            ["LinearLR", {"start_factor": 0.1, "total_iters": 10}],
            ["CosineAnnealingLR", {"T_max": 40}],
        ],
        "wrap": ["sequential", [10]],
        "outer": [["ExponentialLR", {"gamma": 0.99}]],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            ["ConstantLR", {"factor": 0.2, "total_iters": 5}],
            ["MultiplicativeLR", {"lr_lambda": "slow"}],
            ["StepLR", {"step_size": 7, "gamma": 0.7}],
        ],
        "wrap": ["sequential", [8, 30]],
    },
    # The new schedulers alone.
    {"lrs": [0.1], "schedulers": [["ConstantLR", {}]]},
    {"lrs": [0.1], "schedulers": [["ConstantLR", {"factor": 0.5, "total_iters": 10}]]},
    {"lrs": [0.1, 0.01], "schedulers": [["MultiplicativeLR", {"lr_lambda": ["const097", "slow"]}]]},
    {"lrs": [0.1], "schedulers": [["MultiStepLR", {"milestones": [40, 10, 25, 10], "gamma": 0.5}]]},
    {
        "lrs": [0.1],
        "schedulers": [["CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 10}]],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            [
                "CyclicLR",
                {
                    "base_lr": 0.01,
                    "max_lr": 0.1,
                    "step_size_up": 7,
                    "step_size_down": 4,
                    "mode": "triangular2",
                },
            ]
        ],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            [
                "CyclicLR",
                {
                    "base_lr": 0.001,
                    "max_lr": 0.05,
                    "step_size_up": 6,
                    "mode": "exp_range",
                    "gamma": 0.97,
                },
            ]
        ],
    },
    {
        "lrs": [0.1, 0.01],
        "optimizer": "Adam",
        "schedulers": [
            [
                "CyclicLR",
                {
                    "base_lr": [0.001, 0.0001],
                    "max_lr": [0.01, 0.002],
                    "step_size_up": 5,
                    "base_momentum": 0.85,
                    "max_momentum": 0.95,
                },
            ]
        ],
    },
    {
        "lrs": [0.1],
        "schedulers": [
            [
                "CyclicLR",
                {"base_lr": 0.01, "max_lr": 0.2, "step_size_up": 8, "cycle_momentum": False},
            ]
        ],
    },
    # A rate changed by hand: chainable schedulers continue from it.
    {
        "lrs": [0.1],
        "schedulers": [["ExponentialLR", {"gamma": 0.95}]],
        "edits": {"20": 0.5, "45": 0.01},
    },
    {"lrs": [0.1], "schedulers": [["CosineAnnealingLR", {"T_max": 30}]], "edits": {"10": 0.3}},
    {
        "lrs": [0.1],
        "schedulers": [["StepLR", {"step_size": 10, "gamma": 0.5}]],
        "edits": {"15": 1.0},
    },
    {
        "lrs": [0.1],
        "schedulers": [["LinearLR", {"start_factor": 0.1, "total_iters": 20}]],
        "edits": {"7": 0.05},
    },
    {"lrs": [0.1], "schedulers": [["PolynomialLR", {"total_iters": 40}]], "edits": {"12": 0.2}},
    {"lrs": [0.1], "schedulers": [["LambdaLR", {"lr_lambda": "pow095"}]], "edits": {"12": 0.2}},
    {"lrs": [0.1], "schedulers": [["MultiStepLR", {"milestones": [10, 30]}]], "edits": {"20": 0.7}},
    {
        "lrs": [0.1],
        "schedulers": [["ConstantLR", {"factor": 0.5, "total_iters": 10}]],
        "edits": {"5": 0.2},
    },
    # step(epoch): the closed form, then the recursion from there.
    {"lrs": [0.1], "schedulers": [["CosineAnnealingLR", {"T_max": 40}]], "jumps": {"10": 25}},
    {
        "lrs": [0.1],
        "schedulers": [["StepLR", {"step_size": 5, "gamma": 0.5}]],
        "jumps": {"3": 12, "20": 2},
    },
    {
        "lrs": [0.1],
        "schedulers": [["LinearLR", {"start_factor": 0.2, "total_iters": 30}]],
        "jumps": {"5": 20},
    },
    {
        "lrs": [0.1],
        "schedulers": [["ConstantLR", {"factor": 0.4, "total_iters": 20}]],
        "jumps": {"5": 25},
    },
    # Resumed with last_epoch from the optimizer's saved state.
    {
        "lrs": [0.1],
        "schedulers": [["CosineAnnealingLR", {"T_max": 50, "eta_min": 1e-3}]],
        "resume": 20,
    },
    {"lrs": [0.1], "schedulers": [["StepLR", {"step_size": 7, "gamma": 0.5}]], "resume": 20},
    {
        "lrs": [0.1],
        "schedulers": [["LinearLR", {"start_factor": 0.1, "total_iters": 30}]],
        "resume": 20,
    },
    {"lrs": [0.1], "schedulers": [["ExponentialLR", {"gamma": 0.95}]], "resume": 20},
]


def build(
    cfg: dict[str, Any], opt: torch.optim.Optimizer, last_epoch: int = -1
) -> tuple[list[Any], list[Any]]:
    """(what to step every step, every scheduler made) for a configuration."""
    made = []
    for name, kwargs in cfg["schedulers"]:
        kw = dict(kwargs)
        if "lr_lambda" in kw:
            fns = kw["lr_lambda"]
            kw["lr_lambda"] = [LAMBDAS[f] for f in fns] if isinstance(fns, list) else LAMBDAS[fns]
        if last_epoch >= 0:
            kw["last_epoch"] = last_epoch
        made.append(getattr(L, name)(opt, **kw))
    wrap = cfg.get("wrap")
    stepped = list(made)
    if wrap == "chained":
        stepped = [L.ChainedScheduler(made, opt)]
    elif isinstance(wrap, list):
        stepped = [L.SequentialLR(opt, made, milestones=wrap[1])]
    for name, kwargs in cfg.get("outer", []):
        stepped.append(getattr(L, name)(opt, **kwargs))
    return stepped, made


def new_optimizer(cfg: dict[str, Any]) -> torch.optim.Optimizer:
    params = [torch.zeros(1, requires_grad=True) for _ in cfg["lrs"]]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, cfg["lrs"], strict=True)]
    if cfg.get("optimizer", "SGD") == "Adam":
        return torch.optim.Adam(groups)
    return torch.optim.SGD(groups, momentum=0.9)


def momenta(opt: torch.optim.Optimizer) -> list[float]:
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def record(cfg: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    opt = new_optimizer(cfg)
    stepped, _ = build(cfg, opt)
    lrs, moms = [[g["lr"] for g in opt.param_groups]], [momenta(opt)]
    edits, jumps = cfg.get("edits", {}), cfg.get("jumps", {})
    for t in range(STEPS):
        if cfg.get("resume") == t:
            saved = opt.state_dict()
            opt = new_optimizer(cfg)
            opt.load_state_dict(saved)
            stepped, _ = build(cfg, opt, last_epoch=t)
            lrs.append([g["lr"] for g in opt.param_groups])
            moms.append(momenta(opt))
            continue
        opt.step()
        if str(t) in edits:
            for g in opt.param_groups:
                g["lr"] = edits[str(t)]
        for s in stepped:
            s.step(jumps[str(t)]) if str(t) in jumps else s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append(momenta(opt))
    return np.array(lrs, dtype=np.float64), np.array(moms, dtype=np.float64)


def main() -> None:
    if not torch.__version__.startswith("2.13."):
        raise SystemExit(f"record with torch 2.13, found {torch.__version__}")
    torch.set_default_dtype(torch.float64)
    import warnings

    warnings.simplefilter("ignore")  # step(epoch) is deprecated in PyTorch, and recorded anyway
    out: dict[str, Any] = {"configs": np.asarray(json.dumps(CONFIGS))}
    for i, cfg in enumerate(CONFIGS):
        out[f"{i}/lr"], out[f"{i}/momentum"] = record(cfg)
    path = OUT / "schedulers_chained.npz"
    np.savez_compressed(path, **out)
    print(f"{path.name}: {len(out)} arrays, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
