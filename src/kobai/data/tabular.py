"""Loading a user's own table of numbers from a CSV file with a header row.

(The module is not called ``csv`` so that it never shadows the standard library's ``csv``
module, which it uses, in tracebacks or star imports.)
"""

from __future__ import annotations

import array
import csv
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np

from kobai.data._checks import float_dtype
from kobai.validation import check_choice

TARGET_TYPES = ("auto", "class", "value")
CHUNK_ROWS = 4096


@dataclass(frozen=True)
class CSVInfo:
    """What :func:`load_csv` read besides the numbers.

    Attributes
    ----------
    feature_names : tuple of str
        The header names of the columns of ``X``, in order.
    target : str
        The target column's name.
    classes : tuple of str or None
        For class targets, the original label of each class: ``y == i`` means ``classes[i]``.
        None when ``y`` holds the column's own numbers.
    """

    feature_names: tuple[str, ...]
    target: str
    classes: tuple[str, ...] | None


@overload
def load_csv(
    path: str | os.PathLike[str],
    target: str,
    *,
    delimiter: str = ...,
    dtype: Any = ...,
    target_type: str = ...,
    return_info: Literal[False] = ...,
) -> tuple[np.ndarray, np.ndarray]: ...


@overload
def load_csv(
    path: str | os.PathLike[str],
    target: str,
    *,
    delimiter: str = ...,
    dtype: Any = ...,
    target_type: str = ...,
    return_info: Literal[True],
) -> tuple[np.ndarray, np.ndarray, CSVInfo]: ...


def load_csv(
    path: str | os.PathLike[str],
    target: str,
    *,
    delimiter: str = ",",
    dtype: Any = np.float32,
    target_type: str = "auto",
    return_info: bool = False,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, CSVInfo]:
    """Load a CSV file with a header row as features ``X`` and a target ``y``.

    Every column except ``target`` becomes a feature column of ``X``; every feature cell must
    be a number. Blank lines are skipped.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8, an optional byte-order mark is ignored).
    target : str
        Name of the target column in the header.
    delimiter : str, default ","
        Field separator, e.g. ``";"`` or ``"\\t"``.
    dtype : floating dtype, default float32
        dtype of ``X`` and of numeric (regression) targets.
    target_type : {"auto", "class", "value"}, default "auto"
        ``"class"``: each distinct value is a class; ``y`` holds class indices 0..K-1 in sorted
        order of the values (numeric order if they are all numbers, else string order).
        ``"value"``: ``y`` holds the numbers, as ``dtype``, shape ``(n, 1)`` (regression).
        ``"auto"``: ``"class"`` if any target cell is not a number; the integers as written
        (int64, shape ``(n,)``) if every cell is an integer; else ``"value"``.
    return_info : bool, default False
        Also return a :class:`CSVInfo` with the feature names and the class labels.

    Returns
    -------
    X : ndarray of shape (n, n_features)
        The feature columns, as ``dtype``.
    y : ndarray of shape (n,), int64, or of shape (n, 1), ``dtype``
        Class indices or integer labels ``(n,)``; regression targets ``(n, 1)``, matching a
        model with one output unit.
    info : CSVInfo
        Only with ``return_info=True``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an empty file, a target name not in the header (the message lists the columns), a
        row with the wrong number of fields, or a feature cell that is not a number (the
        message gives the line and the column).

    Examples
    --------
    >>> X, y, info = load_csv("iris.csv", target="species", return_info=True)  # doctest: +SKIP
    >>> info.classes  # doctest: +SKIP
    ('setosa', 'versicolor', 'virginica')
    """
    check_choice("target_type", target_type, TARGET_TYPES)
    dtype = float_dtype(dtype)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"CSV file not found: {path}")
    features, X, values, line_numbers = _read_table(path, delimiter, target, dtype)
    y, classes = _target(values, target, line_numbers, path, dtype, target_type)
    if return_info:
        return X, y, CSVInfo(tuple(features), target, classes)
    return X, y


