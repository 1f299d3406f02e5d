"""Small parsers shared by commands: KEY=VALUE options and TOML configuration files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def parse_value(text: str) -> Any:
    """``"0.9"`` -> 0.9, ``"true"`` -> True, ``"0.9,0.99"`` -> (0.9, 0.99), else the text."""
    if "," in text:
        return tuple(parse_value(part) for part in text.split(","))
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip()


def key_values(items: list[str], option: str) -> dict[str, Any]:
    """Parse ``["a=1", "b=x"]`` into ``{"a": 1, "b": "x"}``."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{option} takes KEY=VALUE, got {item!r}")
        out[key.strip().replace("-", "_")] = parse_value(value)
    return out


def read_toml(path: str) -> dict[str, Any]:
    """The table of a TOML configuration file, with a one-line error for a bad file."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no configuration file at {source}")
    try:
        return dict(tomllib.loads(source.read_text()))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source} is not valid TOML: {exc}") from None
