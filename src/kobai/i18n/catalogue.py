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

import json
from importlib import resources
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
    text = resources.files("kobai.i18n").joinpath(f"messages/{area}.json").read_text("utf-8")
    return json.loads(text, object_pairs_hook=_unique)


PARTS: dict[str, dict[str, dict[str, str]]] = {area: _read(area) for area in AREAS}
MESSAGES: dict[str, dict[str, str]] = {k: v for part in PARTS.values() for k, v in part.items()}