def _read_table(
    path: Path, delimiter: str, target: str, dtype: np.dtype
) -> tuple[list[str], np.ndarray, list[str], Sequence[int]]:
    """Feature names, the feature matrix, the target cells and their line numbers.

    Rows are converted to numbers a chunk at a time, so memory stays near the size of the
    result (a table of Python strings would take ten times the file's size).
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = [name.strip() for name in next(reader, [])]
            t = _target_index(path, header, target)
            features = [name for i, name in enumerate(header) if i != t]
            chunks: list[np.ndarray] = []
            values: list[str] = []
            lines = array.array("q")  # 8 bytes a row, not a Python int object each
            cells: list[list[str]] = []
            for row in data_rows(reader, len(header), path, like="the header"):
                values.append(row[t].strip())
                lines.append(reader.line_num)
                cells.append([cell.strip() for cell in row[:t] + row[t + 1 :]])
                if len(cells) == CHUNK_ROWS:
                    chunks.append(_to_numbers(cells, features, lines[-len(cells) :], path, dtype))
                    cells = []
        except csv.Error as exc:
            raise ValueError(
                f"{path}, line {reader.line_num}: not a readable CSV row ({exc})"
            ) from None
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    if cells:
        chunks.append(_to_numbers(cells, features, lines[-len(cells) :], path, dtype))
    if not chunks:
        raise ValueError(f"{path} has a header but no data rows")
    X = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
    return features, X, values, lines


def _target_index(path: Path, header: list[str], target: str) -> int:
    if not header:
        raise ValueError(f"{path} is empty: a header row with column names is required")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate column names in the header: {duplicates}")
    if target not in header:
        columns = ", ".join(repr(name) for name in header)
        raise ValueError(
            f"target column {target!r} not in the header of {path}; columns: {columns}"
        )
    if len(header) == 1:
        raise ValueError(f"{path} has no feature columns besides the target {target!r}")
    return header.index(target)


def data_rows(reader: Any, width: int, source: Path, *, like: str) -> Iterator[list[str]]:
    """The rows of a ``csv.reader`` that are not blank, each with ``width`` fields (else a
    ValueError naming the line, and ``like``: the row the width was taken from)."""
    for row in reader:
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != width:
            raise ValueError(
                f"{source}, line {reader.line_num}: expected {width} fields like {like}, "
                f"got {len(row)}"
            )
        yield row


def _to_numbers(
    cells: Sequence[Sequence[str]],
    names: Sequence[str],
    line_numbers: Sequence[int],
    path: Path,
    dtype: np.dtype,
) -> np.ndarray:
    """The cells as a ``dtype`` array; a cell that is not a finite number is named by file,
    line and column (NaN or infinity in the data would otherwise surface much later as a
    diverged training run blamed on the learning rate)."""
    try:
        numbers = np.array(cells, dtype=np.float64)
    except ValueError:
        numbers = None
    if numbers is not None and np.isfinite(numbers).all():
        return numbers.astype(dtype)
    for row, line in zip(cells, line_numbers, strict=True):
        for cell, name in zip(row, names, strict=True):
            if not _is_number(cell) or not math.isfinite(float(cell)):
                shown = repr(cell) if cell else "an empty cell"
                kind = "a number" if not _is_number(cell) else "a finite number"
                raise ValueError(f"{path}, line {line}, column {name!r}: {shown} is not {kind}")
    raise ValueError(f"{path}: numbers out of range")  # pragma: no cover - found above


def _target(
    values: list[str],
    name: str,
    line_numbers: Sequence[int],
    path: Path,
    dtype: np.dtype,
    target_type: str,
) -> tuple[np.ndarray, tuple[str, ...] | None]:
    numeric = all(_is_number(v) for v in values)
    if target_type == "auto":
        if not numeric:
            target_type = "class"
        elif all(_is_int(v) for v in values):
            return np.array([int(v) for v in values], dtype=np.int64), None
        else:
            target_type = "value"
    if target_type == "value":
        column = _to_numbers([[v] for v in values], [name], line_numbers, path, dtype)
        return column, None
    if target_type == "class":
        key = (lambda v: (float(v), v)) if numeric else None
        classes = tuple(sorted(set(values), key=key))
        index = {label: i for i, label in enumerate(classes)}
        return np.array([index[v] for v in values], dtype=np.int64), classes
    raise ValueError(f"target_type must be one of {TARGET_TYPES}, got {target_type!r}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True
