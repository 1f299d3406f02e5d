"""The learning-rate schedule of a run chosen by name: defaults sized to the run's length.

``kobai train --schedule step`` must work without further options, so every schedule that
needs a length or a rate gets one from the run (``epochs``, the optimizer's ``lr``) unless the
user gives it with ``--schedule-opt KEY=VALUE``. The defaults are recomputed from the run's
length each time the run is built, so a run extended with ``--resume RUN --epochs N`` gets a
schedule re-planned (stretched) for ``N`` epochs.

>>> run_schedule_options("step", {}, epochs=15, lr=0.1)
{'step_size': 5, 'gamma': 0.1}
>>> run_schedule_options("exponential", {"gamma": 0.5}, epochs=15, lr=0.1)
{'gamma': 0.5}
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

# Required arguments that are Python objects (functions, other schedulers): no CLI form.
PYTHON_OBJECTS = {
    "lr_lambda": "a Python function (lr_lambda)",
    "schedulers": "other scheduler objects (schedulers)",
}


def python_only() -> dict[str, str]:
    """The schedules that need Python objects, and what they need, by name."""
    from kobai.optim.registry import SCHEDULERS

    found = {}
    for name, factory in SCHEDULERS.items():
        needs = [PYTHON_OBJECTS[n] for n in _required(factory) if n in PYTHON_OBJECTS]
        if needs:
            found[name] = " and ".join(needs)
    return found


#: The learning rate falls to this fraction of its start by the end of the run (exponential).
FINAL_FRACTION = 0.01


def _thirds(epochs: int) -> int:
    return max(1, math.ceil(epochs / 3))


# name -> defaults from (epochs, lr); "cosine", "polynomial", "warmup-cosine" and "onecycle"
# also get their length from ``optim.create_scheduler``.
DEFAULTS: dict[str, Callable[[int, float], dict[str, Any]]] = {
    "step": lambda epochs, lr: {"step_size": _thirds(epochs), "gamma": 0.1},
    "multistep": lambda epochs, lr: {
        "milestones": sorted({max(1, epochs // 2), max(1, 3 * epochs // 4)}),
        "gamma": 0.1,
    },
    "exponential": lambda epochs, lr: {"gamma": round(FINAL_FRACTION ** (1 / epochs), 6)},
    "cosine-restarts": lambda epochs, lr: {"T_0": _thirds(epochs)},
    "warmup-cosine": lambda epochs, lr: {"warmup_steps": max(1, epochs // 10)},
    "onecycle": lambda epochs, lr: {"max_lr": lr},
    "cyclic": lambda epochs, lr: {"base_lr": lr / 10, "max_lr": lr},
}


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def run_schedule_options(
    name: str, options: dict[str, Any], *, epochs: int, lr: float
) -> dict[str, Any]:
    """The scheduler arguments of a run: ``options`` over the defaults for ``epochs`` and ``lr``.

    Parameters
    ----------
    name : str
        A scheduler name of :func:`kobai.optim.available_schedulers`.
    options : dict
        The arguments the user gave (``--schedule-opt``); they win over the defaults.
    epochs : int
        The run's length: ``step`` drops the rate tenfold every third of it, ``multistep`` at
        its half and three quarters, ``exponential`` decays to 1 % of the rate over it,
        ``cosine-restarts`` restarts every third, ``warmup-cosine`` warms up over a tenth.
    lr : float
        The optimizer's learning rate (``onecycle``'s peak ``max_lr``; ``cyclic`` cycles
        between a tenth of it and it).

    Raises
    ------
    ValueError
        For a schedule that takes Python objects, or a required argument that is still missing;
        the message says how to give it.
    """
    from kobai import optim
    from kobai.optim.registry import SCHEDULERS

    key = _key(name)
    only = python_only()
    choices = [n for n in optim.available_schedulers() if n not in only]
    if key in only:
        raise ValueError(
            f"schedule {name!r} takes {only[key]} and cannot be chosen on the command "
            f"line; build it from Python, or choose one of: {', '.join(choices)}"
        )
    if key not in SCHEDULERS:
        raise ValueError(f"unknown schedule {name!r}; valid names: {', '.join(choices)}, none")
    filled = {**DEFAULTS[key](epochs, lr), **options} if key in DEFAULTS else dict(options)
    # The registry fills in the length of some schedules (T_max of "cosine", ...).
    from_run = getattr(optim.registry, "RUN_LENGTH", {}).get(key, ())
    missing = [n for n in _required(SCHEDULERS[key]) if n not in filled and n not in from_run]
    if missing:
        raise ValueError(
            f"schedule {name!r} needs {', '.join(missing)}: give it with "
            + " ".join(f"--schedule-opt {n}=VALUE" for n in missing)
            + " (or under [schedule_options] in the --config file)"
        )
    return filled


def _required(factory: Callable[..., Any]) -> list[str]:
    """The arguments of ``factory`` after the optimizer that have no default."""
    params = list(inspect.signature(factory).parameters.values())[1:]
    plain = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p.name for p in params if p.kind in plain and p.default is inspect.Parameter.empty]


def describe_options(options: dict[str, Any]) -> str:
    """``"step_size 5, gamma 0.1"``: a schedule's options as ``kobai train`` shows them."""
    return ", ".join(f"{k} {_short(v)}" for k, v in options.items())


def _short(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_short(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)
