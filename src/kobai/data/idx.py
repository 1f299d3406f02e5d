"""Reading and writing IDX files, the format MNIST and Fashion-MNIST are distributed in.

An IDX file is a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then ``ndim`` big-endian
uint32 dimension sizes, then the array's values in C order, big-endian. Files may be gzipped
(``*.gz``); the reader recognises gzip by its magic bytes, not by the file name.

References
----------
Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits",
http://yann.lecun.com/exdb/mnist/ (section "File formats for the MNIST database").
"""

from __future__ import annotations

import gzip
import io
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from kobai.files import atomic_writer
from kobai.validation import check_memory

# IDX type code -> big-endian NumPy dtype.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (plain or gzipped) into a NumPy array.

    Parameters
    ----------
    path : str or path-like
        The file, e.g. ``train-images-idx3-ubyte`` or ``train-images-idx3-ubyte.gz``.

    Returns
    -------
    ndarray
        Shape as stored (``(n, 28, 28)`` for MNIST images, ``(n,)`` for labels), in native byte
        order: uint8, int8, int16, int32, float32 or float64. The array is writable.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a valid IDX file: bad magic number, unknown type code, a truncated
        header or body, trailing bytes, or a corrupt gzip stream. The message names the file.

    Examples
    --------
    >>> images = read_idx("train-images-idx3-ubyte.gz")  # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file not found: {path}")
    with path.open("rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    if not gzipped:
        with path.open("rb") as handle:
            return _read_array(handle, path, max_body=path.stat().st_size)
    try:
        with gzip.open(path, "rb") as handle:
            # Deflate cannot compress by more than about 1032:1, and the gzip trailer records
            # the unpacked size (mod 2**32): a header that promises more than either allows is
            # refused before a byte of the body is unpacked or a buffer allocated.
            limit = min(1100 * path.stat().st_size + 1024, _gzip_size(path))
            return _read_array(handle, path, max_body=limit, exact=limit < 2**32)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip raises BadGzipFile (an OSError), EOFError or zlib.error on damaged streams.
        raise ValueError(f"{path}: corrupt gzip stream ({exc})") from exc


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file, gzipped when ``path`` ends in ``.gz``.

    The file is written to a temporary name and renamed when complete. Gzip output is
    reproducible (the gzip header's timestamp is 0).

    Parameters
    ----------
    path : str or path-like
        Where to write.
    array : ndarray
        Any shape with at least one dimension; dtype uint8, int8, int16, int32, float32 or
        float64 (the types IDX can hold).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> labels = np.array([5, 0, 4], dtype=np.uint8)
    >>> write_idx(tmp / "labels-idx1-ubyte.gz", labels)  # doctest: +SKIP
    """
    path = Path(path)
    array = np.asarray(array)
    code = _type_code(array.dtype)
    if array.ndim < 1 or array.ndim > 255:
        raise ValueError(f"IDX arrays need 1 to 255 dimensions, got shape {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    body = np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    with atomic_writer(path) as out:
        if path.suffix == ".gz":
            with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as zipped:
                zipped.write(header + body)
        else:
            out.write(header + body)
    return path


def _gzip_size(path: Path) -> int:
    """The unpacked size a gzip file's trailer records (its last four bytes, little-endian,
    modulo 2**32); for a file over 4 GiB unpacked, the bound the compression ratio gives."""
    with path.open("rb") as raw:
        raw.seek(-4, os.SEEK_END)
        recorded = struct.unpack("<I", raw.read(4))[0]
    return recorded if 1100 * path.stat().st_size < 2**32 else 1100 * path.stat().st_size + 1024


def _read_array(
    handle: io.BufferedIOBase, path: Path, *, max_body: int, exact: bool = False
) -> np.ndarray:
    magic = _read_exactly(handle, 4, path, "magic number")
    if magic[0] != 0 or magic[1] != 0:
        raise ValueError(
            f"{path}: not an IDX file (magic number {magic.hex()} does not start 0000)"
        )
    code, ndim = magic[2], magic[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise ValueError(f"{path}: unknown IDX type code 0x{code:02X} (known: {known})")
    if ndim == 0:
        raise ValueError(f"{path}: IDX header declares 0 dimensions")
    shape = struct.unpack(f">{ndim}I", _read_exactly(handle, 4 * ndim, path, "dimensions"))
    dtype = IDX_DTYPES[code]
    # math.prod: exact for any header (NumPy's int64 product wraps around to negative counts).
    expected = math.prod(shape) * dtype.itemsize
    # A gzip trailer counts the header too: 4 magic bytes and 4 per dimension.
    available = max_body - (4 + 4 * ndim if exact else 0)
    if expected > available:
        raise ValueError(
            f"{path}: truncated IDX file: shape {shape} needs {expected} bytes of data, "
            f"more than the file can hold ({max(available, 0)} bytes)"
        )
    check_memory(f"{path} (shape {shape})", expected)
    body = bytearray(expected)
    got = _fill(handle, body)
    if got != expected:
        raise ValueError(
            f"{path}: truncated IDX file: shape {shape} needs {expected} bytes of data, found {got}"
        )
    if handle.read(1):
        raise ValueError(f"{path}: IDX file has bytes after the {expected} bytes of shape {shape}")
    # frombuffer on a bytearray gives a writable array without another copy.
    array = np.frombuffer(body, dtype=dtype).reshape(shape)
    return array if dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))


def _fill(handle: io.BufferedIOBase, buffer: bytearray) -> int:
    view = memoryview(buffer)
    got = 0
    while got < len(buffer) and (n := handle.readinto(view[got:])):
        got += n
    return got


def _read_exactly(handle: io.BufferedIOBase, n: int, path: Path, what: str) -> bytes:
    data = handle.read(n)
    if len(data) != n:
        raise ValueError(
            f"{path}: truncated IDX header ({what}: needed {n} bytes, got {len(data)})"
        )
    return data


def _type_code(dtype: np.dtype) -> int:
    for code, idx_dtype in IDX_DTYPES.items():
        if dtype.kind == idx_dtype.kind and dtype.itemsize == idx_dtype.itemsize:
            return code
    names = "uint8, int8, int16, int32, float32, float64"
    raise ValueError(f"IDX files hold {names}; got dtype {dtype}")
