"""One atomic write for every file kobai writes: a temporary file beside the target, flushed to
disk and renamed over it.

Readers see the old file or the complete new one, never a half-written one: a full disk, a
crash or SIGKILL in the middle of a write leaves what existed untouched. The temporary file's
name carries the writer's process id, so a later write into the same folder removes what a
killed writer left behind (and never the file of a writer still running).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_path", "atomic_writer", "remove_stale_temps", "same_file", "write_atomic"]

SUFFIX = ".kobai-tmp"
# ".<target name>.<pid>.<random>.kobai-tmp[.<target suffix>]"
_TEMP = re.compile(r"^\..+\.(\d+)\.[^.]+" + re.escape(SUFFIX) + r"(\.\w+)?$")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path (same folder, same suffix) for a writer that needs a file name; it
    replaces ``path`` only if the block succeeds and the file exists.

    For libraries that open the file themselves (animation writers); everything else uses
    :func:`atomic_writer`.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target.parent)
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=SUFFIX + target.suffix
    )
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike[str], *, text: bool = False, newline: str | None = ""
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; it replaces ``path`` only if the block succeeds.

    Parameters
    ----------
    path : str or path-like
        The file to write; its folder is created if missing.
    text : bool, default False
        Open in text mode (UTF-8, ``newline`` as :func:`open` takes it) instead of binary.

    On any exception (a full disk included) the temporary file is removed, ``path`` is left as
    it was and the exception propagates.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target.parent)
    fd, temp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=SUFFIX
    )
    try:
        opened: IO[Any] = (
            os.fdopen(fd, "w", encoding="utf-8", newline=newline) if text else os.fdopen(fd, "wb")
        )
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _sync_folder(target.parent)


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` atomically; return the path."""
    with atomic_writer(path, text=isinstance(content, str)) as handle:
        handle.write(content)
    return Path(path)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when ``a`` and ``b`` name one file (through links and ``..`` too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files of killed writers in ``folder``; return what was removed."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _TEMP.match(entry.name)
            if match and not _alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        # This process's own leftovers come from a write that raised and cleaned up, or from a
        # forked child; a write in progress in another thread must be left alone.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk; not every system allows it.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
