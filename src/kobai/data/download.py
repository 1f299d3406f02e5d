"""Downloading data files into a cache folder: mirrors in order, SHA-256 check, atomic writes.

A file is streamed from the first mirror that answers into a temporary file beside its final
name while its SHA-256 digest is computed; only when the digest matches the recorded one is the
temporary file renamed to its final name. A mismatch or a broken connection removes the
temporary file and moves on to the next mirror, so the folder never holds an unverified or
half-written file. When no mirror delivers, :class:`DownloadError` says so in one line and
names the folder where the user can put the file by hand.

The network is reached only through a ``fetch`` function, ``fetch(url) -> binary file object``
(by default :func:`urlopen_fetch`), so tests and offline users can pass their own.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from kobai.files import atomic_writer

Fetch = Callable[[str], BinaryIO]

CACHE_ENV = "KOBAI_CACHE"
TIMEOUT_S = 30.0
_CHUNK = 1 << 20


class DownloadError(OSError):
    """No mirror delivered a file with the expected SHA-256 digest."""


def cache_dir() -> Path:
    """Return kobai's cache folder: ``$KOBAI_CACHE`` if set, else ``~/.cache/kobai``.

    The folder is not created here; the functions that write into it create it.
    """
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "kobai"


def urlopen_fetch(url: str) -> BinaryIO:
    """Open ``url`` for reading with :func:`urllib.request.urlopen` (30 s timeout).

    Sends a ``User-Agent`` header because some mirrors refuse Python's default one.
    """
    import urllib.request  # imported here: it pulls in ssl and http, slow for `import kobai`

    request = urllib.request.Request(url, headers={"User-Agent": "kobai (python urllib)"})
    response: BinaryIO = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    return response


def download_file(
    filename: str,
    mirrors: Sequence[str],
    sha256: str,
    folder: str | os.PathLike[str],
    *,
    fetch: Fetch | None = None,
) -> Path:
    """Download ``filename`` into ``folder`` from the first mirror that delivers it intact.

    Parameters
    ----------
    filename : str
        File name, appended to each mirror's base URL.
    mirrors : sequence of str
        Base URLs ending in ``/``, tried in order.
    sha256 : str
        Expected SHA-256 digest (64 hex digits) of the file's bytes.
    folder : str or path-like
        Destination folder; created if missing.
    fetch : callable, optional
        ``fetch(url)`` returns a readable binary file object (used as a context manager).
        Default :func:`urlopen_fetch`.

    Returns
    -------
    Path
        ``folder / filename``, verified.

    Raises
    ------
    DownloadError
        If every mirror failed (unreachable, HTTP error, or wrong digest). The message lists
        each mirror's reason and the folder to put the file in by hand.
    """
    import http.client

    fetch = urlopen_fetch if fetch is None else fetch
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename
    failures = []
    for base in mirrors:
        url = base + filename
        try:
            _fetch_verified(url, target, sha256, fetch)
            return target
        except (OSError, ValueError, http.client.HTTPException) as exc:
            failures.append(f"{url}: {_one_line(exc)}")
    raise DownloadError(
        f"could not download {filename} from any mirror ({'; '.join(failures)}); "
        f"put the IDX files in {folder} yourself"
    )


def _fetch_verified(url: str, target: Path, sha256: str, fetch: Fetch) -> None:
    digest = hashlib.sha256()
    with atomic_writer(target) as out, fetch(url) as response:
        while chunk := response.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
        # Raising inside the block makes atomic_writer delete the temporary file.
        if digest.hexdigest() != sha256:
            raise ValueError(f"sha256 mismatch (got {digest.hexdigest()}, expected {sha256})")


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())
