"""Reading a plain array of numbers from a ``.npy``, ``.npz`` or ``.csv`` file, safely.

Nothing a file says is trusted before it is checked: a ``.npy`` header's shape is compared
with the bytes the file holds before anything is allocated, an ``.npz`` member must be a
``.npy`` array, pickles are never loaded, and every value must be a finite number (NaN or
infinity in inputs would only come back as NaN outputs).
"""

from __future__ import annotations

import csv
import math
import os
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np

from kobai.data.tabular import CHUNK_ROWS, _is_number, _to_numbers, data_rows
from kobai.validation import check_memory

SUFFIXES = (".npy", ".npz", ".csv")


def load_array(path: str | os.PathLike[str]) -> np.ndarray:
    """The numbers of a ``.npy`` file, of the first array of an ``.npz`` file, or of a CSV
    file (with or without a header row), as a float64 array.

    A CSV file's first row is a header when any of its cells is not a number; ``1e-3``,
    ``nan`` and ``inf`` are numbers, so a row of them is data (and ``nan`` is then refused).

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ValueError
        A damaged or unsupported file, a header that promises more data than the file holds,
        a non-numeric dtype, or a value that is not a finite number; the message names the
        file (and, for a CSV file, the line and column).
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no input file at {source}")
    suffix = source.suffix.lower()
    if suffix == ".csv":
        return _read_csv(source)
    if suffix not in SUFFIXES:
        raise ValueError(f"{source} must be a .npy, .npz or .csv file, got {source.name}")
    try:
        array = _read_npy_file(source) if suffix == ".npy" else _read_npz(source)
    except (OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ValueError(f"cannot read {source}: {exc}") from None
    return _finite(source, array)


def read_npz(path: str | os.PathLike[str], *, kinds: str = "biufcU") -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` file by name, each header checked before it is read.

    Unlike ``np.load``, a member that is not a ``.npy`` array, a header that promises more
    than the member holds or more memory than the machine has, and a dtype whose kind is not
    in ``kinds`` (objects never) are refused with a ValueError naming the file and member.
    """
    source = Path(path)
    try:
        with zipfile.ZipFile(source) as archive:
            arrays = {}
            for member in archive.infolist():
                if member.is_dir():
                    continue
                if not member.filename.endswith(".npy"):
                    raise ValueError(f"{source}: member {member.filename!r} is not a .npy array")
                with archive.open(member) as handle:
                    name = f"{source}:{member.filename}"
                    arrays[member.filename[:-4]] = _read_npy(handle, member.file_size, name, kinds)
    except (OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ValueError(f"cannot read {source}: {exc}") from None
    return arrays


def _read_npy_file(source: Path) -> np.ndarray:
    with source.open("rb") as handle:
        return _read_npy(handle, source.stat().st_size, str(source)).astype(np.float64)


def _read_npz(source: Path) -> np.ndarray:
    with zipfile.ZipFile(source) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if not members:
            raise ValueError(f"{source} holds no array")
        first = members[0]
        if not first.filename.endswith(".npy"):
            raise ValueError(f"{source}: member {first.filename!r} is not a .npy array")
        with archive.open(first) as handle:
            name = f"{source}:{first.filename}"
            return _read_npy(handle, first.file_size, name).astype(np.float64)


def _read_npy(handle: IO[bytes], size: int, name: str, kinds: str = "iuf") -> np.ndarray:
    """Check the header's promise against ``size`` (the bytes there are) before reading."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(handle)
        reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran, dtype = reader(handle, max_header_size=10_000)
    except ValueError as exc:
        raise ValueError(f"{name} is not a .npy array ({exc})") from None
    if dtype.hasobject or dtype.kind not in kinds:
        raise ValueError(f"{name} must hold numbers, got dtype {dtype}")
    nbytes = math.prod(shape) * dtype.itemsize
    header = handle.tell() if handle.seekable() else 0
    if nbytes > size - header:
        raise ValueError(
            f"{name}: its header promises shape {shape} ({nbytes:,} bytes), more than the "
            f"{size:,} bytes of the file"
        )
    check_memory(f"{name} (shape {shape})", nbytes)
    data = handle.read(nbytes)
    if len(data) != nbytes:
        raise ValueError(f"{name} is truncated: {len(data):,} of {nbytes:,} bytes")
    flat = np.frombuffer(data, dtype=dtype)
    # A copy: writable, and not a view of the file's bytes.
    return (flat.reshape(shape, order="F") if fortran else flat.reshape(shape)).copy()


def _read_csv(source: Path) -> np.ndarray:
    try:
        with source.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            first = next(reader, None)
            if first is None:
                raise ValueError(f"{source} is empty")
            header = not all(_is_number(cell) for cell in first)
            names = [
                (c.strip() if header else "") or f"column {i + 1}" for i, c in enumerate(first)
            ]
            rows = [] if header else [[c.strip() for c in first]]
            lines = [] if header else [1]
            chunks = []
            for row in data_rows(reader, len(first), source, like="line 1"):
                rows.append([c.strip() for c in row])
                lines.append(reader.line_num)
                if len(rows) == CHUNK_ROWS:
                    chunks.append(_chunk(rows, names, lines, source))
                    rows, lines = [], []
    except csv.Error as exc:
        raise ValueError(f"{source}: not a readable CSV file ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{source} is not UTF-8 text ({exc.reason})") from None
    if rows:
        chunks.append(_chunk(rows, names, lines, source))
    if not chunks:
        raise ValueError(f"{source} has no data rows")
    return np.concatenate(chunks) if len(chunks) > 1 else chunks[0]


def _chunk(rows: list[list[str]], names: list[str], lines: list[int], source: Path) -> Any:
    return _to_numbers(rows, names, lines, source, np.dtype(np.float64))


def _finite(source: Path, array: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(array)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{source}: the value at index {index} is {array[index]}, not a finite number"
        )
    return array
