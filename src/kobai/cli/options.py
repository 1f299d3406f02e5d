"""What commands share: KEY=VALUE options, TOML configuration files, run directories."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
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


def read_run_config(run_dir: Path) -> dict[str, Any]:
    """The ``config.json`` of a run directory to resume, else a one-line error."""
    config_file = run_dir / "config.json"
    if not config_file.is_file():
        raise FileNotFoundError(f"cannot resume: {run_dir} has no config.json")
    config: dict[str, Any] = json.loads(config_file.read_text())
    return config


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
    """Create ``run_dir`` and write ``config`` to its ``config.json``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")


@contextlib.contextmanager
def summarised_runtime_warnings(command: str) -> Iterator[Counter[str]]:
    """NumPy's RuntimeWarnings (overflow, invalid value, ...) counted instead of printed, then
    reported in one line: a run that diverges on purpose must not flood the terminal."""
    counts: Counter[str] = Counter()
    original = warnings.showwarning

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if issubclass(category, RuntimeWarning):
            counts[str(message)] += 1
        else:
            original(message, category, *args, **kwargs)

    with warnings.catch_warnings():
        warnings.simplefilter("always", RuntimeWarning)
        warnings.showwarning = show
        try:
            yield counts
        finally:
            warnings.showwarning = original
    if counts:
        kinds = "; ".join(f"{m} ({n}x)" for m, n in counts.most_common(3))
        print(
            f"kobai {command}: note: {sum(counts.values())} NumPy warning(s) while computing: "
            f"{kinds} (expected where a run diverges)",
            file=sys.stderr,
        )
