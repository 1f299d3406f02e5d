"""Whether an update runs in one compiled pass (numba, the ``fast`` extra) or in NumPy passes.

An Adam step in NumPy is a dozen passes over the arrays; compiled with numba it is one pass
(on one thread unless :func:`set_fused` asks for more), with the same numbers to the last bit
(:mod:`kobai.optim._fused_kernels` says how). numba is optional (``pip install "kobai[fast]"``):
without it, or with the environment variable ``KOBAI_FUSED=0``, or after
``set_fused(False)``, every update runs in NumPy. It is imported on the first step that can use
it, never by ``import kobai``, and only for a parameter of at least ``LOAD_AT`` elements
unless :func:`set_fused` asks for it (a small model would not earn back the half second that
loading takes); the first step of a new installation compiles the kernels (a few
seconds) and keeps them in numba's cache, so that later processes load them (about a second,
numba's import included).
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from kobai import backend
from kobai.validation import check_int

ENV = "KOBAI_FUSED"
# The compiled kernels (run()'s ``kind``) and the flags that pick a variant of each.
ADAM, SGD, ADAMAX, NADAM, RADAM, RMSPROP, ADAGRAD = range(7)
SMALL_WEIGHT, AMSGRAD = 1, 2  # the Adam family: torch.lerp's form, the running maximum
MOMENTUM, FIRST_STEP, NESTEROV, DAMPENING = 1, 2, 4, 8  # SGD
CENTERED, RMS_MOMENTUM = 2, 4  # RMSprop (with SMALL_WEIGHT for the centered average)
RECTIFIED = 2  # RAdam
# Elements per block handed to one thread: 64 KB of float32 per array, so that the five or so
# arrays of one block stay in the core's cache; a parameter of fewer stays on one thread.
BLOCK = 1 << 14
# Loading the compiled kernels costs a process about half a second (numba's import and its
# cache), which a small model never earns back (an Adam step of a 16-weight parameter: 11.5 us
# compiled, 15.3 us in NumPy). So, unless set_fused(True) asks, they are first loaded for a
# parameter of at least this many elements; once loaded they serve every parameter.
LOAD_AT = 1 << 14

_module: Any = None  # the compiled kernels once loaded; False when numba cannot be imported
_switch: bool | None = None  # set_fused's choice; None defers to the environment
_wanted = 1  # set_fused's threads
_known: tuple[float, int] = (-2.0, 1)  # when the thread count was asked, and the answer


def set_fused(enabled: bool | None, *, threads: int = 1) -> None:
    """Run the optimizers' updates compiled (True), in NumPy (False), or as ``KOBAI_FUSED``
    says (None, the default: compiled when numba is installed, unless ``KOBAI_FUSED=0``).

    Both give the same numbers, whatever the threads; the compiled update is several times
    faster on large parameters. True does nothing where numba is not installed.

    Parameters
    ----------
    enabled : bool or None
        The choice, for the whole process.
    threads : int, default 1
        Threads one update may use, at most as many as kobai's (:func:`kobai.set_num_threads`).
        One by default: an update streams its arrays through memory once, which one core
        nearly saturates (an Adam update of 268,800 weights: 198 us on one thread, 191 us
        on two), while numba's OpenMP threads keep spinning after each update and took the
        cores from the matrix products that follow (a training step of the MNIST MLP on a
        busy two-core machine: 4.2 ms with one thread, 117 ms with two).

    Examples
    --------
    >>> from kobai import optim
    >>> optim.set_fused(False)  # NumPy from now on
    >>> optim.fused_active()
    False
    >>> optim.set_fused(None)
    """
    global _switch, _wanted
    if enabled is not None and not isinstance(enabled, (bool, np.bool_)):
        raise TypeError(f"enabled must be True, False or None, got {enabled!r}")
    _wanted = check_int("threads", threads, low=1)
    _switch = None if enabled is None else bool(enabled)


def fused_active() -> bool:
    """True when the next update will run compiled: numba is installed and not switched off
    (by :func:`set_fused` or ``KOBAI_FUSED=0``). Imports numba the first time it is asked."""
    return _kernels() is not None


def _kernels() -> Any:
    global _module
    on = _switch if _switch is not None else os.environ.get(ENV, "1") != "0"
    if not on:
        return None
    if _module is None:
        try:
            from kobai.optim import _fused_kernels
        except ImportError:  # numba absent (or built for another NumPy): NumPy does the work
            _module = False
        else:
            _module = _fused_kernels
    return _module or None


def _threads(numba: Any) -> int:
    """Threads for the update: those of NumPy's BLAS (``kobai.set_num_threads``), within
    numba's pool. Asking the BLAS library takes about 20 us, as long as a small update, so
    the answer is kept for a second (the count changes the speed, never the numbers)."""
    global _known
    now = time.monotonic()
    if now - _known[0] > 1.0:
        blas = backend.get_num_threads()
        wanted = max(1, min(blas, numba.config.NUMBA_NUM_THREADS))
        _known = (now, wanted)
    return _known[1]


def run(
    kind: str,
    flags: int,
    param: np.ndarray,
    grad: np.ndarray,
    *state: np.ndarray | None,
    scalars: tuple[float, ...],
) -> bool:
    """Update ``param`` (and ``state``) in one compiled pass: kernel ``kind`` of
    :mod:`~kobai.optim._fused_kernels` with its ``flags`` and ``scalars`` (cast to the arrays'
    dtype). False, having done nothing, when the update must run in NumPy: numba off or
    absent, or arrays that are not all C-contiguous float32 (or all float64) of one shape."""
    if _module is None and _switch is None and param.size < LOAD_AT:
        return False
    module = _kernels()
    if module is None:
        return False
    dtype = param.dtype
    arrays = [a for a in (param, grad, *state) if a is not None]
    if dtype not in (np.float32, np.float64) or not all(
        a.dtype == dtype and a.shape == param.shape and a.flags.c_contiguous for a in arrays
    ):
        return False
    empty = np.empty(0, dtype=dtype)
    flat = [a.reshape(-1) if a is not None else empty for a in (param, grad, *state)]
    flat += [empty] * (5 - len(flat))
    args = (*flat, np.array(scalars, dtype=dtype))
    if _wanted > 1 and param.size > BLOCK:
        import numba

        numba.set_num_threads(min(_wanted, _threads(numba)))
        module.run_threaded(_KINDS[kind], flags, BLOCK, *args)
    else:
        module.run(_KINDS[kind], flags, *args)
    return True


_KINDS = {
    "adam": ADAM,
    "sgd": SGD,
    "adamax": ADAMAX,
    "nadam": NADAM,
    "radam": RADAM,
    "rmsprop": RMSPROP,
    "adagrad": ADAGRAD,
}


def lerp_weight(weight: float, dtype: np.dtype) -> tuple[int, Any]:
    """torch.lerp's form for ``weight`` as a kernel flag (1: ``start + w (end - start)``) and
    the factor of ``end - start`` in the arrays' dtype (``-(1 - w)`` in the other form)."""
    if abs(weight) < 0.5:
        return 1, dtype.type(weight)
    return 0, -dtype.type(1.0 - weight)
