"""What commands share: KEY=VALUE options, TOML configuration files, run directories, and
options made from a configuration dataclass's fields.

A field declared with :func:`kobai.train.config.option` names its section, help text and
anything unusual about its flag; everything else follows from its name and annotation:

- ``name: int`` (or float, str, optionally ``| None``): ``--name VALUE``;
- ``name: bool``: the switch ``--name``;
- ``name: dict``: ``--flag KEY=VALUE``, repeatable, plus one option per declared entry.

Options left out on the command line stay None, so they do not override a ``--config`` file.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
import time
import types
import typing
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

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
    from kobai._toml import read_toml as read_table

    source = Path(path)
    values = read_table(source)
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


# -- options made from a configuration dataclass -----------------------------------------
AddOptions = Callable[[Any], None]


def add_field_options(
    parser: argparse.ArgumentParser,
    config: type,
    *,
    before: Mapping[str, AddOptions] | None = None,
    after: Mapping[str, AddOptions] | None = None,
) -> None:
    """Add an option to ``parser`` for every field of the dataclass ``config`` that has one.

    Each section becomes an argument group, in the order the sections first appear among the
    fields; within it the options follow the fields' order. ``before[section](group)`` and
    ``after[section](group)`` add a command's own options around a section's.
    """
    hints = typing.get_type_hints(config)
    sections: dict[str, list[dataclasses.Field]] = {}
    for f in dataclasses.fields(config):
        if "section" in f.metadata:
            sections.setdefault(f.metadata["section"], []).append(f)
    for section, fields in sections.items():
        group = parser.add_argument_group(section)
        if before and section in before:
            before[section](group)
        for f in fields:
            _add_option(group, f, _kind(f, hints[f.name]))
        if after and section in after:
            after[section](group)


def field_values(
    args: argparse.Namespace, config: type, values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``values`` (say, of a TOML file) overridden by the options given on the command line.

    A dict field merges its ``KEY=VALUE`` options and entries into the dict of ``values``.
    """
    out = dict(values or {})
    hints = typing.get_type_hints(config)
    for f in dataclasses.fields(config):
        if "section" not in f.metadata:
            continue
        given = getattr(args, f.name)
        if _kind(f, hints[f.name]) is dict:
            entries = {
                name: getattr(args, name)
                for name, _, _ in f.metadata["entries"]
                if getattr(args, name) is not None
            }
            entries.update(key_values(given or [], _flag(f)))
            if entries:
                out[f.name] = {**out.get(f.name, {}), **entries}
        elif given is not None:
            out[f.name] = given
    return out


def _flag(f: dataclasses.Field) -> str:
    return "--" + (f.metadata["flag"] or f.name).replace("_", "-")


def _kind(f: dataclasses.Field, hint: Any) -> Any:
    """The field's declared ``type``, else what its annotation says: int, float, str, bool,
    dict (for ``X | None``, X)."""
    if f.metadata["type"] is not None:
        return f.metadata["type"]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = options[0] if len(options) == 1 else hint
    hint = typing.get_origin(hint) or hint
    if hint not in (int, float, str, bool, dict):
        raise TypeError(f"option {f.name}: give a type for the annotation {hint}")
    return hint


def _add_option(group: Any, f: dataclasses.Field, kind: Any) -> None:
    meta = f.metadata
    default = f.default if f.default is not dataclasses.MISSING else None
    text = meta["help"].format(default=default)
    if kind is dict:
        for name, convert, entry_help in meta["entries"]:
            group.add_argument("--" + name.replace("_", "-"), type=convert, help=entry_help)
        group.add_argument(
            _flag(f), dest=f.name, action="append", default=None, help=text,
            metavar=meta["metavar"] or "KEY=VALUE",
        )  # fmt: skip
    elif kind is bool:
        group.add_argument(_flag(f), dest=f.name, action="store_true", default=None, help=text)
    else:
        target = group.add_mutually_exclusive_group() if meta["aliases"] else group
        typed = {"type": kind} if kind is not str else {}
        target.add_argument(
            _flag(f), dest=f.name, choices=meta["choices"], metavar=meta["metavar"], help=text,
            **typed,
        )  # fmt: skip
        for alias, value, alias_help in meta["aliases"]:
            target.add_argument(
                "--" + alias, dest=f.name, action="store_const", const=value, help=alias_help
            )


@contextlib.contextmanager
def summarised_runtime_warnings(command: str) -> Iterator[Counter[str]]:
    """NumPy's RuntimeWarnings (overflow, invalid value, ...) counted instead of printed, then
    reported in one line: a run that diverges on purpose must not flood the terminal. Any other
    warning (kobai's own, e.g. a missing Japanese font) is one line ``kobai COMMAND: warning:``."""
    counts: Counter[str] = Counter()

    # warnings.showwarning's signature; where a warning came from is not shown.
    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if issubclass(category, RuntimeWarning):
            counts[str(message)] += 1
        else:
            print(f"kobai {command}: warning: {message}", file=sys.stderr)

    # catch_warnings restores the filters and showwarning on the way out, also on an error.
    with warnings.catch_warnings():
        warnings.simplefilter("always", RuntimeWarning)
        warnings.showwarning = show
        yield counts
    if counts:
        kinds = "; ".join(f"{m} ({n}x)" for m, n in counts.most_common(3))
        print(
            f"kobai {command}: note: {sum(counts.values())} NumPy warning(s) while computing: "
            f"{kinds} (expected where a run diverges)",
            file=sys.stderr,
        )
