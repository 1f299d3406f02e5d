"""Pieces of the optimizer shell: hyper-parameters from a constructor, hook handles, named
parameters and copies of the state."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

StepHook = Callable[[Any, tuple[Any, ...], dict[str, Any]], Any]

__all__ = ["PAIRS", "RemovableHandle", "StepHook", "hyper_parameters"]


# Hyper-parameters given as pairs, and the names of their halves as kernel arguments.
PAIRS = {
    "betas": ("beta1", "beta2"),
    "etas": ("etaminus", "etaplus"),
    "step_sizes": ("step_size_min", "step_size_max"),
}


def hyper_parameters(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """A constructor's arguments (its ``locals()``) as the optimizer's defaults: all but
    ``self`` and ``params``, in signature order, pairs given as lists made tuples."""
    return {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in arguments.items()
        if name not in ("self", "params", "__class__")
    }


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods: ``remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict[int, Any]) -> None:
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    @classmethod
    def add(cls, hooks: dict[int, Any], hook: Any) -> RemovableHandle:
        """Register ``hook`` in ``hooks`` and return its handle."""
        handle = cls(hooks)
        hooks[handle.id] = hook
        return handle

    def remove(self) -> None:
        """Unregister the hook (again is harmless)."""
        self._hooks.pop(self.id, None)


def _split_names(group: dict[str, Any], params: list[Any]) -> list[Any]:
    """The tensors of ``params``; (name, tensor) pairs leave their names in the group."""
    named = [p for p in params if isinstance(p, tuple)]
    if not named:
        return params
    if len(named) != len(params) or any(len(p) != 2 for p in named):
        raise ValueError(
            "all optimizer params should be with/without names. Some param names are missing"
        )
    group["param_names"] = [name for name, _ in named]
    return [p for _, p in named]


def _is_index(key: Any) -> bool:
    return isinstance(key, (int, np.integer)) or (isinstance(key, str) and key.isdigit())


def _copy_state(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_state(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    return copy.deepcopy(value)
