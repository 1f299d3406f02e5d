"""One contract over every optimizer and scheduler of the registry.

Constructible with defaults, a readable repr, invalid hyper-parameters refused with a message
naming the value, a state_dict round trip that continues bit for bit like the uninterrupted run,
and (optimizers) the loss going down on a quadratic and on Rosenbrock.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import kobai as kb
from kobai import optim

OPTIMIZERS = optim.available()

# Variants that switch on every piece of state, for the round trip.
ROUND_TRIP = [(name, {}) for name in OPTIMIZERS] + [
    ("nesterov", {"weight_decay": 0.01, "maximize": False}),
    ("rmsprop", {"centered": True, "momentum": 0.9}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1}),
    ("adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.1}),
    ("nadam", {"decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("adamax", {"weight_decay": 0.1, "maximize": True}),
    ("rprop", {"etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2), "maximize": True}),
    ("lion", {"weight_decay": 0.1, "betas": (0.8, 0.9)}),
]

INVALID: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    *[(name, {"lr": -1.0}, ValueError, r"Invalid learning rate: -1\.0") for name in OPTIMIZERS],
    *[
        (name, {"weight_decay": -0.5}, ValueError, r"Invalid weight_decay value: -0\.5")
        for name in OPTIMIZERS
        if not name.startswith("textbook") and name != "rprop"  # Rprop has no weight decay
    ],
    ("sgd", {"momentum": -0.1}, ValueError, r"Invalid momentum value: -0\.1"),
    ("sgd", {"dampening": 1.5}, ValueError, r"Invalid dampening value: 1\.5"),
    ("sgd", {"nesterov": True}, ValueError, r"Nesterov momentum requires.*momentum=0\.0"),
    ("nesterov", {"dampening": 0.1}, ValueError, r"zero dampening.*dampening=0\.1"),
    ("sgd", {"nesterov": "yes"}, TypeError, "nesterov must be true or false, got 'yes'"),
    ("sgd", {"lr": "0.1"}, TypeError, r"lr must be a finite number, got '0\.1'"),
    ("adagrad", {"lr_decay": -1.0}, ValueError, r"Invalid lr_decay value: -1\.0"),
    ("adagrad", {"initial_accumulator_value": -1.0}, ValueError, r"initial_accumulator_value"),
    ("adagrad", {"eps": -1e-10}, ValueError, r"Invalid epsilon value: -1e-10"),
    ("rmsprop", {"alpha": 1.5}, ValueError, r"Invalid alpha value: 1\.5"),
    ("rmsprop", {"momentum": -0.9}, ValueError, r"Invalid momentum value: -0\.9"),
    ("adam", {"betas": (1.0, 0.999)}, ValueError, r"Invalid beta parameter at index 0: 1\.0"),
    ("adamw", {"betas": (0.9, -0.1)}, ValueError, r"Invalid beta parameter at index 1: -0\.1"),
    ("nadam", {"betas": (0.9,)}, TypeError, r"betas must be a pair"),
    ("radam", {"eps": -1.0}, ValueError, r"Invalid epsilon value: -1\.0"),
    ("adam", {"amsgrad": 1}, TypeError, "amsgrad must be true or false, got 1"),
    ("nadam", {"momentum_decay": -1.0}, ValueError, r"Invalid momentum_decay value: -1\.0"),
    ("adadelta", {"rho": 1.5}, ValueError, r"Invalid rho value: 1\.5"),
    ("adamax", {"betas": (0.9, 1.0)}, ValueError, r"Invalid beta parameter at index 1: 1\.0"),
    ("adamax", {"eps": -1.0}, ValueError, r"Invalid epsilon value: -1\.0"),
    ("rprop", {"etas": (1.2, 0.5)}, ValueError, r"Invalid eta values: 1\.2, 0\.5"),
    ("rprop", {"etas": (0.5,)}, TypeError, r"etas must be a pair of numbers"),
    ("rprop", {"step_sizes": (1.0, 0.1)}, ValueError, r"need 0 <= min <= max, got \(1\.0, 0\.1\)"),
    ("lion", {"betas": (-0.1, 0.99)}, ValueError, r"Invalid beta parameter at index 0: -0\.1"),
    ("lbfgs", {"lr": -1.0}, ValueError, r"Invalid learning rate: -1\.0"),
    ("lbfgs", {"max_iter": 0}, ValueError, "max_iter must be an integer >= 1, got 0"),
    ("lbfgs", {"history_size": 2.5}, TypeError, r"history_size must be an integer >= 1, got 2\.5"),
    ("lbfgs", {"line_search_fn": "armijo"}, ValueError, "None or 'strong_wolfe', got 'armijo'"),
    ("textbook-momentum", {"momentum": 1.0}, ValueError, r"Invalid momentum value: 1\.0"),
    ("textbook-rmsprop", {"decay_rate": 2.0}, ValueError, r"Invalid decay_rate value: 2\.0"),
    ("textbook-adam", {"beta2": 1.0}, ValueError, r"Invalid beta parameter at index 1: 1\.0"),
]


def params_like(rng: np.random.Generator) -> list[kb.Tensor]:
    return [
        kb.tensor(rng.standard_normal((3, 2)), requires_grad=True, dtype=np.float64),
        kb.tensor(rng.standard_normal(2), requires_grad=True, dtype=np.float64),
    ]


def fake_grads(params: list[kb.Tensor], t: int) -> None:
    """A smooth, parameter-dependent gradient so that the state matters."""
    for i, p in enumerate(params):
        p.grad = np.sin(p.data * (i + 1) + 0.1 * t) + 0.3 * p.data


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_constructible_with_defaults_and_repr(name, rng):
    opt = optim.create(name, params_like(rng))
    assert isinstance(opt, optim.Optimizer)
    assert repr(opt).startswith(f"{type(opt).__name__} (\nParameter Group 0")
    assert len(opt.param_groups) == 1 and opt.param_groups[0]["lr"] >= 0


@pytest.mark.parametrize(("name", "hyper", "error", "message"), INVALID, ids=lambda v: str(v)[:30])
def test_invalid_hyper_parameters_are_refused(name, hyper, error, message, rng):
    with pytest.raises(error, match=message):
        optim.create(name, params_like(rng), **hyper)


@pytest.mark.parametrize(("name", "hyper"), ROUND_TRIP, ids=lambda v: str(v))
def test_state_dict_round_trip_continues_bit_for_bit(name, hyper, rng):
    params = params_like(rng)
    opt = optim.create(name, params, **hyper)
    for t in range(20):
        fake_grads(params, t)
        opt.step()
    saved = opt.state_dict()
    copies = [kb.tensor(p.data.copy(), requires_grad=True) for p in params]
    resumed = optim.create(name, copies)  # default hyper-parameters: the dict restores them
    resumed.load_state_dict(saved)
    for t in range(20, 35):
        for group in (params, copies):
            fake_grads(group, t)
        opt.step()
        resumed.step()
    for p, q in zip(params, copies, strict=True):
        assert np.array_equal(p.data, q.data)
    assert resumed.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def quadratic_loss(w: np.ndarray) -> float:
    return float(0.5 * (w[0] ** 2 + 10 * w[1] ** 2))


# Rosenbrock needs a small rate for plain gradient steps (the curvature reaches ~1300); Lion
# moves every weight by exactly lr per step, so its default 1e-4 covers 0.05 in 500 steps.
ROSENBROCK_LR = {
    "textbook-sgd": 1e-3,
    "textbook-momentum": 1e-3,
    "textbook-nesterov": 1e-3,
    "lion": 1e-3,
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_loss_goes_down_on_a_quadratic(name):
    w = kb.tensor([1.0, 1.0], dtype=np.float64, requires_grad=True)
    opt = optim.create(name, [w], **({"lr": ROSENBROCK_LR[name]} if name == "lion" else {}))
    losses = [quadratic_loss(w.data)]
    for _ in range(200):
        w.grad = np.array([1.0, 10.0]) * w.data
        opt.step()
        losses.append(quadratic_loss(w.data))
    assert losses[-1] < 0.9 * losses[0]
    assert np.all(np.isfinite(losses))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_loss_goes_down_on_rosenbrock(name):
    w = kb.tensor([-1.2, 1.0], dtype=np.float64, requires_grad=True)
    opt = optim.create(name, [w], **({"lr": ROSENBROCK_LR[name]} if name in ROSENBROCK_LR else {}))

    def f(p: np.ndarray) -> float:
        return float((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2)

    start = f(w.data)
    for _ in range(500):
        x, y = w.data
        w.grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        opt.step()
    assert f(w.data) < 0.2 * start  # 24.2 -> below 4.84


# --- schedulers -----------------------------------------------------------------------------

SCHEDULER_ARGS: dict[str, dict[str, Any]] = {
    "lambda": {"lr_lambda": lambda t: 0.9**t},
    "multiplicative": {"lr_lambda": lambda t: 0.95},
    "constant": {"factor": 0.5, "total_iters": 7},
    "cyclic": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 6, "mode": "triangular2"},
    "step": {"step_size": 5},
    "multistep": {"milestones": [3, 8, 8]},
    "exponential": {"gamma": 0.9},
    "cosine": {"T_max": 12, "eta_min": 0.01},
    "cosine-restarts": {"T_0": 4, "T_mult": 2},
    "linear": {},
    "polynomial": {"total_iters": 30, "power": 2.0},
    "onecycle": {"max_lr": 1.0, "total_steps": 60},
    "plateau": {"patience": 1, "factor": 0.5},
    "warmup-cosine": {"warmup_steps": 5, "total_steps": 40},
}


def build(name: str, opt: optim.Optimizer) -> Any:
    from kobai.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LinearLR, StepLR

    if name == "sequential":
        inner = [LinearLR(opt, start_factor=0.2, total_iters=4), ExponentialLR(opt, gamma=0.8)]
        return optim.create_scheduler(name, opt, schedulers=inner, milestones=[4])
    if name == "chained":
        inner = [LinearLR(opt, start_factor=0.2, total_iters=4), StepLR(opt, 3, 0.5)]
        inner.append(CosineAnnealingLR(opt, T_max=15))
        return optim.create_scheduler(name, opt, schedulers=inner)
    return optim.create_scheduler(name, opt, **SCHEDULER_ARGS[name])


def sgd() -> optim.Optimizer:
    return optim.SGD([kb.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)


def advance(sched: Any, name: str, t: int) -> None:
    if name == "plateau":
        sched.step(1.0 / (1 + t) if t < 10 else 0.1)
    else:
        sched.step()


def test_every_scheduler_is_in_the_contract():
    assert set(optim.available_schedulers()) == {*SCHEDULER_ARGS, "sequential", "chained"}


@pytest.mark.parametrize("name", optim.available_schedulers())
def test_scheduler_constructible_and_repr(name):
    sched = build(name, sgd())
    assert sched.last_epoch == 0
    assert sched.get_last_lr() and all(lr >= 0 for lr in sched.get_last_lr())
    assert type(sched).__name__ in repr(sched)
    assert sched.base_lrs


@pytest.mark.parametrize("name", optim.available_schedulers())
def test_scheduler_state_dict_round_trip(name):
    opt = sgd()
    sched = build(name, opt)
    for t in range(20):
        opt.step()
        advance(sched, name, t)
    saved_opt, saved = opt.state_dict(), sched.state_dict()
    opt2 = sgd()
    sched2 = build(name, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved)
    a, b = [], []
    for t in range(20, 45):
        for o, s, out in ((opt, sched, a), (opt2, sched2, b)):
            o.step()
            advance(s, name, t)
            out.append((s.get_last_lr(), o.param_groups[0]["lr"], o.param_groups[0]["momentum"]))
    assert a == b


INVALID_SCHEDULERS: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    ("step", {"step_size": 0}, ValueError, "step_size must be an integer >= 1, got 0"),
    ("step", {"step_size": 2.5}, TypeError, r"step_size must be an integer >= 1, got 2\.5"),
    (
        "step",
        {"step_size": 3, "gamma": -0.1},
        ValueError,
        r"gamma must be a finite number > 0, got -0\.1",
    ),
    (
        "multistep",
        {"milestones": [5, -2]},
        ValueError,
        r"milestones must be an integer >= 0, got -2",
    ),
    (
        "constant",
        {"factor": 1.5},
        ValueError,
        r"factor must be a finite number in \(0, 1\], got 1\.5",
    ),
    ("cyclic", {"base_lr": 0.1, "max_lr": 1, "mode": "x"}, ValueError, "mode must be one of"),
    ("cyclic", {"base_lr": 0.1, "max_lr": 1, "step_size_up": 0}, ValueError, "step_size_up"),
    ("multiplicative", {"lr_lambda": [abs, abs]}, ValueError, "lr_lambda has 2 values"),
    ("exponential", {"gamma": 0.0}, ValueError, r"gamma must be a finite number > 0, got 0\.0"),
    ("cosine", {"T_max": 0}, ValueError, "T_max must be an integer >= 1, got 0"),
    (
        "cosine",
        {"T_max": 5, "eta_min": -1.0},
        ValueError,
        r"eta_min must be a finite number >= 0, got -1\.0",
    ),
    (
        "cosine-restarts",
        {"T_0": 5, "T_mult": 0},
        ValueError,
        "T_mult must be an integer >= 1, got 0",
    ),
    ("linear", {"start_factor": 0.0}, ValueError, r"start_factor must be in \(0, 1\], got 0\.0"),
    ("linear", {"end_factor": 1.5}, ValueError, r"end_factor must be in \[0, 1\], got 1\.5"),
    ("polynomial", {"power": -1.0}, ValueError, r"power must be a finite number >= 0, got -1\.0"),
    ("onecycle", {"max_lr": 1.0}, ValueError, "total_steps or both epochs and steps_per_epoch"),
    ("onecycle", {"max_lr": 1.0, "total_steps": 9, "pct_start": 1.5}, ValueError, "pct_start"),
    ("onecycle", {"max_lr": 1.0, "total_steps": 9, "anneal_strategy": "quad"}, ValueError, "quad"),
    ("plateau", {"factor": 1.0}, ValueError, r"factor must be < 1.0, got 1\.0"),
    ("plateau", {"mode": "avg"}, ValueError, "mode must be 'min' or 'max', got 'avg'"),
    ("plateau", {"threshold_mode": "x"}, ValueError, "threshold_mode must be 'rel' or 'abs'"),
    ("plateau", {"patience": -1}, ValueError, "patience must be an integer >= 0, got -1"),
    ("lambda", {"lr_lambda": 3}, TypeError, "lr_lambda must be callable, got int"),
    ("warmup-cosine", {"warmup_steps": 5, "total_steps": 5}, ValueError, "total_steps must be >"),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"), INVALID_SCHEDULERS, ids=lambda v: str(v)[:30]
)
def test_invalid_scheduler_arguments_are_refused(name, kwargs, error, message):
    with pytest.raises(error, match=message):
        optim.create_scheduler(name, sgd(), **kwargs)
