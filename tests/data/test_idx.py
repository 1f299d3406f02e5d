"""IDX reader and writer: round trips, the byte layout, and damaged files."""

import gzip

import numpy as np
import pytest

from kobai.data import read_idx, write_idx


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip(tmp_path, suffix, dtype):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal((3, 4, 5)) * 50).astype(dtype)
    path = write_idx(tmp_path / f"a-idx3{suffix}", array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)
    back[0, 0, 0] = 1  # writable


def test_plain_file_bytes_follow_the_format(tmp_path):
    labels = np.array([5, 0, 4], dtype=np.uint8)
    path = write_idx(tmp_path / "labels-idx1-ubyte", labels)
    # magic 0x00000801 (ubyte, 1 dimension), size 3 big-endian, then the bytes.
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4])
    ints = np.array([[1, -2]], dtype=np.int32)
    data = write_idx(tmp_path / "i", ints).read_bytes()
    assert data == bytes([0, 0, 0x0C, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 255, 255, 255, 254])


def test_gz_is_real_gzip_and_reproducible(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    a = write_idx(tmp_path / "a.gz", images).read_bytes()
    b = write_idx(tmp_path / "b.gz", images).read_bytes()
    assert a == b
    raw = gzip.decompress(a)
    assert raw[:4] == bytes([0, 0, 8, 3]) and len(raw) == 16 + 2 * 784


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    array = np.arange(6, dtype=np.uint8)
    (tmp_path / "plain-named").write_bytes(write_idx(tmp_path / "x.gz", array).read_bytes())
    np.testing.assert_array_equal(read_idx(tmp_path / "plain-named"), array)


def test_writing_leaves_no_temporary_files(tmp_path):
    write_idx(tmp_path / "x.gz", np.zeros(3, np.uint8))
    assert [p.name for p in tmp_path.iterdir()] == ["x.gz"]


def _idx_bytes(tmp_path, array):
    return write_idx(tmp_path / "src", array).read_bytes()


def test_truncated_body(tmp_path):
    data = _idx_bytes(tmp_path, np.zeros((10, 28, 28), np.uint8))
    (tmp_path / "cut").write_bytes(data[:-100])
    with pytest.raises(ValueError, match=r"truncated IDX file: shape \(10, 28, 28\) needs 7840"):
        read_idx(tmp_path / "cut")


def test_truncated_gzip_body(tmp_path):
    array = np.random.default_rng(1).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    raw = _idx_bytes(tmp_path, array)
    (tmp_path / "cut.gz").write_bytes(gzip.compress(raw[:-10]))
    with pytest.raises(ValueError, match="truncated IDX file"):
        read_idx(tmp_path / "cut.gz")


def test_truncated_gzip_stream(tmp_path):
    array = np.random.default_rng(2).integers(0, 256, (50, 28, 28), dtype=np.uint8)
    data = write_idx(tmp_path / "a.gz", array).read_bytes()
    (tmp_path / "cut.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\.gz: corrupt gzip stream"):
        read_idx(tmp_path / "cut.gz")


def test_truncated_header(tmp_path):
    (tmp_path / "h").write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(
        ValueError, match=r"truncated IDX header \(dimensions: needed 12 bytes, got 2\)"
    ):
        read_idx(tmp_path / "h")


def test_trailing_bytes(tmp_path):
    data = _idx_bytes(tmp_path, np.zeros(4, np.uint8))
    (tmp_path / "long").write_bytes(data + b"\x00")
    with pytest.raises(ValueError, match="bytes after the 4 bytes"):
        read_idx(tmp_path / "long")


def test_bad_magic_and_unknown_type(tmp_path):
    (tmp_path / "m").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "m")
    (tmp_path / "t").write_bytes(bytes([0, 0, 0x0A, 1, 0, 0, 0, 0]))
    with pytest.raises(ValueError, match="unknown IDX type code 0x0A"):
        read_idx(tmp_path / "t")


def test_header_promising_more_than_the_file_can_hold(tmp_path):
    # 4e9 elements declared in a tiny gzip file: refused before allocating.
    header = bytes([0, 0, 8, 2]) + (65535).to_bytes(4, "big") + (65535).to_bytes(4, "big")
    (tmp_path / "huge.gz").write_bytes(gzip.compress(header + b"\x00" * 10))
    with pytest.raises(ValueError, match="more than the file can hold"):
        read_idx(tmp_path / "huge.gz")


def test_missing_file_and_unwritable_dtypes(tmp_path):
    with pytest.raises(FileNotFoundError, match="IDX file not found"):
        read_idx(tmp_path / "nope")
    with pytest.raises(ValueError, match="got dtype uint16"):
        write_idx(tmp_path / "x", np.zeros(3, np.uint16))
    with pytest.raises(ValueError, match="1 to 255 dimensions"):
        write_idx(tmp_path / "x", np.float32(1.0))
