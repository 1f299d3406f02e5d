"""Whether operations record a graph: ``no_grad()`` and ``enable_grad()``."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    """Per-thread switch (as in PyTorch): ``no_grad`` in one thread, e.g. one request of a
    server, never turns off the graph of another thread."""

    enabled = True


state = _State()


def is_grad_enabled() -> bool:
    """True when operations on tensors that require gradients build a graph (in this thread)."""
    return state.enabled


class _GradMode:
    _mode = True

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        self._previous.append(state.enabled)
        state.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        state.enabled = self._previous.pop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):  # noqa: N801 - named as torch.no_grad
    """Context manager (and decorator) in which no graph is built.

    Examples
    --------
    >>> import kobai as kb
    >>> w = kb.tensor([1.0, 2.0], requires_grad=True)
    >>> with kb.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    _mode = False


class enable_grad(_GradMode):  # noqa: N801 - named as torch.enable_grad
    """Context manager (and decorator) that turns graph building back on inside ``no_grad``."""

    _mode = True
