"""Every message of kobai's figures, tables, reports and playground, in English and Japanese.

The messages are data: ``kobai/i18n/messages/*.json``, one file per area (core: curves,
descent, neuron, activations, the commands' lines; cli; curvature; figures; findings; reports;
studies; vanishing; local_minima; tables: what the studies' tables show; requests: the
playground's answers to a bad request; web), as a translation catalogue is. Keys are
``area.name``; values are ``{"en": ..., "ja": ...}`` with ``str.format`` fields that both
languages share (a test checks both). Mathematical notation (f(xₜ), λ_max, lr) stays as it is
in Japanese: it is what the source tutorials write.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

# The areas, in the order their files are read; a key may be defined in one of them only.
AREAS = (
    "core",
    "cli",
    "curvature",
    "figures",
    "findings",
    "reports",
    "studies",
    "vanishing",
    "local_minima",
    "tables",
    "requests",
    "web",
    "display",
)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (json keeps the last of a repeated key)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"message {key!r} is defined twice in one catalogue file")
        out[key] = value
    return out


def _read(area: str) -> dict[str, dict[str, str]]:
    import json

    path = os.path.join(os.path.dirname(__file__), "messages", f"{area}.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle, object_pairs_hook=_unique)


class _OnFirstUse(Mapping[str, Any]):
    """A read-only mapping built on first use: ``import kobai`` reads no file and imports no
    JSON parser (the catalogue is ~40 ms of a start-up that must stay quick)."""

    def __init__(self, build: Callable[[], dict[str, Any]]) -> None:
        self._build: Callable[[], dict[str, Any]] | None = build
        self._data: dict[str, Any] = {}

    def _loaded(self) -> dict[str, Any]:
        if self._build is not None:
            self._data, self._build = self._build(), None
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._loaded()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._loaded()

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


PARTS: Mapping[str, dict[str, dict[str, str]]] = _OnFirstUse(
    lambda: {area: _read(area) for area in AREAS}
)
MESSAGES: Mapping[str, dict[str, str]] = _OnFirstUse(
    lambda: {k: v for part in PARTS.values() for k, v in part.items()}
)
