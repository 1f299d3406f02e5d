"""Strict parsing of request parameters: every value typed, bounded and checked before use.

The playground's server trusts nothing that arrives in a URL. Numbers must look like numbers
(no ``nan``, ``inf``, ``1_000`` or 400-digit strings), names must be among the known ones, and
every size has a ceiling (:data:`LIMITS`), so that one request costs a bounded amount of work.
A bad value raises :class:`BadRequest`, which the server answers with status 400 and the
one-line message, in the request's language (``lang=ja``) where the catalogue has the message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from kobai.i18n import LANGUAGES, Message
from kobai.validation import _num  # a bound worded as kobai.validation words it

# The ceilings of everything a request can ask for.
LIMITS: dict[str, Any] = {
    "url_length": 4096,
    "fields": 40,
    "value_length": 200,
    "optimizers": 6,
    "grid": (16, 200),
    "steps": (1, 2000),
    "race_work": 3000,  # steps x optimizers of one race
    "lr": (1e-6, 10.0),
    "coordinate": 1e4,
    "expression_length": 120,
    "seed": (0, 2**31 - 1),
    "samples": (20, 1000),
    "noise": (0.0, 1.0),
    "hidden_layers": 4,
    "hidden_units": (1, 32),
    "network_steps": 20000,
    "network_grid": (8, 96),
    "fps": (0, 60),
    "per_frame": (1, 20000),
    "variable": 1e3,  # |value| of a backprop variable
    "backprop_nodes": 60,
}

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}")
_NAME = re.compile(r"[A-Za-z0-9_\-]{1,40}")
# The characters a formula may hold (checked on its lowercase form), before any parser sees it.
_FORMULA = re.compile(r"[0-9a-z_+\-*/(). ,]*")


class BadRequest(ValueError):
    """A request parameter is missing, malformed or out of bounds (answered with status 400).

    Parameters
    ----------
    message : str or Message
        A :class:`~kobai.i18n.Message` of the catalogue (``request.*``) reads in the request's
        language; ``str(exc)`` is always the English line.
    """

    def __init__(self, message: str | Message) -> None:
        self.message = message
        super().__init__(message.text("en") if isinstance(message, Message) else message)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English where it is not in the catalogue)."""
        return self.message.text(lang) if isinstance(self.message, Message) else str(self)

    @classmethod
    def refusing(cls, exc: Exception) -> BadRequest:
        """The answer to an error raised below the playground: its catalogue message where
        it carries one (a :class:`~kobai.landscape.expression.FormulaError`), else its text."""
        message = getattr(exc, "message", None)
        return cls(message if isinstance(message, Message) else str(exc))


def bad(key: str, /, **fields: Any) -> BadRequest:
    """The :class:`BadRequest` of the catalogue's message ``request.<key>``."""
    return BadRequest(Message(f"request.{key}", fields))


def parse_number(name: str, text: str, low: float, high: float) -> float:
    """``text`` as a finite float in ``[low, high]``, or :class:`BadRequest`."""
    text = text.strip()
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        raise bad("number", name=name, got=_shown(text))
    value = float(text)
    if not (math.isfinite(value) and low <= value <= high):
        raise bad("number_range", name=name, low=_num(low), high=_num(high), got=value)
    return value


def parse_int(name: str, text: str, low: int, high: int) -> int:
    """``text`` as an int in ``[low, high]``, or :class:`BadRequest`."""
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise bad("integer", name=name, got=_shown(text))
    value = int(text)
    if not low <= value <= high:
        raise bad("integer_range", name=name, low=low, high=high, got=value)
    return value


def parse_bool(name: str, text: str) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off``."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    elif lowered in ("0", "false", "no", "off"):
        return False
    else:
        raise bad("bool", name=name, got=_shown(text))


def parse_choice(name: str, text: str, choices: Sequence[str]) -> str:
    """``text`` if it is one of ``choices`` (case and ``_``/``-`` do not matter)."""
    key = text.strip().lower().replace("_", "-")
    if not _NAME.fullmatch(key) or key not in choices:
        raise bad("choice", name=name, choices=", ".join(choices), got=_shown(text))
    return key


def parse_language(text: str) -> str:
    """``text`` as one of :data:`~kobai.i18n.LANGUAGES`, normalised as :func:`parse_choice`
    normalises (``JA`` is ``ja``), or :class:`BadRequest`."""
    return parse_choice("lang", text, LANGUAGES)


