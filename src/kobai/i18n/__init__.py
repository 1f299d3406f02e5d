"""Messages in English and Japanese: one catalogue, a process-wide language, ``t(key)``.

The language is ``"en"`` unless ``KOBAI_LANG`` names another, or :func:`set_language` (or
the command line's ``--lang``) chose one. Strings only: this package imports nothing of
kobai, and matplotlib only inside :mod:`kobai.i18n.fonts`.

Examples
--------
>>> from kobai.i18n import t, set_language
>>> set_language("ja")
>>> t("curves.loss_title")
'損失'
>>> set_language("en")
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kobai.i18n.catalogue import MESSAGES

LANGUAGES = ("en", "ja")
ENV = "KOBAI_LANG"

_language: str | None = None


def _checked(lang: str, source: str) -> str:
    value = str(lang).strip().lower()
    if value not in LANGUAGES:
        raise ValueError(f"{source} must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return value


def get_language() -> str:
    """The language of messages: the last :func:`set_language`, else ``KOBAI_LANG``, else
    ``"en"``.

    Raises
    ------
    ValueError
        When ``KOBAI_LANG`` names no language of :data:`LANGUAGES`.
    """
    if _language is not None:
        return _language
    env = os.environ.get(ENV, "")
    return _checked(env, ENV) if env.strip() else "en"


def set_language(lang: str | None) -> None:
    """Choose the language of figures, reports and the command line's tables.

    Parameters
    ----------
    lang : {"en", "ja"} or None
        ``None`` goes back to the process default (``KOBAI_LANG``, else ``"en"``).
    """
    global _language
    _language = None if lang is None else _checked(lang, "language")


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside a ``with`` block and restore the previous choice after it."""
    global _language
    previous = _language
    set_language(lang)
    try:
        yield get_language()
    finally:
        _language = previous


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (left-aligned, or
    right-aligned with ``right=True``), so that Japanese table cells line up."""
    fill = " " * max(columns - width(text), 0)
    return fill + text if right else text + fill


def t(key: str, *, lang: str | None = None, **fields: Any) -> str:
    """The message ``key`` in ``lang`` (default :func:`get_language`), ``str.format``-ed with
    ``fields``.

    Raises
    ------
    KeyError
        When the catalogue has no message ``key``.
    """
    try:
        texts = MESSAGES[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in kobai's catalogue") from None
    return _said(texts, lang, fields)


def _said(texts: dict[str, str], lang: str | None, fields: dict[str, Any]) -> str:
    """One message's text in ``lang`` (default :func:`get_language`), formatted with ``fields``."""
    text = texts[_checked(lang, "language") if lang else get_language()]
    return text.format(**fields) if fields else text


def t_or(key: str, default: str, *, lang: str | None = None, **fields: Any) -> str:
    """The message ``key`` as :func:`t` gives it, or ``default`` (as it is, not formatted)
    when the catalogue has no message ``key``: for labels that are translated where the
    catalogue knows them, such as column names or statuses, and shown as they are otherwise.

    >>> t_or("train.col.loss", "loss", lang="ja"), t_or("train.col.nothing", "nothing")
    ('損失', 'nothing')
    """
    try:
        texts = MESSAGES[key]
    except KeyError:
        return default
    return _said(texts, lang, fields)


@dataclass(frozen=True)
class Message:
    """A message of the catalogue with its fields, put into words only when shown: the same
    numbers read in either language (``str(m)`` speaks :func:`get_language`).

    >>> m = Message("train.time", {"seconds": 1.25, "epochs": 3})
    >>> m.text("en"), m.text("ja")
    ('time: 1.2 s for 3 epochs', '時間: 3 エポックで 1.2 秒')
    """

    key: str
    fields: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default :func:`get_language`); its fields that are
        messages, terms or lists of them read in the same language."""
        return t(self.key, lang=lang, **{k: _words(v, lang) for k, v in self.fields.items()})

    def term(self) -> Term:
        """The message as data, a :class:`Term` of the same key and fields: its English text
        in CSV and JSON, this language or another where it is shown.

        >>> Message("vs.regime.good").term() == "good"
        True
        """
        return Term(self.key, self.fields)

    def __str__(self) -> str:
        return self.text()


def _words(value: Any, lang: str | None) -> Any:
    """A field of a message in ``lang``: a :class:`Message`, :class:`Term` or :class:`Joined`
    put into words, anything else as it is."""
    return value.text(lang) if isinstance(value, (Message, Term, Joined)) else value


class Term(str):
    """A word that is data, such as a verdict, a mode or a regime: it *is* its English text
    (compared, written to CSV and JSON as that) and reads in another language where it is
    shown (:meth:`text`; :func:`kobai.report.format_number` shows it so in tables, and a
    :class:`Message` so in its fields).

    >>> v = Term("vs.regime.good")
    >>> v == "good", v.text("ja")
    (True, '良好')
    """

    key: str
    fields: dict[str, Any]

    def __new__(cls, key: str, fields: dict[str, Any] | None = None) -> Term:
        words = dict(fields or {})
        term = super().__new__(cls, t(key, lang="en", **words))
        term.key, term.fields = key, words
        return term

    def text(self, lang: str | None = None) -> str:
        """The word in ``lang`` (default :func:`get_language`)."""
        return t(self.key, lang=lang, **self.fields)

    def __getnewargs__(self) -> tuple[str, dict[str, Any]]:  # type: ignore[override]
        # copy.copy and deepcopy build a str subclass again from these, not from its text
        return self.key, self.fields


@dataclass(frozen=True)
class Joined:
    """Items (messages or text) joined by ``sep`` when shown: a list inside a
    :class:`Message` that is put into words in the message's language. ``sep`` may be a
    :class:`Message` too (" and " reads "、" in Japanese)."""

    items: tuple[Any, ...]
    sep: str | Message = ", "

    def text(self, lang: str | None = None) -> str:
        """The items in ``lang`` (default :func:`get_language`), joined."""
        return str(_words(self.sep, lang)).join(str(_words(i, lang)) for i in self.items)

    def __str__(self) -> str:
        return self.text()


__all__ = [
    "LANGUAGES",
    "MESSAGES",
    "Joined",
    "Message",
    "Term",
    "get_language",
    "language",
    "pad",
    "set_language",
    "t",
    "t_or",
    "width",
]
