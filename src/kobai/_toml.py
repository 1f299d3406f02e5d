"""Reading a TOML file with a one-line error, for `kobai train --config` and the sweep plans
(a module of its own, so that `kobai train --config` does not load the sweep package)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def read_toml(path: str | Path) -> dict[str, Any]:
    """The table of a TOML file; FileNotFoundError / ValueError in one line otherwise."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no configuration file at {source}")
    try:
        return dict(tomllib.loads(source.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source} is not valid TOML: {exc}") from None