def answer_language(query: str) -> str:
    """The language of a request's error answers: its single ``lang`` when
    :func:`parse_language` accepts it, else English (a bad ``lang`` is itself refused in
    English). Never raises, and parses no more fields than :meth:`Query.parse` allows."""
    try:
        given = parse_qs(query, keep_blank_values=True, max_num_fields=LIMITS["fields"])
    except ValueError:
        return "en"
    items = given.get("lang", [])
    if len(items) != 1:
        return "en"
    try:
        return parse_language(items[0])
    except BadRequest:
        return "en"


def check_expression(
    text: str, *, empty: BadRequest, too_long: BadRequest, bad_chars: BadRequest
) -> None:
    """Bound a visitor's formula before a parser sees it: raise ``empty`` when it is blank,
    ``too_long`` beyond ``LIMITS["expression_length"]`` characters, ``bad_chars`` when it holds
    a character no formula has (each caller words its own messages)."""
    if not text.strip():
        raise empty
    if len(text) > LIMITS["expression_length"]:
        raise too_long
    if not _FORMULA.fullmatch(text.lower()):
        raise bad_chars


def parse_numbers(name: str, text: str, count: int, bound: float) -> tuple[float, ...]:
    """``count`` comma-separated numbers, each in ``[-bound, bound]``."""
    parts = text.split(",")
    if len(parts) != count:
        raise bad("numbers", name=name, count=count, got=_shown(text))
    return tuple(parse_number(name, part, -bound, bound) for part in parts)


def _shown(text: str) -> str:
    # Echo at most a short, printable prefix of hostile input.
    clean = "".join(c if c.isprintable() else "?" for c in text[:40])
    return repr(clean + ("..." if len(text) > 40 else ""))


@dataclass(frozen=True)
class Query:
    """The parameters of one request: one value per name, except names allowed to repeat.

    Parameters
    ----------
    values : dict of str to list of str
        As ``urllib.parse.parse_qs`` gives them.
    """

    values: dict[str, list[str]]

    @classmethod
    def parse(cls, query: str, *, repeatable: Sequence[str] = ("opt",)) -> Query:
        """Parse a raw query string, bounding its length and its number of fields."""
        if len(query) > LIMITS["url_length"]:
            raise bad("query_length", limit=LIMITS["url_length"])
        try:
            values = parse_qs(
                query, keep_blank_values=True, strict_parsing=False, max_num_fields=LIMITS["fields"]
            )
        except ValueError:
            raise bad("fields", limit=LIMITS["fields"]) from None
        for name, items in values.items():
            if not _NAME.fullmatch(name):
                raise bad("unknown_name", name=_shown(name))
            if len(items) > 1 and name not in repeatable:
                raise bad("repeated", name=name, count=len(items))
            if any(len(v) > LIMITS["value_length"] for v in items):
                raise bad("value_length", name=name, limit=LIMITS["value_length"])
        if "lang" in values:
            parse_language(values["lang"][0])
        return cls(values)

    def check_known(self, known: Sequence[str]) -> None:
        """Raise for any parameter outside ``known`` (a typo should not be silently ignored);
        ``lang``, the language of the answer's error messages, is known to every request."""
        unknown = sorted(set(self.values) - set(known) - {"lang"})
        if unknown:
            raise bad("unknown", names=", ".join(unknown), valid=", ".join(sorted(known)))

    def text(self, name: str, default: str | None = None) -> str:
        """The first value of ``name``; ``default`` when absent (None: ``name`` is required)."""
        items = self.values.get(name)
        if not items:
            if default is None:
                raise bad("required", name=name)
            return default
        return items[0]

    def all(self, name: str) -> list[str]:
        """Every value given for ``name``, in order."""
        return list(self.values.get(name, []))

    def has(self, name: str) -> bool:
        """Whether ``name`` was given."""
        return name in self.values

    def number(self, name: str, default: float, low: float, high: float) -> float:
        """``name`` as a float in ``[low, high]`` (``default`` when absent)."""
        return parse_number(name, self.text(name, repr(default)), low, high)

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        """``name`` as an int in ``[low, high]`` (``default`` when absent)."""
        return parse_int(name, self.text(name, str(default)), low, high)

    def bounded(self, name: str, default: int, limit: str) -> int:
        """``name`` as an int within the range ``LIMITS[limit]``."""
        low, high = LIMITS[limit]
        return self.integer(name, default, low, high)

    def choice(self, name: str, default: str, choices: Sequence[str]) -> str:
        """``name`` as one of ``choices`` (``default`` when absent)."""
        return parse_choice(name, self.text(name, default), choices)

    def flag(self, name: str, default: bool) -> bool:
        """``name`` as a bool (``1``/``0``, ``true``/``false``; ``default`` when absent)."""
        return parse_bool(name, self.text(name, "1" if default else "0"))
