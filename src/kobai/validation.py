"""One way to check an argument: declarative constraints, one message style.

Every check raises a one-line error that names the argument, states the rule and shows the
value received, e.g. ``ValueError("lr must be a finite number >= 0, got inf")``. A value of the
wrong kind raises ``TypeError``, a value out of range ``ValueError``, both with that wording.

>>> check_real("lr", 0.1, low=0)
0.1
>>> check_int("epochs", 3, low=1)
3
>>> Integer(1, 10).check("k", 12)
Traceback (most recent call last):
ValueError: k must be an integer in [1, 10], got 12

Booleans are not integers here (``True`` is not a batch size), and NumPy scalars are accepted
wherever a Python number is.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

# Data sets larger than this are typos (1e12), not experiments: refused before allocating
# (the synthetic data sets and a run's ``samples``).
MAX_SAMPLES = 10_000_000

__all__ = [
    "AnyOf",
    "Boolean",
    "Integer",
    "Maybe",
    "OneOf",
    "Real",
    "Table",
    "Text",
    "check_bool",
    "check_memory",
    "check_choice",
    "check_int",
    "check_keys",
    "check_real",
    "check_str",
    "format_bytes",
    "is_integer",
    "is_real",
    "memory_limit",
    "shown",
    "validate",
]


def is_integer(value: Any) -> bool:
    """True for Python and NumPy integers, False for bools."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    """True for Python and NumPy integers and floats (NaN and inf included), False for bools."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def shown(value: Any, limit: int = 60) -> str:
    """``value`` as a message shows it: numbers plainly (``inf``, ``0.1``), other things by repr,
    cut to ``limit`` characters."""
    if is_real(value):
        text = str(value.item() if isinstance(value, np.generic) else value)
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (int, float, bool, type(None), tuple, list)):
        text = repr(value)
    else:
        text = f"{type(value).__name__} {value!r}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _num(x: float) -> str:
    return str(x) if isinstance(x, int) else f"{x:g}"


