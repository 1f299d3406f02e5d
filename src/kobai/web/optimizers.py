"""Optimizer choices of a request: ``opt=adam,lr=0.05,betas=0.9/0.999`` (repeatable).

Each ``opt`` value names one registered optimizer (:func:`kobai.optim.available`) followed by
``key=value`` hyper-parameters. Only the hyper-parameters listed in :data:`HYPER` can be set,
each within its own bounds; the optimizer's constructor then checks the combination (e.g.
Nesterov needs a momentum).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from kobai.web.params import LIMITS, BadRequest, bad, parse_bool, parse_choice, parse_number

# name -> (kind, low, high); kind is "float", "bool" or "pair" (two floats a/b).
HYPER: dict[str, tuple[str, float, float]] = {
    "lr": ("float", *LIMITS["lr"]),
    "momentum": ("float", 0.0, 0.999),
    "betas": ("pair", 0.0, 0.9999),
    "beta1": ("float", 0.0, 0.9999),
    "beta2": ("float", 0.0, 0.9999),
    "alpha": ("float", 0.0, 0.9999),
    "rho": ("float", 0.0, 0.9999),
    "decay_rate": ("float", 0.0, 0.9999),
    "nesterov": ("bool", 0, 1),
    "amsgrad": ("bool", 0, 1),
    "centered": ("bool", 0, 1),
    "eps": ("float", 1e-12, 1.0),
    "weight_decay": ("float", 0.0, 1.0),
    "dampening": ("float", 0.0, 1.0),
    "lr_decay": ("float", 0.0, 1.0),
    "momentum_decay": ("float", 0.0, 1.0),
    "initial_accumulator_value": ("float", 0.0, 10.0),
    "decoupled_weight_decay": ("bool", 0, 1),
}

# Shown as controls on the page (the rest can still be set in the URL).
MAIN = ("lr", "momentum", "betas", "beta1", "beta2", "alpha", "rho", "decay_rate")
FLAGS = ("nesterov", "amsgrad", "centered")


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer of a race: its registered name, the hyper-parameters set, a label."""

    name: str
    hyper: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    def config(self) -> dict[str, Any]:
        """``{"name": ..., **hyper}`` as :func:`kobai.landscape.descend` takes it."""
        return {"name": self.name, **self.hyper}

    def text(self) -> str:
        """The URL form, ``adam,lr=0.05``."""
        return ",".join([self.name] + [f"{k}={format_value(v)}" for k, v in self.hyper.items()])


def format_value(value: Any) -> str:
    """A hyper-parameter as URLs write it: ``1``/``0`` (flags), ``a/b`` (pairs), or a number."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return "/".join(format_value(v) for v in value)
    return repr(float(value)) if not float(value).is_integer() else f"{value:g}"


def registered() -> list[str]:
    """The names of every optimizer the registry knows."""
    from kobai import optim

    return list(optim.available())


def signature_defaults(name: str) -> dict[str, Any]:
    """The hyper-parameters of ``name`` that the page may set, with their effective defaults."""
    from kobai.optim.registry import OPTIMIZERS

    cls, preset = OPTIMIZERS[name]
    defaults: dict[str, Any] = {}
    for pname, param in list(inspect.signature(cls).parameters.items())[1:]:
        if pname in HYPER and param.default is not inspect.Parameter.empty:
            defaults[pname] = param.default
    defaults.update({k: v for k, v in preset.items() if k in HYPER})
    return defaults


def _parse_value(key: str, text: str) -> Any:
    kind, low, high = HYPER[key]
    if kind == "bool":
        return parse_bool(key, text)
    elif kind == "pair":
        parts = text.split("/")
        if len(parts) != 2:
            raise bad("pair", param=key, got=repr(text[:40]))
        return tuple(parse_number(key, p, low, high) for p in parts)
    elif kind == "float":
        return parse_number(key, text, low, high)
    else:
        raise BadRequest(f"hyper-parameter kind must be float, bool or pair, got {kind!r}")


def parse_spec(text: str) -> OptimizerSpec:
    """One ``opt`` value -> :class:`OptimizerSpec` (validated by building the optimizer)."""
    head, *items = text.split(",")
    name = parse_choice("optimizer", head, registered())
    allowed = signature_defaults(name)
    hyper: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in allowed:
            raise bad("spec_keys", name=name, keys=", ".join(allowed), got=repr(item[:40]))
        if key in hyper:
            raise bad("spec_twice", name=name, param=key)
        hyper[key] = _parse_value(key, value)
    _check_constructs(name, hyper)
    return OptimizerSpec(name, hyper)


def _check_constructs(name: str, hyper: dict[str, Any]) -> None:
    from kobai import optim, tensor

    try:
        optim.create(name, [tensor([0.0, 0.0], requires_grad=True)], **hyper)
    except (ValueError, TypeError) as exc:
        raise BadRequest(f"optimizer {name}: {exc}") from None


def parse_specs(values: list[str], default: str) -> list[OptimizerSpec]:
    """All ``opt`` values of a request (``default`` when none), labelled uniquely."""
    values = values or [default]
    if len(values) > LIMITS["optimizers"]:
        raise bad("optimizers", limit=LIMITS["optimizers"], count=len(values))
    return label(parse_spec(v) for v in values)


def label(specs: Any) -> list[OptimizerSpec]:
    """Name each spec by its optimizer, adding its settings where names repeat."""
    specs = list(specs)
    counts: dict[str, int] = {}
    for s in specs:
        counts[s.name] = counts.get(s.name, 0) + 1
    labelled, seen = [], set()
    for s in specs:
        text = s.name
        if counts[s.name] > 1 and s.hyper:
            text += " (" + ", ".join(f"{k}={format_value(v)}" for k, v in s.hyper.items()) + ")"
        base, n = text, 2
        while text in seen:
            text, n = f"{base} #{n}", n + 1
        seen.add(text)
        labelled.append(OptimizerSpec(s.name, s.hyper, text))
    return labelled
