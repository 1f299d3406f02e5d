"""Checkpoints: nested training state in one ``.npz`` file, never pickled, written atomically.

A checkpoint holds arrays (parameters, optimizer buffers) and small values (hyper-parameters,
random-generator states, the history) in nested dicts and lists. Arrays are stored as entries
of the ``.npz``; everything else goes into one JSON document stored beside them, in which dict
keys keep their type (optimizer state is keyed by parameter index, an int). Loading uses
``allow_pickle=False``, so opening a checkpoint can never run code. Saving writes a temporary
file in the same folder, flushes it to disk and renames it over the target: a run killed at
any moment leaves either the previous checkpoint or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from kobai.files import atomic_writer

FORMAT = "kobai-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint file that is missing, corrupt, truncated or of another kind."""


def _encode(value: Any, arrays: dict[str, np.ndarray], path: str) -> Any:
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, dict):
        return {"__dict__": [[k, _encode(v, arrays, f"{path}/{k}")] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        items = [_encode(v, arrays, f"{path}/{i}") for i, v in enumerate(value)]
        return {"__tuple__": items} if isinstance(value, tuple) else items
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a checkpoint (at {path or '/'})")


def _decode(value: Any, arrays: Any) -> Any:
    if isinstance(value, dict):
        if "__array__" in value:
            return arrays[value["__array__"]]
        if "__tuple__" in value:
            return tuple(_decode(v, arrays) for v in value["__tuple__"])
        return {k: _decode(v, arrays) for k, v in value["__dict__"]}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def save_checkpoint(path: str | os.PathLike[str], state: dict[str, Any]) -> Path:
    """Write ``state`` (nested dicts/lists of arrays, numbers, strings) to ``path`` atomically.

    Returns
    -------
    Path
        The path written.
    """
    target = Path(path)
    arrays: dict[str, np.ndarray] = {}
    meta = {"format": FORMAT, "version": VERSION, "state": _encode(state, arrays, "")}
    document = np.array(json.dumps(meta, allow_nan=True))
    with atomic_writer(target) as handle:
        np.savez(handle, __meta__=document, **arrays)  # type: ignore[arg-type]
    return target


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    CheckpointError
        The file is corrupt, truncated or not a kobai checkpoint.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no checkpoint at {source}")
    from kobai.data.arrays import read_npz

    try:
        arrays = read_npz(source)
        meta = json.loads(str(arrays.pop("__meta__")))
    except (ValueError, KeyError) as exc:
        raise CheckpointError(
            f"{source} is not a readable checkpoint (corrupt or truncated: {exc})"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{source} is not a kobai checkpoint")
    if meta.get("version") != VERSION:
        raise CheckpointError(
            f"{source} has checkpoint version {meta.get('version')}, this kobai reads {VERSION}"
        )
    try:
        state = _decode(meta["state"], arrays)
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{source} has a damaged table of contents ({exc!r})") from None
    if not isinstance(state, dict):
        raise CheckpointError(f"{source} holds a {type(state).__name__}, not a checkpoint state")
    return CheckpointState(source, state)


class CheckpointState(dict[str, Any]):
    """A loaded checkpoint's entries; a missing entry is a CheckpointError naming the file
    (a checkpoint of another kind of run), never a bare KeyError."""

    def __init__(self, source: Path, entries: dict[str, Any]) -> None:
        super().__init__(entries)
        self.source = source

    def __missing__(self, key: str) -> Any:
        raise CheckpointError(
            f"{self.source} has no {key!r} entry (it holds {', '.join(map(str, self)) or 'none'}"
            "): it was saved by another kind of run or another version"
        )


def generator_states(obj: Any) -> dict[str, Any]:
    """The states of every ``np.random.Generator`` held by ``obj``'s modules, by dotted name.

    Dropout layers and other random layers keep their own generator; a resumed run must
    continue each of them exactly where it stopped.
    """
    states = {}
    for name, module in obj.named_modules():
        for attr, value in vars(module).items():
            if isinstance(value, np.random.Generator):
                states[f"{name}:{attr}"] = value.bit_generator.state
    return states


def set_generator_states(obj: Any, states: dict[str, Any]) -> None:
    """Restore the generator states saved by :func:`generator_states`."""
    modules = dict(obj.named_modules())
    for key, state in states.items():
        name, attr = key.split(":", 1)
        generator = getattr(modules.get(name), attr, None)
        if not isinstance(generator, np.random.Generator):
            raise CheckpointError(f"the checkpoint has a random generator {key!r} the model lacks")
        generator.bit_generator.state = state
