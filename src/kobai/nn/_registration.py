"""Small pieces of the module system: load results, hook handles, attribute-name checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

ForwardHook = Callable[[Any, tuple[Any, ...], Any], Any]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class RemovableHandle:
    """Returned by :meth:`Module.register_forward_hook`; ``remove()`` takes the hook away."""

    def __init__(self, hooks: dict[int, ForwardHook], key: int) -> None:
        self._hooks = hooks
        self._key = key

    def remove(self) -> None:
        """Take the hook away (a second call does nothing)."""
        self._hooks.pop(self._key, None)


def check_name(name: Any, module: Any) -> None:
    """Refuse a name that is not a str, is empty, holds a dot, or shadows a class attribute."""
    if not isinstance(name, str):
        raise TypeError(f"attribute name must be a str, got {type(name).__name__}")
    if not name or "." in name:
        raise ValueError(f"attribute name must be non-empty and contain no '.', got {name!r}")
    if "_parameters" not in module.__dict__:
        raise AttributeError(
            f"cannot register {name!r} on {type(module).__name__} before Module.__init__()"
        )
    if hasattr(type(module), name):
        raise ValueError(f"attribute {name!r} already exists on {type(module).__name__}")
