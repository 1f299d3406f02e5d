"""Every optimizer and scheduler by name, so the CLI and the studies can build them from strings.

>>> import kobai as kb
>>> from kobai import optim
>>> w = kb.tensor([1.0], requires_grad=True)
>>> opt = optim.create("momentum", [w], lr=0.1)
>>> type(opt).__name__, opt.param_groups[0]["momentum"]
('SGD', 0.9)
>>> sched = optim.create_scheduler("step", opt, step_size=10)
>>> type(sched).__name__
'StepLR'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from kobai.optim import textbook
from kobai.optim._sequential import ChainedScheduler, warmup_cosine
from kobai.optim.adadelta import Adadelta
from kobai.optim.adagrad import Adagrad
from kobai.optim.adam import Adam, AdamW
from kobai.optim.adamax import Adamax
from kobai.optim.lbfgs import LBFGS
from kobai.optim.lion import Lion
from kobai.optim.lr_scheduler import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from kobai.optim.nadam import NAdam
from kobai.optim.optimizer import Optimizer, ParamsT
from kobai.optim.radam import RAdam
from kobai.optim.rmsprop import RMSprop
from kobai.optim.rprop import Rprop
from kobai.optim.sgd import SGD

# name -> (class, preset hyper-parameters that the caller may override)
OPTIMIZERS: dict[str, tuple[type[Optimizer], dict[str, Any]]] = {
    "sgd": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (Adagrad, {}),
    "rmsprop": (RMSprop, {}),
    "adam": (Adam, {}),
    "adamw": (AdamW, {}),
    "nadam": (NAdam, {}),
    "radam": (RAdam, {}),
    "adadelta": (Adadelta, {}),
    "adamax": (Adamax, {}),
    "rprop": (Rprop, {}),
    "lion": (Lion, {}),
    "lbfgs": (LBFGS, {}),
    "textbook-sgd": (textbook.SGD, {}),
    "textbook-momentum": (textbook.Momentum, {}),
    "textbook-nesterov": (textbook.Nesterov, {}),
    "textbook-adagrad": (textbook.AdaGrad, {}),
    "textbook-rmsprop": (textbook.RMSprop, {}),
    "textbook-adam": (textbook.Adam, {}),
}


def chained(optimizer: Optimizer, schedulers: list[Any]) -> ChainedScheduler:
    """:class:`ChainedScheduler` with the optimizer first, as every factory here takes it."""
    return ChainedScheduler(schedulers, optimizer)


# Optimizers whose step needs a closure that re-evaluates the loss: left out of the names a
# per-update loop can use (``available()``), listed with ``available(closure=True)``.
NEEDS_CLOSURE = frozenset({"lbfgs"})

SCHEDULERS: dict[str, Callable[..., Any]] = {
    "lambda": LambdaLR,
    "multiplicative": MultiplicativeLR,
    "constant": ConstantLR,
    "step": StepLR,
    "multistep": MultiStepLR,
    "exponential": ExponentialLR,
    "cosine": CosineAnnealingLR,
    "cosine-restarts": CosineAnnealingWarmRestarts,
    "linear": LinearLR,
    "polynomial": PolynomialLR,
    "onecycle": OneCycleLR,
    "cyclic": CyclicLR,
    "sequential": SequentialLR,
    "chained": chained,
    "plateau": ReduceLROnPlateau,
    "warmup-cosine": warmup_cosine,
}


def _normalize(name: Any, table: dict[str, Any], kind: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("_", "-")
    if key not in table:
        raise ValueError(f"unknown {kind} {name!r}; valid names: {', '.join(sorted(table))}")
    return key


def hyperparameters(factory: Callable[..., Any]) -> list[str]:
    """The keyword arguments ``factory`` accepts after its first (params or optimizer)."""
    names = list(inspect.signature(factory).parameters)
    return names[1:]


def _check_names(name: str, factory: Callable[..., Any], given: dict[str, Any]) -> None:
    valid = hyperparameters(factory)
    unknown = sorted(set(given) - set(valid))
    if unknown:
        raise ValueError(
            f"unknown hyper-parameter(s) {', '.join(unknown)} for {name!r}; "
            f"valid: {', '.join(valid)}"
        )


def create(name: str, params: ParamsT, **hyper: Any) -> Optimizer:
    """Build an optimizer from its name.

    Parameters
    ----------
    name : str
        One of :func:`available` (case and ``_``/``-`` do not matter).
    params : iterable of Tensor or of dict
        The parameters (e.g. ``model.parameters()``).
    **hyper
        Hyper-parameters of that optimizer (``lr``, ``momentum``, ``betas``, ...); they
        override the preset of names such as ``"momentum"`` (SGD with momentum 0.9).

    Raises
    ------
    ValueError
        For an unknown name or an unknown hyper-parameter (the message lists the valid ones).
    """
    key = _normalize(name, OPTIMIZERS, "optimizer")
    cls, preset = OPTIMIZERS[key]
    _check_names(key, cls, hyper)
    return cls(params, **{**preset, **hyper})


# Arguments that a run's length fills in when they are not given: (name, unit) per scheduler.
RUN_LENGTH: dict[str, tuple[str, str]] = {
    "cosine": ("T_max", "epochs"),
    "polynomial": ("total_iters", "epochs"),
    "warmup-cosine": ("total_steps", "epochs"),
    "onecycle": ("total_steps", "steps"),
}


def _fill_run_length(
    key: str, kwargs: dict[str, Any], epochs: int | None, steps_per_epoch: int | None
) -> dict[str, Any]:
    if key not in RUN_LENGTH or RUN_LENGTH[key][0] in kwargs or epochs is None:
        return kwargs
    name, unit = RUN_LENGTH[key]
    if unit == "epochs":
        return {**kwargs, name: epochs}
    if steps_per_epoch is None or "epochs" in kwargs:
        return kwargs
    return {**kwargs, "epochs": epochs, "steps_per_epoch": steps_per_epoch}


def create_scheduler(
    name: str,
    optimizer: Optimizer,
    *,
    epochs: int | None = None,
    steps_per_epoch: int | None = None,
    **kwargs: Any,
) -> Any:
    """Build a learning-rate scheduler from its name.

    Parameters
    ----------
    name : str
        One of :func:`available_schedulers`.
    optimizer : Optimizer
        The optimizer it drives.
    epochs, steps_per_epoch : int, optional
        The length of the run, when known. They fill in the length of schedules that need one
        and were not given it (``T_max`` of "cosine", ``total_iters`` of "polynomial",
        ``total_steps`` of "warmup-cosine", all in epochs; ``epochs`` and
        ``steps_per_epoch`` of "onecycle", which counts updates); other schedulers ignore them.
    **kwargs
        The scheduler's own arguments (``step_size``, ``T_max``, ...).

    Returns
    -------
    LRScheduler
        Its ``interval`` attribute says when to call ``step()``: ``"epoch"``, or ``"step"``
        (after every optimizer update) for "onecycle" and "cyclic"; ``needs_metric`` says
        whether ``step`` takes the monitored metric ("plateau").
    """
    key = _normalize(name, SCHEDULERS, "scheduler")
    factory = SCHEDULERS[key]
    _check_names(key, factory, kwargs)
    return factory(optimizer, **_fill_run_length(key, kwargs, epochs, steps_per_epoch))


def needs_closure(name: str) -> bool:
    """True for an optimizer whose ``step`` must be given a closure that re-evaluates the loss
    (``"lbfgs"``): a loop that calls ``step()`` after its own backward pass cannot drive it."""
    return _normalize(name, OPTIMIZERS, "optimizer") in NEEDS_CLOSURE


def available(*, closure: bool = False) -> list[str]:
    """The optimizer names :func:`create` accepts for a loop that calls ``step()`` after each
    backward pass; with ``closure=True`` also those whose ``step(closure)`` re-evaluates the
    loss itself (``"lbfgs"``)."""
    return [name for name in OPTIMIZERS if closure or name not in NEEDS_CLOSURE]


def available_schedulers() -> list[str]:
    """The scheduler names :func:`create_scheduler` accepts."""
    return list(SCHEDULERS)
