"""Checks of hyper-parameters shared by the optimizers (PyTorch's wording where it has one)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np


def check_params_not_set(params: Any) -> None:
    """Refuse a set of parameters: its iteration order changes from run to run."""
    if isinstance(params, (set, frozenset)):
        raise TypeError(
            "optimizer parameters need to be organized in ordered collections, but the "
            "ordering of tensors in sets will change between runs. Please use a list instead."
        )


def real(name: str, value: Any) -> float:
    """``value`` as a float, or TypeError when it is not a real number."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def flag(name: str, value: Any) -> bool:
    """``value`` as a bool, or TypeError when it is not one."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def nonnegative(group: Mapping[str, Any], name: str, label: str) -> None:
    """``group[name] >= 0`` (NaN fails too), else ``ValueError("Invalid <label>: <value>")``."""
    value = group[name]
    if not 0.0 <= real(name, value):
        raise ValueError(f"Invalid {label}: {value}")


def unit_interval(group: Mapping[str, Any], name: str, label: str, *, closed: bool) -> None:
    """``0 <= group[name] <= 1`` (``< 1`` unless ``closed``), else ValueError."""
    value = group[name]
    x = real(name, value)
    if not (0.0 <= x <= 1.0 if closed else 0.0 <= x < 1.0):
        raise ValueError(f"Invalid {label}: {value}")


def lr_and_weight_decay(group: Mapping[str, Any]) -> None:
    """The checks every optimizer shares."""
    nonnegative(group, "lr", "learning rate")
    nonnegative(group, "weight_decay", "weight_decay value")


def betas(group: Mapping[str, Any]) -> None:
    """``group["betas"]`` is a pair of numbers in [0, 1)."""
    pair = group["betas"]
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {pair!r}")
    for i, beta in enumerate(pair):
        if not 0.0 <= real(f"betas[{i}]", beta) < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def adam_like(group: Mapping[str, Any], *flag_names: str) -> None:
    """The checks of the Adam family: learning rate, weight decay, epsilon, betas, flags."""
    lr_and_weight_decay(group)
    nonnegative(group, "eps", "epsilon value")
    betas(group)
    flags(group, *flag_names)


def flags(group: Mapping[str, Any], *names: str) -> None:
    """Every named entry is a bool."""
    for name in names:
        flag(name, group[name])


def pair(group: Mapping[str, Any], name: str) -> tuple[float, float]:
    """``group[name]`` as a pair of real numbers, or TypeError."""
    value = group[name]
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair of numbers, got {value!r}")
    return real(f"{name}[0]", value[0]), real(f"{name}[1]", value[1])


def count(group: Mapping[str, Any], name: str) -> int:
    """``group[name]`` as an int >= 1, or TypeError/ValueError naming it."""
    value = group[name]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)