def _interval(low: Any, high: Any, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f" in {left}{_num(low)}, {_num(high)}{right}"
    if low is not None:
        return f" {'>' if low_open else '>='} {_num(low)}"
    if high is not None:
        return f" {'<' if high_open else '<='} {_num(high)}"
    return ""


def _admits(x: float, low: Any, high: Any, low_open: bool, high_open: bool, finite: bool) -> bool:
    """Whether the real ``x`` keeps :class:`Real`'s rule: not NaN, finite when asked, inside."""
    return (
        not math.isnan(x)
        and not (finite and math.isinf(x))
        and _inside(x, low, high, low_open, high_open)
    )


def _inside(x: float, low: Any, high: Any, low_open: bool, high_open: bool) -> bool:
    if low is not None and not (x > low if low_open else x >= low):
        return False
    return high is None or (x < high if high_open else x <= high)


@dataclass(frozen=True)
class Integer:
    """An integer in ``[low, high]`` (either end ``None`` for unbounded)."""

    low: int | None = None
    high: int | None = None

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        return "an integer" + _interval(self.low, self.high, False, False)

    def check(self, name: str, value: Any) -> int:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        if not is_integer(value):
            raise TypeError(f"{name} must be {self.describe()}, got {shown(value)}")
        if not _inside(int(value), self.low, self.high, False, False):
            raise ValueError(f"{name} must be {self.describe()}, got {shown(value)}")
        return int(value)


@dataclass(frozen=True)
class Real:
    """A real number in the interval from ``low`` to ``high``; finite unless ``finite=False``
    (then infinities pass, NaN never does)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    finite: bool = True

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        kind = "a finite number" if self.finite else "a number"
        return kind + _interval(self.low, self.high, self.low_open, self.high_open)

    def check(self, name: str, value: Any) -> float:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        if not is_real(value):
            raise TypeError(f"{name} must be {self.describe()}, got {shown(value)}")
        x = float(value)
        if not _admits(x, self.low, self.high, self.low_open, self.high_open, self.finite):
            raise ValueError(f"{name} must be {self.describe()}, got {shown(value)}")
        return x


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of strings."""

    choices: tuple[str, ...]

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def check(self, name: str, value: Any) -> str:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        if not isinstance(value, str):
            raise TypeError(f"{name} must be {self.describe()}, got {shown(value)}")
        if value not in self.choices:
            raise ValueError(f"{name} must be {self.describe()}, got {shown(value)}")
        return value


@dataclass(frozen=True)
class Boolean:
    """True or False (NumPy bools too; 0 and 1 are not)."""

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        return "true or false"

    def check(self, name: str, value: Any) -> bool:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be {self.describe()}, got {shown(value)}")
        return bool(value)


@dataclass(frozen=True)
class Text:
    """A string, non-empty unless ``empty=True``."""

    empty: bool = False

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        return "a string" if self.empty else "a non-empty string"

    def check(self, name: str, value: Any) -> str:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        if not isinstance(value, str):
            raise TypeError(f"{name} must be {self.describe()}, got {shown(value)}")
        if not self.empty and not value.strip():
            raise ValueError(f"{name} must be {self.describe()}, got {shown(value)}")
        return value


@dataclass(frozen=True)
class Table:
    """A table (dict) whose keys are strings, e.g. the options of an optimizer."""

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        return "a table of named values"

    def check(self, name: str, value: Any) -> dict[str, Any]:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise TypeError(f"{name} must be {self.describe()}, got {shown(value)}")
        return dict(value)


@dataclass(frozen=True)
class AnyOf:
    """What any of ``alternatives`` accepts (the first that does)."""

    alternatives: tuple[Any, ...]

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        return " or ".join(a.describe() for a in self.alternatives)

    def check(self, name: str, value: Any) -> Any:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        for alternative in self.alternatives:
            try:
                return alternative.check(name, value)
            except (TypeError, ValueError):
                pass
        raise ValueError(f"{name} must be {self.describe()}, got {shown(value)}")


@dataclass(frozen=True)
class Maybe:
    """``None`` or what ``inner`` accepts."""

    inner: Any

    def describe(self) -> str:
        """The rule in words, as the messages state it."""
        return f"{self.inner.describe()} or none"

    def check(self, name: str, value: Any) -> Any:
        """``value`` checked and converted, else TypeError/ValueError naming ``name``."""
        # A value that is given is held to the inner rule, and its message says just that.
        return None if value is None else self.inner.check(name, value)


def validate(values: Mapping[str, Any], constraints: Mapping[str, Any]) -> dict[str, Any]:
    """Check each entry of ``values`` that has a constraint; return the checked values.

    Keys without a constraint pass through unchanged.
    """
    return {k: constraints[k].check(k, v) if k in constraints else v for k, v in values.items()}


def check_keys(
    name: str, values: Any, known: Iterable[str], *, noun: str = "key"
) -> dict[str, Any]:
    """``values`` as a dict: a table (:class:`Table`) whose keys are all ``known``, else a
    ValueError listing the unknown ones and the valid ones (``unknown key(s) colour; valid:
    ...``, with ``noun`` for "key")."""
    table = Table().check(name, values)
    valid = list(known)
    unknown = sorted(set(table) - set(valid))
    if unknown:
        raise ValueError(f"unknown {noun}(s) {', '.join(unknown)}; valid: {', '.join(valid)}")
    return table


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]``, else TypeError/ValueError naming ``name``."""
    if is_integer(value) and _inside(int(value), low, high, False, False):
        return int(value)  # the common case, without building the rule (hot paths call this)
    return Integer(low, high).check(name, value)


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """``value`` as a float in the interval (finite unless ``finite=False``), else an error."""
    # The common case first, without building the rule (hot paths call this).
    if is_real(value) and _admits(float(value), low, high, low_open, high_open, finite):
        return float(value)
    return Real(low, high, low_open, high_open, finite).check(name, value)


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """``value`` if it is one of ``choices``, else an error listing them."""
    return OneOf(tuple(choices)).check(name, value)


def check_bool(name: str, value: Any) -> bool:
    """``value`` as a bool, else a TypeError naming ``name``."""
    return Boolean().check(name, value)


def check_str(name: str, value: Any, *, empty: bool = False) -> str:
    """``value`` if it is a string (non-empty unless ``empty``), else an error."""
    return Text(empty).check(name, value)


def memory_limit() -> int:
    """Bytes one request may plan to use: half of the machine's physical memory (8 GiB where
    it cannot be read)."""
    import os

    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // 2
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def check_memory(what: str, nbytes: float, *, hint: str = "", limit: int | None = None) -> int:
    """Refuse, before allocating, work whose estimated memory exceeds ``limit`` (default
    :func:`memory_limit`): ``ValueError("<what> would need 292 GiB of memory, more than the
    ...")``. Returns the estimate."""
    allowed = memory_limit() if limit is None else int(limit)
    if not nbytes <= allowed:
        advice = f"; {hint}" if hint else ""
        raise ValueError(
            f"{what} would need {format_bytes(nbytes)} of memory, more than the "
            f"{format_bytes(allowed)} allowed (half of this machine's memory){advice}"
        )
    return int(nbytes)


def format_bytes(n: float) -> str:
    """``3.2 GiB``, ``512 KiB``, ``12 bytes``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"
