"""Data files that lie: IDX headers, gzip trailers, CSV cells; and memory while reading."""

from __future__ import annotations

import gzip
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from kobai.data import load_csv, read_idx, write_idx
from kobai.data.arrays import load_array


def _idx(shape: tuple[int, ...]) -> bytes:
    return bytes([0, 0, 0x08, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)


def test_a_dimension_product_beyond_int64_is_named_not_negative(tmp_path: Path) -> None:
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(_idx((0xFFFFFFFF,) * 3))
    with pytest.raises(ValueError) as info:
        read_idx(path)
    message = str(info.value)
    assert "negative" not in message and "79228162458924105385300197375 bytes" in message


def test_a_gzip_header_is_checked_against_the_trailer_before_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bomb-idx3-ubyte.gz"
    with gzip.open(path, "wb") as out:
        out.write(_idx((1000, 1000, 1000)))
        out.write(b"\0" * 100_000)
    tracemalloc.start()
    with pytest.raises(ValueError, match=r"more than the file can hold \(100000 bytes\)"):
        read_idx(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000  # refused before a buffer of 1 GB was allocated or filled


def test_a_good_gzip_file_still_reads(tmp_path: Path) -> None:
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / "ok-idx3-ubyte.gz", images)
    np.testing.assert_array_equal(read_idx(path), images)


@pytest.mark.parametrize(
    ("cell", "message"),
    [("nan", "'nan' is not a finite number"), ("-inf", "'-inf' is not a finite number"),
     ("1e999", "'1e999' is not a finite number"), ("x", "'x' is not a number")],
)  # fmt: skip
def test_csv_cells_that_are_not_finite_name_file_line_and_column(
    tmp_path: Path, cell: str, message: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"a,b,y\n1,2,0\n3,{cell},1\n")
    with pytest.raises(ValueError) as info:
        load_csv(path, "y")
    assert str(info.value) == f"{path}, line 3, column 'b': {message}"


def test_an_overlong_csv_cell_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,y\n" + "1" * 200_000 + ",0\n")
    with pytest.raises(ValueError, match=r"t.csv, line \d: not a readable CSV row"):
        load_csv(path, "y")


def test_a_csv_is_read_in_chunks_not_as_a_table_of_strings(tmp_path: Path) -> None:
    rows, columns = 20_000, 20
    path = tmp_path / "big.csv"
    body = "\n".join(
        ",".join(f"{(r * c) % 97 / 7:.6f}" for c in range(columns)) for r in range(rows)
    )
    path.write_text(",".join(f"c{c}" for c in range(columns - 1)) + ",y\n" + body + "\n")
    tracemalloc.start()
    X, y = load_csv(path, "y")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert X.shape == (rows, columns - 1) and X.dtype == np.float32
    # The result is 1.5 MB; the table as Python strings alone would be over 30 MB.
    assert peak < 12 * 2**20, peak


def test_load_array_takes_numbers_with_letters_as_data(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("1e-3,2\nInf,1\n")
    with pytest.raises(ValueError, match=r"line 2, column 'column 1': 'Inf' is not a finite"):
        load_array(path)
    path.write_text("1e-3,2\n-0.5,1\n")
    np.testing.assert_array_equal(load_array(path), [[1e-3, 2.0], [-0.5, 1.0]])
    path.write_text("x1,x2\n1,2\n")
    np.testing.assert_array_equal(load_array(path), [[1.0, 2.0]])


def test_load_array_skips_blank_rows_and_names_a_ragged_one(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n ,\n3,4\n")
    np.testing.assert_array_equal(load_array(path), [[1.0, 2.0], [3.0, 4.0]])
    path.write_text("1,2\n\n3,4\n5,6,7\n")
    with pytest.raises(ValueError) as info:
        load_array(path)
    assert str(info.value) == f"{path}, line 4: expected 2 fields like line 1, got 3"
