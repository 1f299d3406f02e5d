"""kobai.optim against trajectories recorded from torch.optim 2.13 (scripts/record_torch_optim.py).

Everything is float64 and must agree to 1e-10 relative. The recorded runs agree far closer
(PyTorch's fused multiply-adds leave one-ulp differences at most), but on Rosenbrock's valley
some runs are chaotic: a one-ulp difference after ~180 steps grows to 1e-4 by step 300. So the
whole 300 steps are replayed step by step from PyTorch's own points (the optimizer's state is
kobai's throughout), and the free-running trajectory is compared over its first 150 steps.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kobai as kb
from kobai import optim
from kobai.optim import lr_scheduler as L

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "optim"

CLASSES: dict[str, Any] = {
    "SGD": optim.SGD,
    "Adagrad": optim.Adagrad,
    "RMSprop": optim.RMSprop,
    "Adam": optim.Adam,
    "AdamW": optim.AdamW,
    "NAdam": optim.NAdam,
    "RAdam": optim.RAdam,
    "Adadelta": optim.Adadelta,
}

# The lambdas that scripts/record_torch_optim.py names in its LambdaLR configurations.
LAMBDAS = {"pow095": lambda t: 0.95**t, "inverse": lambda t: 1.0 / (1.0 + 0.1 * t)}


def load_fixture(name: str) -> tuple[dict[str, np.ndarray], list[dict[str, Any]]]:
    """The arrays of ``tests/fixtures/optim/<name>.npz`` and its configurations."""
    with np.load(FIXTURES / f"{name}.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    return arrays, json.loads(str(arrays["configs"]))


def config_id(cfg: dict[str, Any]) -> str:
    name = cfg.get("optimizer") or cfg.get("scheduler")
    kwargs = ",".join(f"{k}={v}" for k, v in cfg.get("kwargs", {}).items())
    return f"{name}({kwargs})" + ("+groups" if "groups" in cfg else "")


def hyper(kwargs: dict[str, Any]) -> dict[str, Any]:
    """JSON kwargs as Python ones (betas back to a tuple)."""
    return {k: tuple(v) if k == "betas" else v for k, v in kwargs.items()}


def rosenbrock(p: np.ndarray) -> float:
    x, y = p[0], p[1]
    return float((1 - x) ** 2 + 100 * (y - x * x) ** 2)


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    """The same float64 formula as the recording script."""
    x, y = p[0], p[1]
    a = 1 - x
    b = y - x * x
    return np.array([-2 * a - 400 * x * b, 200 * b])


def mlp_loss_and_grads(
    params: list[np.ndarray], X: np.ndarray, y: np.ndarray
) -> tuple[float, list[np.ndarray]]:
    """Mean cross-entropy of a tanh MLP (torch layout: W is (out, in)) and its gradients."""
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1.T + b1)
    z = h @ W2.T + b2
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -logp[np.arange(n), y].mean()
    dz = np.exp(logp)
    dz[np.arange(n), y] -= 1.0
    dz /= n
    dh = dz @ W2
    dpre = dh * (1 - h * h)
    return float(loss), [dpre.T @ X, dpre.sum(0), dz.T @ h, dz.sum(0)]


def mlp_params(arrays: dict[str, np.ndarray]) -> list[kb.Tensor]:
    return [
        kb.tensor(arrays[k], dtype=np.float64, requires_grad=True) for k in ("W1", "b1", "W2", "b2")
    ]


def make_scheduler(cfg: dict[str, Any], opt: optim.Optimizer) -> Any:
    kwargs = dict(cfg["kwargs"])
    if cfg["scheduler"] == "LambdaLR":
        kwargs["lr_lambda"] = LAMBDAS[kwargs["lr_lambda"]]
    if cfg["scheduler"] == "SequentialLR":
        kwargs["schedulers"] = [getattr(L, n)(opt, **kw) for n, kw in cfg["inner"]]
    return getattr(L, cfg["scheduler"])(opt, **kwargs)


def scheduler_optimizer(cfg: dict[str, Any]) -> optim.Optimizer:
    """The optimizer the recording script used for a scheduler configuration."""
    lrs = cfg.get("lrs", [0.1])
    groups = [{"params": [kb.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs]
    if cfg.get("optimizer", "SGD") == "SGD":
        return optim.SGD(groups, momentum=0.9)
    return CLASSES[cfg["optimizer"]](groups)


def momenta(opt: optim.Optimizer) -> list[float]:
    key = "betas" if "betas" in opt.defaults else "momentum"
    return [g[key][0] if key == "betas" else g[key] for g in opt.param_groups]


RTOL = 1e-10
# Coordinates pass close to zero; this floor is 1e-14 of the trajectories' unit scale.
ATOL = 1e-14

ROSEN, ROSEN_CONFIGS = load_fixture("rosenbrock")
MLP, MLP_CONFIGS = load_fixture("mlp")
SCHED, SCHED_CONFIGS = load_fixture("schedulers")


def rosenbrock_run(i: int, *, forced: bool, steps: int) -> tuple[np.ndarray, np.ndarray]:
    cfg = ROSEN_CONFIGS[i]
    expected = ROSEN[f"{i}/trajectory"][: steps + 1]
    p = kb.tensor(ROSEN["start"], dtype=np.float64, requires_grad=True)
    opt = CLASSES[cfg["optimizer"]]([p], **hyper(cfg["kwargs"]))
    sign = -1.0 if cfg["kwargs"].get("maximize") else 1.0
    traj = [p.data.copy()]
    for t in range(steps):
        if forced:
            p.data[...] = expected[t]
        p.grad = rosenbrock_grad(p.data) * sign
        opt.step()
        traj.append(p.data.copy())
    return np.array(traj), expected


def test_fixtures_cover_every_optimizer_and_option():
    recorded = {c["optimizer"] for c in ROSEN_CONFIGS}
    assert recorded == set(CLASSES)
    options = {k for c in ROSEN_CONFIGS for k in c["kwargs"]}
    assert {"momentum", "dampening", "nesterov", "weight_decay", "maximize", "amsgrad"} <= options
    assert {"lr_decay", "initial_accumulator_value", "centered", "alpha", "rho"} <= options
    assert {"betas", "momentum_decay", "decoupled_weight_decay", "eps"} <= options
    assert ROSEN["0/trajectory"].shape == (301, 2)


@pytest.mark.parametrize("i", range(len(ROSEN_CONFIGS)), ids=[config_id(c) for c in ROSEN_CONFIGS])
def test_rosenbrock_step_by_step(i):
    traj, expected = rosenbrock_run(i, forced=True, steps=300)
    np.testing.assert_allclose(traj, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("i", range(len(ROSEN_CONFIGS)), ids=[config_id(c) for c in ROSEN_CONFIGS])
def test_rosenbrock_free_running(i):
    traj, expected = rosenbrock_run(i, forced=False, steps=150)
    np.testing.assert_allclose(traj, expected, rtol=RTOL, atol=ATOL)


def make_mlp_optimizer(cfg: dict, params: list[kb.Tensor]):
    cls = CLASSES[cfg["optimizer"]]
    if "groups" in cfg:
        weights, biases = cfg["groups"]
        return cls(
            [
                {"params": [params[0], params[2]], **hyper(weights)},
                {"params": [params[1], params[3]], **hyper(biases)},
            ]
        )
    return cls(params, **hyper(cfg["kwargs"]))


@pytest.mark.parametrize("i", range(len(MLP_CONFIGS)), ids=[config_id(c) for c in MLP_CONFIGS])
def test_mlp_cross_entropy_trajectory(i):
    cfg = MLP_CONFIGS[i]
    params = mlp_params(MLP)
    opt = make_mlp_optimizer(cfg, params)
    traj, losses = [np.concatenate([p.data.ravel() for p in params])], []
    for _ in range(50):
        opt.zero_grad()
        loss, grads = mlp_loss_and_grads([p.data for p in params], MLP["X"], MLP["y"])
        for p, g in zip(params, grads, strict=True):
            p.grad = g
        opt.step()
        losses.append(loss)
        traj.append(np.concatenate([p.data.ravel() for p in params]))
    np.testing.assert_allclose(losses, MLP[f"{i}/loss"], rtol=RTOL)
    np.testing.assert_allclose(np.array(traj), MLP[f"{i}/trajectory"], rtol=RTOL, atol=ATOL)
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("i", range(len(SCHED_CONFIGS)), ids=[config_id(c) for c in SCHED_CONFIGS])
def test_scheduler_learning_rates(i):
    cfg = SCHED_CONFIGS[i]
    opt = scheduler_optimizer(cfg)
    sched = make_scheduler(cfg, opt)
    sign = -1.0 if cfg.get("metric") == "negated" else 1.0
    lrs, moms = [sched.get_last_lr()], [momenta(opt)]
    for t in range(100):
        opt.step()
        if cfg["scheduler"] == "ReduceLROnPlateau":
            sched.step(sign * SCHED["metrics"][t])
        else:
            sched.step()
        lrs.append(sched.get_last_lr())
        moms.append(momenta(opt))
    np.testing.assert_allclose(np.array(lrs), SCHED[f"{i}/lr"], rtol=RTOL, atol=0)
    # The schedulers step with PyTorch's own recursive arithmetic: the rates agree to
    # rounding (well within 1e-13 relative); zeros are exact.
    expected = SCHED[f"{i}/lr"]
    gap = np.abs(np.array(lrs) - expected)
    assert np.all(gap <= 1e-13 * np.abs(expected))
    np.testing.assert_allclose(np.array(moms), SCHED[f"{i}/momentum"], rtol=RTOL, atol=0)
    assert [g["lr"] for g in opt.param_groups] == lrs[-1]


def test_scheduler_fixtures_cover_every_scheduler():
    names = {c["scheduler"] for c in SCHED_CONFIGS}
    assert names == {
        "LambdaLR",
        "StepLR",
        "MultiStepLR",
        "ExponentialLR",
        "CosineAnnealingLR",
        "CosineAnnealingWarmRestarts",
        "LinearLR",
        "OneCycleLR",
        "PolynomialLR",
        "SequentialLR",
        "ReduceLROnPlateau",
    }
    # OneCycleLR cycles SGD's momentum and Adam's beta1 by default
    cycled = [i for i, c in enumerate(SCHED_CONFIGS) if c["scheduler"] == "OneCycleLR"][:2]
    for i in cycled:
        assert np.ptp(SCHED[f"{i}/momentum"]) == pytest.approx(0.1)
