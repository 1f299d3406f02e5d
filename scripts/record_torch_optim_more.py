"""Record reference trajectories of Adamax, Rprop, LBFGS (PyTorch) and Lion (reference code).

Run once, with the separate PyTorch environment (never kobai's own):

    /work/torchvenv/bin/python scripts/record_torch_optim_more.py

Writes ``tests/fixtures/optim/more.npz`` (loadable with allow_pickle=False), on the problems of
``record_torch_optim.py`` (same start, same data, same float64 gradient formula):

- ``rosenbrock/<i>``: 300 steps of Adamax, Rprop and Lion from (-1.2, 1.0);
- ``mlp/<i>``: 50 full-batch steps on the 4-5-3 tanh MLP, parameters and losses;
- ``lbfgs/<i>``: 12 calls of ``LBFGS.step(closure)`` on Rosenbrock, and 8 on the MLP, with the
  parameters, the loss returned and the state's ``func_evals`` and ``n_iter`` after each;
- ``adagrad_groups``: Adagrad whose second group names its own ``initial_accumulator_value``
  (PyTorch 2.13 uses the constructor's for every group).

Lion is not in PyTorch: it is recorded from a transcription of the authors' reference code
(lucidrains/lion-pytorch, google/automl lion), run with torch tensors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from record_torch_optim import mlp_data, rosenbrock_grad

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "optim" / "more.npz"


class Lion(torch.optim.Optimizer):
    """lucidrains/lion-pytorch's update, line for line."""

    def __init__(self, params: Any, lr: float = 1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, {"lr": lr, "betas": betas, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Any = None) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad, lr, wd = p.grad, group["lr"], group["weight_decay"]
                beta1, beta2 = group["betas"]
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg = state["exp_avg"]
                p.data.mul_(1.0 - lr * wd)
                update = exp_avg.clone().mul_(beta1).add(grad, alpha=1.0 - beta1).sign_()
                p.add_(update, alpha=-lr)
                exp_avg.mul_(beta2).add_(grad, alpha=1.0 - beta2)


def optimizer_class(name: str) -> Any:
    return Lion if name == "Lion" else getattr(torch.optim, name)


ROSENBROCK = [
    ("Adamax", {}),
    ("Adamax", {"lr": 1e-2}),
    ("Adamax", {"lr": 1e-2, "betas": (0.8, 0.99)}),
    ("Adamax", {"lr": 1e-2, "weight_decay": 0.1}),
    ("Adamax", {"lr": 1e-2, "eps": 1e-3, "maximize": True}),
    ("Rprop", {}),
    ("Rprop", {"lr": 1e-3}),
    ("Rprop", {"etas": (0.3, 1.5)}),
    ("Rprop", {"step_sizes": (1e-4, 0.05)}),
    ("Rprop", {"lr": 1e-3, "maximize": True}),
    ("Lion", {}),
    ("Lion", {"lr": 1e-3, "betas": (0.95, 0.98)}),
    ("Lion", {"lr": 1e-3, "weight_decay": 0.1}),
]
MLP = [
    ("Adamax", {"lr": 1e-2}),
    ("Adamax", {"lr": 1e-2, "weight_decay": 1e-2}),
    ("Rprop", {}),
    ("Rprop", {"lr": 1e-3, "etas": (0.4, 1.3)}),
    ("Lion", {"lr": 1e-3, "weight_decay": 0.1}),
]
LBFGS_ROSENBROCK = [
    {},
    {"line_search_fn": "strong_wolfe"},
    {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 5},
    {"lr": 0.5, "max_iter": 10, "tolerance_grad": 1e-5, "tolerance_change": 1e-7},
    {"line_search_fn": "strong_wolfe", "max_eval": 8, "tolerance_change": 1e-3},
]
LBFGS_MLP = [{"line_search_fn": "strong_wolfe", "history_size": 10}, {"lr": 0.3, "max_iter": 4}]
START = np.array([-1.2, 1.0])


def rosenbrock_loss(p: Any) -> Any:
    a, b = 1 - p[0], p[1] - p[0] * p[0]
    return a * a + 100 * b * b


def record_rosenbrock(out: dict[str, Any]) -> None:
    for i, (name, kwargs) in enumerate(ROSENBROCK):
        p = torch.tensor(START, requires_grad=True)
        opt = optimizer_class(name)([p], **kwargs)
        sign = -1.0 if kwargs.get("maximize") else 1.0
        traj = [p.detach().numpy().copy()]
        for _ in range(300):
            gx, gy = rosenbrock_grad(p.detach())
            p.grad = torch.stack([gx, gy]) * sign
            opt.step()
            traj.append(p.detach().numpy().copy())
        out[f"rosenbrock/{i}"] = np.array(traj)


def mlp_closure(params: list[Any], data: dict[str, np.ndarray], opt: Any) -> Any:
    w1, b1, w2, b2 = params
    x, y = torch.tensor(data["X"]), torch.tensor(data["y"])

    def closure() -> Any:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(torch.tanh(x @ w1.T + b1) @ w2.T + b2, y)
        loss.backward()
        return loss

    return closure


def mlp_params(data: dict[str, np.ndarray]) -> list[Any]:
    return [torch.tensor(data[k], requires_grad=True) for k in ("W1", "b1", "W2", "b2")]


def flat(params: list[Any]) -> np.ndarray:
    return torch.cat([q.detach().reshape(-1) for q in params]).numpy().copy()


def record_mlp(out: dict[str, Any], data: dict[str, np.ndarray]) -> None:
    for i, (name, kwargs) in enumerate(MLP):
        params = mlp_params(data)
        opt = optimizer_class(name)(params, **kwargs)
        closure = mlp_closure(params, data, opt)
        traj, losses = [flat(params)], []
        for _ in range(50):
            losses.append(closure().item())
            opt.step()
            traj.append(flat(params))
        out[f"mlp/{i}/trajectory"], out[f"mlp/{i}/loss"] = np.array(traj), np.array(losses)


def record_lbfgs(out: dict[str, Any], data: dict[str, np.ndarray]) -> None:
    for i, kwargs in enumerate(LBFGS_ROSENBROCK):
        p = torch.tensor(START, requires_grad=True)
        opt = torch.optim.LBFGS([p], **kwargs)

        def closure(p: Any = p) -> Any:
            gx, gy = rosenbrock_grad(p.detach())
            p.grad = torch.stack([gx, gy])
            return rosenbrock_loss(p.detach())

        record_calls(out, f"lbfgs/rosenbrock/{i}", opt, closure, [p], 12)
    for i, kwargs in enumerate(LBFGS_MLP):
        params = mlp_params(data)
        opt = torch.optim.LBFGS(params, **kwargs)
        record_calls(out, f"lbfgs/mlp/{i}", opt, mlp_closure(params, data, opt), params, 8)


def record_calls(out: dict, key: str, opt: Any, closure: Any, params: list, calls: int) -> None:
    traj, losses, counts = [flat(params)], [], []
    for _ in range(calls):
        losses.append(float(opt.step(closure)))
        traj.append(flat(params))
        state = opt.state[params[0]]
        counts.append([state["func_evals"], state["n_iter"]])
    out[f"{key}/trajectory"], out[f"{key}/loss"] = np.array(traj), np.array(losses)
    out[f"{key}/counts"] = np.array(counts)


def record_adagrad_groups(out: dict[str, Any], data: dict[str, np.ndarray]) -> None:
    params = mlp_params(data)
    opt = torch.optim.Adagrad(
        [
            {"params": [params[0], params[2]]},
            {"params": [params[1], params[3]], "initial_accumulator_value": 3.0},
        ],
        lr=0.1,
        initial_accumulator_value=0.5,
    )
    closure = mlp_closure(params, data, opt)
    traj = [flat(params)]
    for _ in range(10):
        closure()
        opt.step()
        traj.append(flat(params))
    out["adagrad_groups"] = np.array(traj)
    out["adagrad_groups_sum_b1"] = opt.state[params[1]]["sum"].numpy().copy()


def main() -> None:
    if not torch.__version__.startswith("2.13."):
        raise SystemExit(f"record with torch 2.13, found {torch.__version__}")
    torch.set_default_dtype(torch.float64)
    data = mlp_data(np.random.default_rng(2024))
    out: dict[str, Any] = {}
    record_rosenbrock(out)
    record_mlp(out, data)
    record_lbfgs(out, data)
    record_adagrad_groups(out, data)
    out["configs"] = json.dumps(
        {
            "rosenbrock": [{"optimizer": n, "kwargs": k} for n, k in ROSENBROCK],
            "mlp": [{"optimizer": n, "kwargs": k} for n, k in MLP],
            "lbfgs_rosenbrock": LBFGS_ROSENBROCK,
            "lbfgs_mlp": LBFGS_MLP,
        }
    )
    arrays = {k: np.asarray(v) for k, v in out.items()}
    np.savez_compressed(OUT, **arrays)
    print(f"{OUT.name}: {len(arrays)} arrays, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
