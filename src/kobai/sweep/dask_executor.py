"""The Dask executor: cells as tasks on an existing ``dask.distributed`` cluster.

The only module of kobai that imports Dask. Each cell is one task running
:func:`kobai.sweep.cell.run_cell`; the workers write the cells' run directories, so the sweep
directory must be on a file system they share with the driver (as on any cluster with a
shared home or scratch). When a worker dies mid-cell, the scheduler hands its task to
another worker, where it continues from the cell's last checkpoint.
"""

from __future__ import annotations

import hashlib
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlparse

from kobai.sweep.cell import run_cell

CONNECT_TIMEOUT = 8.0


def connect(address: str, *, timeout: float = CONNECT_TIMEOUT) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://HOST:PORT``), or a
    one-line ``ConnectionError`` within ``timeout`` seconds when none answers."""
    distributed = _import_distributed()
    parsed = urlparse(address if "://" in address else f"tcp://{address}")
    if parsed.hostname is None or parsed.port is None:
        raise ValueError(f"a scheduler address is tcp://HOST:PORT, got {address!r}")
    start = time.monotonic()
    try:
        # A refused connection is known at once; Dask itself would retry until its timeout.
        socket.create_connection((parsed.hostname, parsed.port), timeout=timeout).close()
    except OSError as exc:
        raise ConnectionError(f"no Dask scheduler answers at {address}: {exc}") from None
    left = max(1.0, timeout - (time.monotonic() - start))
    try:
        return distributed.Client(address, timeout=f"{left}s")
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(
            f"no Dask scheduler answers at {address} within {timeout:g} s: {exc}"
        ) from None
    except Exception as exc:  # noqa: BLE001 - whatever a server of another kind makes Dask do
        raise ConnectionError(
            f"the server at {address} does not answer as a Dask scheduler "
            f"({type(exc).__name__}: {str(exc)[:120]})"
        ) from None


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError('running a sweep on Dask needs: pip install "kobai[dask]"') from None
    return distributed


class DaskExecutor:
    """Run cells on a Dask cluster.

    Parameters
    ----------
    client : distributed.Client, optional
        A connected client (kept open afterwards).
    address : str, optional
        Scheduler address to connect to when no client is given (closed afterwards).
    threads : int, default 1
        BLAS threads per cell.
    """

    def __init__(self, *, client: Any = None, address: str | None = None, threads: int = 1) -> None:
        self.owned = client is None
        if client is None:
            if address is None:
                raise ValueError("a Dask executor needs a client or a scheduler address")
            client = connect(address)
        self.client, self.threads = client, threads
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))
        self._futures: list[Any] = []

    def describe(self) -> str:
        return f"Dask scheduler {self.client.scheduler.address} ({self.workers} worker(s))"

    def results(
        self, tasks: dict[str, dict[str, Any]], function: Callable[..., Any] = run_cell
    ) -> Iterator[tuple[str, Any]]:
        """Yield ``(key, outcome)`` as tasks finish, in any order (``function``: by default
        :func:`run_cell`)."""
        distributed = _import_distributed()
        run_id = uuid.uuid4().hex[:8]
        futures = {}
        for key, task in tasks.items():
            task["threads"] = self.threads
            name = f"kobai-cell-{run_id}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
            futures[self.client.submit(function, task, key=name, pure=False)] = key
        self._futures = list(futures)
        for future in distributed.as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a cell that killed its workers
                outcome = exc
            yield futures[future], outcome

    def close(self, *, kill: bool = False) -> None:
        """Cancel what is left; close the client if this executor opened it."""
        if self._futures:
            self.client.cancel(self._futures)
            self._futures = []
        if self.owned:
            self.client.close()
