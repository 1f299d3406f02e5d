"""Checks of hyper-parameters shared by the optimizers (PyTorch's wording where it has one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kobai.validation import check_bool, check_int, check_real


def check_params_not_set(params: Any) -> None:
    """Refuse a set of parameters: its iteration order changes from run to run."""
    if isinstance(params, (set, frozenset)):
        raise TypeError(
            "optimizer parameters need to be organized in ordered collections, but the "
            "ordering of tensors in sets will change between runs. Please use a list instead."
        )


def real(name: str, value: Any) -> float:
    """``value`` as a float: TypeError when it is not a number, ValueError when it is NaN or
    infinite (an infinite momentum or learning rate passes PyTorch's range checks and then
    fills the parameters with NaN)."""
    return check_real(name, value)


def flag(name: str, value: Any) -> bool:
    """``value`` as a bool, or TypeError when it is not one."""
    return check_bool(name, value)


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


def betas(group: Mapping[str, Any]) -> None:
    """``group["betas"]`` is a pair of numbers in [0, 1)."""
    pair = group["betas"]
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {pair!r}")
    for i, beta in enumerate(pair):
        if not 0.0 <= real(f"betas[{i}]", beta) < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def pair(group: Mapping[str, Any], name: str) -> tuple[float, float]:
    """``group[name]`` as a pair of real numbers, or TypeError."""
    value = group[name]
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair of numbers, got {value!r}")
    return real(f"{name}[0]", value[0]), real(f"{name}[1]", value[1])


def count(group: Mapping[str, Any], name: str) -> int:
    """``group[name]`` as an int >= 1, or TypeError/ValueError naming it."""
    return check_int(name, group[name], low=1)


# Keys of a group that are not hyper-parameters: the parameters, their names, and what a
# learning-rate scheduler adds (they may come and go between optimizers).
BOOKKEEPING_KEYS = frozenset(
    {"params", "param_names", "initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"}
)


def check_state_dict(optimizer: Any, state_dict: Any) -> None:
    """Refuse, with one clear ValueError, a state dict that is not one of ``optimizer``'s kind:
    not a dict, without ``state`` / ``param_groups``, or with other hyper-parameters (the state
    of an Adam loaded into an SGD)."""
    name = type(optimizer).__name__
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"state_dict must be a dict, got {type(state_dict).__name__}")
    groups, state = state_dict.get("param_groups"), state_dict.get("state")
    if not isinstance(groups, (list, tuple)) or not isinstance(state, Mapping):
        raise ValueError(
            f"not an optimizer state dict: it needs 'state' (a dict) and 'param_groups' (a "
            f"list), got keys {', '.join(map(repr, state_dict)) or 'none'}"
        )
    expected = set(optimizer.defaults) - BOOKKEEPING_KEYS
    for i, group in enumerate(groups):
        if not isinstance(group, Mapping) or not isinstance(group.get("params"), (list, tuple)):
            raise ValueError(f"param_groups[{i}] must be a dict with a 'params' list")
        keys = set(group) - BOOKKEEPING_KEYS
        if keys != expected:
            raise ValueError(
                f"the state dict is not from a {name}: its group {i} has hyper-parameters "
                f"{', '.join(sorted(keys)) or 'none'}, a {name} has "
                f"{', '.join(sorted(expected))}"
            )
