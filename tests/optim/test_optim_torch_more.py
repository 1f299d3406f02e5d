"""Adamax, Rprop and LBFGS against PyTorch 2.13, Lion against its reference code and a float64
transcription of the paper's algorithm, Adagrad's per-group accumulator as PyTorch's
(recorded by scripts/record_torch_optim_more.py on the problems of record_torch_optim.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kobai as kb
from kobai import optim

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "optim"
with np.load(FIXTURES / "more.npz", allow_pickle=False) as _more:
    MORE = {k: _more[k] for k in _more.files}
with np.load(FIXTURES / "mlp.npz", allow_pickle=False) as _mlp:
    DATA = {k: _mlp[k] for k in ("X", "y", "W1", "b1", "W2", "b2")}
CONFIGS = json.loads(str(MORE["configs"]))
START = np.array([-1.2, 1.0])
RTOL, ATOL = 1e-10, 1e-14
CLASSES = {"Adamax": optim.Adamax, "Rprop": optim.Rprop, "Lion": optim.Lion}


def hyper(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p[0], p[1]
    a, b = 1 - x, y - x * x
    return np.array([-2 * a - 400 * x * b, 200 * b])


def rosenbrock_loss(p: np.ndarray) -> float:
    a, b = 1 - p[0], p[1] - p[0] * p[0]
    return float(a * a + 100 * b * b)


def mlp_loss_and_grads(params: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    """Mean cross-entropy of the tanh MLP (torch layout) and its gradients, in float64."""
    W1, b1, W2, b2 = params
    X, y = DATA["X"], DATA["y"]
    h = np.tanh(X @ W1.T + b1)
    z = h @ W2.T + b2
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    dz = np.exp(logp)
    dz[np.arange(n), y] -= 1.0
    dz /= n
    dpre = (dz @ W2) * (1 - h * h)
    loss = float(-logp[np.arange(n), y].mean())
    return loss, [dpre.T @ X, dpre.sum(0), dz.T @ h, dz.sum(0)]


def mlp_params() -> list[kb.Tensor]:
    return [
        kb.tensor(DATA[k], dtype=np.float64, requires_grad=True) for k in ("W1", "b1", "W2", "b2")
    ]


def flat(params: list[kb.Tensor]) -> np.ndarray:
    return np.concatenate([p.data.ravel() for p in params])


def mlp_closure(params: list[kb.Tensor]) -> Any:
    def closure() -> float:
        loss, grads = mlp_loss_and_grads([p.data for p in params])
        for p, g in zip(params, grads, strict=True):
            p.grad = g
        return loss

    return closure


def label(cfg: dict[str, Any]) -> str:
    return cfg.get("optimizer", "LBFGS") + str(cfg.get("kwargs", cfg))


@pytest.mark.parametrize(
    "i", range(len(CONFIGS["rosenbrock"])), ids=[label(c) for c in CONFIGS["rosenbrock"]]
)
def test_rosenbrock_trajectory(i):
    cfg = CONFIGS["rosenbrock"][i]
    expected = MORE[f"rosenbrock/{i}"]
    p = kb.tensor(START, dtype=np.float64, requires_grad=True)
    opt = CLASSES[cfg["optimizer"]]([p], **hyper(cfg["kwargs"]))
    sign = -1.0 if cfg["kwargs"].get("maximize") else 1.0
    traj = [p.data.copy()]
    for t in range(300):
        p.data[...] = expected[t]  # replayed from the reference's points (chaotic valley)
        p.grad = rosenbrock_grad(p.data) * sign
        opt.step()
        traj.append(p.data.copy())
    np.testing.assert_allclose(np.array(traj), expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("i", range(len(CONFIGS["mlp"])), ids=[label(c) for c in CONFIGS["mlp"]])
def test_mlp_trajectory(i):
    cfg = CONFIGS["mlp"][i]
    params = mlp_params()
    opt = CLASSES[cfg["optimizer"]](params, **hyper(cfg["kwargs"]))
    closure = mlp_closure(params)
    # Rprop moves by the sign of each gradient entry. After 44 steps some tanh units saturate
    # and their gradients are 1e-17 in PyTorch's autograd but exact zeros in the NumPy formula
    # here, which flips those signs: the runs are compared up to there.
    steps = 44 if cfg["optimizer"] == "Rprop" else 50
    traj, losses = [flat(params)], []
    for _ in range(steps):
        losses.append(closure())
        opt.step()
        traj.append(flat(params))
    expected = MORE[f"mlp/{i}/trajectory"][: steps + 1]
    np.testing.assert_allclose(losses, MORE[f"mlp/{i}/loss"][:steps], rtol=RTOL)
    np.testing.assert_allclose(np.array(traj), expected, rtol=RTOL, atol=ATOL)
    assert losses[-1] < losses[0]


def run_lbfgs(opt: optim.LBFGS, closure: Any, params: list[kb.Tensor], calls: int) -> tuple:
    traj, losses, counts = [flat(params)], [], []
    for _ in range(calls):
        losses.append(float(opt.step(closure)))
        traj.append(flat(params))
        state = opt.state[params[0]]
        counts.append([state["func_evals"], state["n_iter"]])
    return np.array(traj), np.array(losses), np.array(counts)


@pytest.mark.parametrize(
    "i", range(len(CONFIGS["lbfgs_rosenbrock"])), ids=lambda i: f"rosenbrock{i}"
)
def test_lbfgs_on_rosenbrock(i):
    p = kb.tensor(START, dtype=np.float64, requires_grad=True)
    opt = optim.LBFGS([p], **CONFIGS["lbfgs_rosenbrock"][i])

    def closure() -> float:
        p.grad = rosenbrock_grad(p.data)
        return rosenbrock_loss(p.data)

    traj, losses, counts = run_lbfgs(opt, closure, [p], 12)
    key = f"lbfgs/rosenbrock/{i}"
    np.testing.assert_array_equal(counts, MORE[f"{key}/counts"])
    np.testing.assert_allclose(traj, MORE[f"{key}/trajectory"], rtol=1e-9, atol=1e-12)
    # Near the minimum the loss is a difference of nearly equal numbers: compare it on the
    # scale of the starting loss (the runs differ by rounding in the dot products, amplified
    # by the line search, by under 1e-9 of that scale).
    np.testing.assert_allclose(losses, MORE[f"{key}/loss"], rtol=1e-9, atol=1e-9 * losses[0])


@pytest.mark.parametrize("i", range(len(CONFIGS["lbfgs_mlp"])), ids=lambda i: f"mlp{i}")
def test_lbfgs_on_the_mlp(i):
    params = mlp_params()
    opt = optim.LBFGS(params, **CONFIGS["lbfgs_mlp"][i])
    traj, losses, counts = run_lbfgs(opt, mlp_closure(params), params, 8)
    key = f"lbfgs/mlp/{i}"
    np.testing.assert_array_equal(counts, MORE[f"{key}/counts"])
    np.testing.assert_allclose(traj, MORE[f"{key}/trajectory"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses, MORE[f"{key}/loss"], rtol=1e-9)


def test_fixtures_cover_every_option():
    options = {k for c in CONFIGS["rosenbrock"] for k in c["kwargs"]}
    assert {"betas", "eps", "weight_decay", "maximize", "etas", "step_sizes"} <= options
    lbfgs = {k for c in CONFIGS["lbfgs_rosenbrock"] for k in c}
    assert {"line_search_fn", "history_size", "max_iter", "max_eval"} <= lbfgs
    assert {"tolerance_grad", "tolerance_change", "lr"} <= lbfgs
    # 12 calls of 20 iterations with the strong-Wolfe search reach the minimum (1, 1)
    np.testing.assert_allclose(MORE["lbfgs/rosenbrock/1/trajectory"][-1], [1.0, 1.0], atol=1e-4)


def lion_paper(
    theta: np.ndarray, grads: Any, steps: int, lr: float, b1: float, b2: float, wd: float
):
    """Program 1 of Chen et al. (2023), written out in float64."""
    m = np.zeros_like(theta)
    out = [theta.copy()]
    for _ in range(steps):
        g = grads(theta)
        c = b1 * m + (1 - b1) * g  # interpolation
        theta = theta - lr * (np.sign(c) + wd * theta)
        m = b2 * m + (1 - b2) * g  # momentum update
        out.append(theta.copy())
    return np.array(out)


@pytest.mark.parametrize(
    ("lr", "betas", "wd"), [(1e-3, (0.9, 0.99), 0.0), (3e-3, (0.95, 0.98), 0.5)]
)
def test_lion_is_the_papers_algorithm(lr, betas, wd):
    p = kb.tensor(START, dtype=np.float64, requires_grad=True)
    opt = optim.Lion([p], lr=lr, betas=betas, weight_decay=wd)
    traj = [p.data.copy()]
    for _ in range(200):
        p.grad = rosenbrock_grad(p.data)
        opt.step()
        traj.append(p.data.copy())
    expected = lion_paper(START.copy(), rosenbrock_grad, 200, lr, *betas, wd)
    # The paper decays with theta * (1 - lr wd) - lr sign(c): the same, up to rounding.
    np.testing.assert_allclose(np.array(traj), expected, rtol=1e-13, atol=1e-15)


def test_lion_golden_steps():
    # The reference implementation's first steps (lr 1e-3, betas (0.95, 0.98), decay 0):
    # every coordinate moves by exactly lr against the sign of the interpolated momentum.
    traj = MORE["rosenbrock/11"]
    np.testing.assert_allclose(np.diff(traj[:4], axis=0), [[1e-3, 1e-3]] * 3, rtol=1e-12)
    np.testing.assert_allclose(traj[3], [-1.197, 1.003], rtol=1e-14)


def test_adagrad_takes_the_constructors_accumulator_for_every_group_as_pytorch():
    params = mlp_params()
    opt = optim.Adagrad(
        [
            {"params": [params[0], params[2]]},
            {"params": [params[1], params[3]], "initial_accumulator_value": 3.0},
        ],
        lr=0.1,
        initial_accumulator_value=0.5,
    )
    assert opt.param_groups[1]["initial_accumulator_value"] == 3.0  # kept, but not used
    np.testing.assert_array_equal(opt.state[params[1]]["sum"], np.full(5, 0.5))
    closure = mlp_closure(params)
    traj = [flat(params)]
    for _ in range(10):
        closure()
        opt.step()
        traj.append(flat(params))
    np.testing.assert_allclose(np.array(traj), MORE["adagrad_groups"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        opt.state[params[1]]["sum"], MORE["adagrad_groups_sum_b1"], rtol=RTOL
    )
