"""What commands share: KEY=VALUE options, TOML configuration files, run directories."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kobai.validation import validate


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


def read_toml(path: str, constraints: dict[str, Any] | None = None) -> dict[str, Any]:
    """The table of a TOML configuration file, with a one-line error for a bad file or (given
    ``constraints``, :mod:`kobai.validation`) a value of the wrong type, naming file and key."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no configuration file at {source}")
    try:
        values = dict(tomllib.loads(source.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source} is not valid TOML: {exc}") from None
    try:
        return validate(values, constraints or {})
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{source}: {exc}") from None


def read_run_config(run_dir: Path) -> dict[str, Any]:
    """The ``config.json`` of a run directory to resume, else a one-line error."""
    config_file = run_dir / "config.json"
    if not config_file.is_file():
        raise FileNotFoundError(f"cannot resume: {run_dir} has no config.json")
    return read_json(config_file)


def read_json(path: Path) -> dict[str, Any]:
    """The table of a JSON file, with a one-line error naming the file."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{path} must hold a JSON object of settings, got {type(value).__name__}")
    return value


def new_run_dir(args: argparse.Namespace, *, marker: str) -> Path:
    """``--out``/``--name`` (default a timestamp) for a new run; an error if the directory
    already holds one, i.e. has the file ``marker``."""
    run_dir = Path(args.out) / (args.name or time.strftime("%Y%m%d-%H%M%S"))
    if (run_dir / marker).exists():
        raise FileExistsError(
            f"{run_dir} already holds a run; use --resume {run_dir} or another --name"
        )
    return run_dir


def write_run_config(run_dir: Path, config: dict[str, Any]) -> None:
    """Create ``run_dir`` and write ``config`` to its ``config.json`` (atomically)."""
    from kobai.files import write_atomic

    target, text = run_dir / "config.json", json.dumps(config, indent=2) + "\n"
    # A resume that changes nothing leaves the file alone (not even its modification time).
    if not (target.is_file() and target.read_text(encoding="utf-8", errors="replace") == text):
        write_atomic(target, text)


@contextlib.contextmanager
def undone_if_refused(run_dir: Path) -> Iterator[None]:
    """Remove a run directory this block created when the block fails before it wrote anything
    but ``config.json`` (a run refused at its start leaves no husk that blocks its name)."""
    existed = run_dir.exists()
    try:
        yield
    except BaseException:
        if not existed and run_dir.is_dir() and os.listdir(run_dir) == ["config.json"]:
            (run_dir / "config.json").unlink()
            run_dir.rmdir()
        raise
