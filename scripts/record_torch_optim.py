"""Record PyTorch reference trajectories for kobai.optim's conformance tests.

Run once, with the separate PyTorch environment (never kobai's own):

    /work/torchenv/bin/python scripts/record_torch_optim.py

Writes three compressed files under tests/fixtures/optim/ (loadable with allow_pickle=False):

- ``rosenbrock.npz``: 300 steps of every optimizer configuration on the Rosenbrock function
  from (-1.2, 1.0); the gradient is computed with the same float64 formula as the tests, so
  the tests replay the exact same problem.
- ``mlp.npz``: 50 full-batch steps on a 4-5-3 tanh MLP with mean cross-entropy over 8
  samples (float64), with the data and initial weights, the parameters after every step and
  the losses.
- ``schedulers.npz``: 100 steps of learning rates (and cycled momenta) of every scheduler
  configuration, and the metric sequence fed to ReduceLROnPlateau.

Each file has a ``configs`` entry: a JSON string describing what was recorded under
``<index>/...``. PyTorch runs with float64 as its default dtype, so that its scalar state
(``step``, NAdam's ``mu_product``) is float64 like kobai's Python floats.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.optim import lr_scheduler as L

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "optim"
ROSENBROCK_STEPS, MLP_STEPS, SCHEDULER_STEPS = 300, 50, 100

# (class name, kwargs): every option of the issue, on Rosenbrock.
ROSENBROCK: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 1e-3}),
    ("SGD", {"lr": 1e-3, "momentum": 0.9}),
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 1e-3, "momentum": 0.5, "weight_decay": 0.1}),
    ("SGD", {"lr": 1e-3, "weight_decay": 0.1, "maximize": True}),
    (
        "SGD",
        {"lr": 5e-4, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01, "maximize": True},
    ),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 1e-3, "alpha": 0.9}),
    ("RMSprop", {"lr": 1e-3, "centered": True}),
    ("RMSprop", {"lr": 1e-4, "momentum": 0.9}),
    ("RMSprop", {"lr": 1e-4, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 1e-3, "maximize": True, "eps": 1e-6}),
    ("Adam", {}),
    ("Adam", {"lr": 1e-2}),
    ("Adam", {"lr": 1e-2, "amsgrad": True}),
    ("Adam", {"lr": 1e-2, "weight_decay": 0.1}),
    ("Adam", {"lr": 1e-2, "betas": (0.3, 0.9)}),
    ("Adam", {"lr": 1e-2, "maximize": True, "amsgrad": True, "weight_decay": 0.01}),
    ("Adam", {"lr": 1e-2, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 1e-2, "weight_decay": 0.1}),
    ("AdamW", {"lr": 1e-2, "amsgrad": True, "maximize": True}),
    ("NAdam", {}),
    ("NAdam", {"lr": 1e-2, "momentum_decay": 1e-2}),
    ("NAdam", {"lr": 1e-2, "weight_decay": 0.1}),
    ("NAdam", {"lr": 1e-2, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 1e-2, "maximize": True, "betas": (0.8, 0.99)}),
    ("RAdam", {}),
    ("RAdam", {"lr": 3e-3}),
    ("RAdam", {"lr": 1e-3, "weight_decay": 0.1}),
    ("RAdam", {"lr": 1e-3, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 1e-3, "maximize": True, "betas": (0.8, 0.99)}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.95}),
    ("Adadelta", {"weight_decay": 0.1, "eps": 1e-5}),
    ("Adadelta", {"maximize": True}),
]

# On the MLP: the defaults and the main options, plus parameter groups.
MLP: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.5}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("RMSprop", {"lr": 1e-2, "centered": True, "momentum": 0.5}),
    ("RMSprop", {}),
    ("Adam", {"lr": 1e-2}),
    ("Adam", {"lr": 1e-2, "amsgrad": True, "weight_decay": 1e-2}),
    ("AdamW", {"lr": 1e-2}),
    ("NAdam", {"lr": 1e-2}),
    ("NAdam", {"lr": 1e-2, "weight_decay": 1e-2, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 1e-2}),
    ("RAdam", {"lr": 1e-2, "weight_decay": 1e-2, "decoupled_weight_decay": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "weight_decay": 1e-3}),
]
# Weights in one group, biases in another with their own hyper-parameters.
MLP_GROUPS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.3, "momentum": 0.5}),
    ("Adam", {"lr": 1e-2, "weight_decay": 1e-2}, {"lr": 3e-2, "weight_decay": 0.0}),
]

LAMBDAS = {"pow095": lambda t: 0.95**t, "inverse": lambda t: 1.0 / (1.0 + 0.1 * t)}


def rosenbrock_grad(p: Any) -> Any:
    """The gradient of (1 - x)^2 + 100 (y - x^2)^2, written as the tests write it."""
    x, y = p[0], p[1]
    a = 1 - x
    b = y - x * x
    return -2 * a - 400 * x * b, 200 * b


def record_rosenbrock() -> dict[str, Any]:
    out: dict[str, Any] = {"start": np.array([-1.2, 1.0])}
    for i, (name, kwargs) in enumerate(ROSENBROCK):
        p = torch.tensor(out["start"], requires_grad=True)
        opt = getattr(torch.optim, name)([p], **kwargs)
        traj = [p.detach().numpy().copy()]
        for _ in range(ROSENBROCK_STEPS):
            gx, gy = rosenbrock_grad(p.detach())
            sign = -1.0 if kwargs.get("maximize") else 1.0
            p.grad = torch.stack([gx, gy]) * sign
            opt.step()
            traj.append(p.detach().numpy().copy())
        out[f"{i}/trajectory"] = np.array(traj)
    out["configs"] = json.dumps([{"optimizer": n, "kwargs": k} for n, k in ROSENBROCK])
    return out


def mlp_data(rng: np.random.Generator) -> dict[str, np.ndarray]:
    bound1, bound2 = 1 / math.sqrt(4), 1 / math.sqrt(5)
    return {
        "X": rng.standard_normal((8, 4)),
        "y": np.array([0, 1, 2, 0, 1, 2, 0, 1]),
        "W1": rng.uniform(-bound1, bound1, (5, 4)),
        "b1": rng.uniform(-bound1, bound1, 5),
        "W2": rng.uniform(-bound2, bound2, (3, 5)),
        "b2": rng.uniform(-bound2, bound2, 3),
    }


def run_mlp(data: dict[str, np.ndarray], make_opt: Any) -> tuple[np.ndarray, np.ndarray]:
    params = [torch.tensor(data[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2")]
    w1, b1, w2, b2 = params
    x, y = torch.tensor(data["X"]), torch.tensor(data["y"])
    opt = make_opt(params)
    traj, losses = [torch.cat([q.detach().reshape(-1) for q in params]).numpy()], []
    for _ in range(MLP_STEPS):
        opt.zero_grad()
        logits = torch.tanh(x @ w1.T + b1) @ w2.T + b2
        loss = torch.nn.functional.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        traj.append(torch.cat([q.detach().reshape(-1) for q in params]).numpy())
    return np.array(traj), np.array(losses)


def record_mlp() -> dict[str, Any]:
    out: dict[str, Any] = mlp_data(np.random.default_rng(2024))
    configs = []
    for name, kwargs in MLP:
        configs.append({"optimizer": name, "kwargs": kwargs})
    for name, weights, biases in MLP_GROUPS:
        configs.append({"optimizer": name, "kwargs": {}, "groups": [weights, biases]})
    for i, cfg in enumerate(configs):
        cls = getattr(torch.optim, cfg["optimizer"])
        if "groups" in cfg:
            w, b = cfg["groups"]

            def make(ps: list, cls: Any = cls, w: dict = w, b: dict = b) -> Any:
                return cls([{"params": [ps[0], ps[2]], **w}, {"params": [ps[1], ps[3]], **b}])
        else:

            def make(ps: list, cls: Any = cls, kw: dict = cfg["kwargs"]) -> Any:
                return cls(ps, **kw)

        out[f"{i}/trajectory"], out[f"{i}/loss"] = run_mlp(out, make)
    out["configs"] = json.dumps(configs)
    return out


def plateau_metrics(rng: np.random.Generator) -> np.ndarray:
    """A loss-like curve: falling, flat stretches, noise and a bump."""
    t = np.arange(SCHEDULER_STEPS)
    curve = np.exp(-t / 15) + 0.2 * (t > 40) * np.exp(-(t - 40) / 30) * (t < 70)
    return np.round(curve + 0.01 * rng.standard_normal(SCHEDULER_STEPS), 3)


SCHEDULERS: list[dict[str, Any]] = [
    {"scheduler": "LambdaLR", "kwargs": {"lr_lambda": "pow095"}},
    {"scheduler": "LambdaLR", "kwargs": {"lr_lambda": "inverse"}},
    {"scheduler": "StepLR", "kwargs": {"step_size": 10, "gamma": 0.5}},
    {"scheduler": "StepLR", "kwargs": {"step_size": 7}},
    {"scheduler": "StepLR", "kwargs": {"step_size": 3, "gamma": 0.9}, "lrs": [0.1, 0.01]},
    {"scheduler": "MultiStepLR", "kwargs": {"milestones": [10, 30, 60]}},
    {"scheduler": "MultiStepLR", "kwargs": {"milestones": [5, 5, 20], "gamma": 0.5}},
    {"scheduler": "ExponentialLR", "kwargs": {"gamma": 0.95}},
    {"scheduler": "ExponentialLR", "kwargs": {"gamma": 0.99}},
    {"scheduler": "ExponentialLR", "kwargs": {"gamma": 0.5}},
    {"scheduler": "CosineAnnealingLR", "kwargs": {"T_max": 100}},
    {"scheduler": "CosineAnnealingLR", "kwargs": {"T_max": 30, "eta_min": 1e-3}},
    {"scheduler": "CosineAnnealingLR", "kwargs": {"T_max": 10, "eta_min": 0.05}},
    {"scheduler": "CosineAnnealingLR", "kwargs": {"T_max": 7}, "lrs": [0.1, 0.02]},
    {"scheduler": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 10}},
    {
        "scheduler": "CosineAnnealingWarmRestarts",
        "kwargs": {"T_0": 5, "T_mult": 2, "eta_min": 1e-3},
    },
    {"scheduler": "CosineAnnealingWarmRestarts", "kwargs": {"T_0": 3, "T_mult": 3}},
    {"scheduler": "LinearLR", "kwargs": {}},
    {"scheduler": "LinearLR", "kwargs": {"start_factor": 0.01, "total_iters": 50}},
    {
        "scheduler": "LinearLR",
        "kwargs": {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 80},
    },
    {"scheduler": "PolynomialLR", "kwargs": {"total_iters": 50}},
    {"scheduler": "PolynomialLR", "kwargs": {"total_iters": 100, "power": 0.9}},
    {"scheduler": "PolynomialLR", "kwargs": {"total_iters": 30, "power": 2.0}},
    {"scheduler": "OneCycleLR", "kwargs": {"max_lr": 1.0, "total_steps": 100}},
    {
        "scheduler": "OneCycleLR",
        "kwargs": {"max_lr": 0.01, "total_steps": 100},
        "optimizer": "Adam",
    },
    {
        "scheduler": "OneCycleLR",
        "kwargs": {
            "max_lr": 0.5,
            "total_steps": 100,
            "anneal_strategy": "linear",
            "three_phase": True,
        },
    },
    {
        "scheduler": "OneCycleLR",
        "kwargs": {
            "max_lr": [0.3, 0.03],
            "epochs": 10,
            "steps_per_epoch": 10,
            "pct_start": 0.25,
            "div_factor": 10.0,
            "final_div_factor": 100.0,
            "base_momentum": 0.8,
            "max_momentum": 0.9,
        },
        "lrs": [0.1, 0.01],
    },
    {
        "scheduler": "OneCycleLR",
        "kwargs": {"max_lr": 0.1, "total_steps": 100, "cycle_momentum": False},
    },
    {
        "scheduler": "SequentialLR",
        "inner": [
            ["LinearLR", {"start_factor": 0.1, "total_iters": 10}],
            ["CosineAnnealingLR", {"T_max": 90}],
        ],
        "kwargs": {"milestones": [10]},
    },
    {
        "scheduler": "SequentialLR",
        "inner": [
            ["LinearLR", {"start_factor": 0.25, "total_iters": 5}],
            ["ExponentialLR", {"gamma": 0.9}],
        ],
        "kwargs": {"milestones": [5]},
    },
    {
        "scheduler": "SequentialLR",
        "inner": [
            ["LinearLR", {"start_factor": 0.5, "total_iters": 5}],
            ["StepLR", {"step_size": 10, "gamma": 0.5}],
            ["CosineAnnealingLR", {"T_max": 30, "eta_min": 1e-3}],
        ],
        "kwargs": {"milestones": [5, 40]},
    },
    {"scheduler": "ReduceLROnPlateau", "kwargs": {}},
    {
        "scheduler": "ReduceLROnPlateau",
        "kwargs": {"factor": 0.5, "patience": 2, "cooldown": 3, "min_lr": 1e-3},
    },
    {
        "scheduler": "ReduceLROnPlateau",
        "kwargs": {"mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 3},
        "metric": "negated",
    },
    {
        "scheduler": "ReduceLROnPlateau",
        "kwargs": {
            "factor": 0.3,
            "patience": 1,
            "min_lr": [1e-3, 1e-4],
            "eps": 1e-3,
            "threshold": 0.05,
        },
        "lrs": [0.1, 0.01],
    },
]


def make_scheduler(cfg: dict[str, Any], opt: torch.optim.Optimizer) -> Any:
    kwargs = dict(cfg["kwargs"])
    if cfg["scheduler"] == "LambdaLR":
        kwargs["lr_lambda"] = LAMBDAS[kwargs["lr_lambda"]]
    if cfg["scheduler"] == "SequentialLR":
        kwargs["schedulers"] = [getattr(L, n)(opt, **kw) for n, kw in cfg["inner"]]
    return getattr(L, cfg["scheduler"])(opt, **kwargs)


def momenta(opt: torch.optim.Optimizer) -> list[float]:
    key = "betas" if "betas" in opt.defaults else "momentum"
    return [g[key][0] if key == "betas" else g[key] for g in opt.param_groups]


def record_schedulers() -> dict[str, Any]:
    metrics = plateau_metrics(np.random.default_rng(7))
    out: dict[str, Any] = {"metrics": metrics}
    for i, cfg in enumerate(SCHEDULERS):
        lrs = cfg.get("lrs", [0.1])
        params = [torch.zeros(1, requires_grad=True) for _ in lrs]
        groups = [{"params": [p], "lr": lr} for p, lr in zip(params, lrs, strict=True)]
        cls = getattr(torch.optim, cfg.get("optimizer", "SGD"))
        opt = cls(groups, momentum=0.9) if cls is torch.optim.SGD else cls(groups)
        sched = make_scheduler(cfg, opt)
        seq, mom = [sched.get_last_lr()], [momenta(opt)]
        sign = -1.0 if cfg.get("metric") == "negated" else 1.0
        for t in range(SCHEDULER_STEPS):
            opt.step()
            if cfg["scheduler"] == "ReduceLROnPlateau":
                sched.step(sign * metrics[t])
            else:
                sched.step()
            seq.append(sched.get_last_lr())
            mom.append(momenta(opt))
        out[f"{i}/lr"] = np.array(seq, dtype=np.float64)
        out[f"{i}/momentum"] = np.array(mom, dtype=np.float64)
    out["configs"] = json.dumps(SCHEDULERS)
    return out


def main() -> None:
    if not torch.__version__.startswith("2.13."):
        raise SystemExit(f"record with torch 2.13, found {torch.__version__}")
    torch.set_default_dtype(torch.float64)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, record in [
        ("rosenbrock", record_rosenbrock),
        ("mlp", record_mlp),
        ("schedulers", record_schedulers),
    ]:
        data = {k: np.asarray(v) for k, v in record().items()}
        np.savez_compressed(OUT / f"{name}.npz", **data)
        print(f"{name}.npz: {len(data)} arrays, {(OUT / f'{name}.npz').stat().st_size} bytes")


if __name__ == "__main__":
    main()
