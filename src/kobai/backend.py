"""Which array module kobai computes with, and its dtype policy.

kobai computes with NumPy. Tensors made from Python data (lists, floats, ints) are float32 by
default; an explicit ``dtype`` and the dtype of an ``ndarray`` are kept. Operands that are not
tensors (Python scalars, ndarrays) take the dtype of the floating tensor they meet, so
``float32_tensor * 0.5`` and ``float32_tensor + np.ones(3)`` stay float32: no op promotes float32
to float64 behind the user's back.
"""

from __future__ import annotations

import ctypes
import functools
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.validation import check_int, is_integer

DEFAULT_DTYPE = np.dtype(np.float32)

if TYPE_CHECKING:
    # What every ``rng`` argument takes. For type checkers only: spelling it at run time would
    # import numpy.random (25 ms) on ``import kobai``.
    from typing import TypeAlias

    RNG: TypeAlias = np.random.Generator | int | None


def as_dtype(dtype: Any) -> np.dtype:
    """Return ``dtype`` as a NumPy dtype, with a clear error for something that is not one."""
    try:
        return np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be a NumPy dtype or its name, got {dtype!r}") from exc


def is_floating(dtype: np.dtype) -> bool:
    """True for float16/32/64 dtypes."""
    return bool(np.issubdtype(dtype, np.floating))


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Return ``rng`` as a ``np.random.Generator`` (an int is a seed; None draws fresh entropy).

    kobai never touches NumPy's global random state: every function that draws random numbers
    takes ``rng``.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if is_integer(rng):
        return np.random.default_rng(check_int("seed", rng, low=0))
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")


# -- the C library ---------------------------------------------------------------------------
_glibc: Any = None  # the C library once looked up; False where it is not glibc


def glibc() -> Any:
    """The process's C library through ctypes when it is glibc (on Linux), else None."""
    global _glibc
    if _glibc is None:
        _glibc = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(None)
                libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
                _glibc = libc
            except (OSError, AttributeError):
                pass
    return _glibc or None


# -- subnormal numbers ---------------------------------------------------------------------
# x86-64 keeps the SSE/AVX floating-point modes in the MXCSR register, one per thread; two of
# its bits make the arithmetic treat subnormal inputs as zero (DAZ, bit 6) and round
# subnormal results to zero (FTZ, bit 15). glibc's fegetenv/fesetenv read and write the whole
# environment, a 32-byte fenv_t whose last four bytes are MXCSR.
_FenvT = ctypes.c_uint32 * 8
_MXCSR, _FTZ_DAZ = 7, 0x8040


def _fenv_libc() -> Any:
    """glibc on x86-64, where the layout above holds; else None."""
    return glibc() if platform.machine() in ("x86_64", "AMD64") else None


def _read_fenv(libc: Any) -> Any:
    env = _FenvT()
    if libc.fegetenv(env) != 0:
        raise OSError("fegetenv failed")
    return env


def _set_fenv(libc: Any, env: Any, flush: bool) -> None:
    """Install ``env`` with the flush bits set (``flush``) or cleared."""
    changed = _FenvT.from_buffer_copy(env)
    changed[_MXCSR] = env[_MXCSR] | _FTZ_DAZ if flush else env[_MXCSR] & ~_FTZ_DAZ
    if libc.fesetenv(changed) != 0:
        raise OSError("fesetenv failed")


# Whether Optimizer.step flushes subnormal numbers: off unless the user (or a kobai command)
# asks, as PyTorch leaves the mode alone unless torch.set_flush_denormal is called.
_flush_enabled = False


def flush_enabled() -> bool:
    """True after ``set_flush_denormal(True)`` (or inside a :func:`flush_denormal` block):
    then every optimizer step flushes subnormal numbers, in whichever thread it runs."""
    return _flush_enabled


def set_flush_denormal(mode: bool) -> bool:
    """Flush subnormal ("denormal") floats to zero, or stop doing so; off by default.

    Numbers below the smallest normal float (about 1.2e-38 in float32, 2.2e-308 in float64)
    are computed by the processor in microcode, tens of times slower than other numbers. They
    appear when a value decays geometrically, as Adam's first moment does for a weight whose
    gradient stays zero (a dead ReLU unit, an MNIST pixel that is always dark): after about
    800 steps such moments turn subnormal, and an Adam step of the bench's MNIST MLP went from
    0.74 ms to 1.4-1.7 ms. With ``mode=True``, subnormal inputs read as zero and subnormal
    results are stored as zero, as :func:`torch.set_flush_denormal` does.

    The arithmetic mode belongs to the calling thread; the switch this also sets makes every
    optimizer step flush, whichever thread takes it. kobai never sets it by itself (importing
    kobai leaves the processor's floating-point modes alone); the ``kobai`` commands and the
    benchmarks switch it on for their own runs.

    Parameters
    ----------
    mode : bool
        True to flush subnormal numbers to zero, False for IEEE arithmetic (the default).

    Returns
    -------
    bool
        True when the mode was set; False where it cannot be (only x86-64 Linux with glibc
        is supported), in which case nothing changed.
    """
    global _flush_enabled
    libc = _fenv_libc()
    if libc is None:
        return False
    _set_fenv(libc, _read_fenv(libc), bool(mode))
    _flush_enabled = bool(mode)
    return True


@contextmanager
def flush_denormal() -> Iterator[bool]:
    """Flush subnormal floats to zero inside the block, then restore the mode and the switch.

    Inside, this thread's arithmetic flushes and so does every optimizer step. Yields True
    when the mode is on inside the block, False where it cannot be set. See
    :func:`set_flush_denormal`.
    """
    global _flush_enabled
    libc = _fenv_libc()
    if libc is None:
        yield False
        return
    saved, switch = _read_fenv(libc), _flush_enabled
    _flush_enabled = True
    try:
        if saved[_MXCSR] & _FTZ_DAZ == _FTZ_DAZ:
            yield True
            return
        _set_fenv(libc, saved, True)
        try:
            yield True
        finally:
            libc.fesetenv(saved)
    finally:
        _flush_enabled = switch


# -- threads -------------------------------------------------------------------------------
@functools.cache
def _blas_pools() -> Any:
    """threadpoolctl's view of NumPy's BLAS, made once (finding the libraries takes
    milliseconds; the thread counts it reports are read live)."""
    import threadpoolctl

    return threadpoolctl.ThreadpoolController().select(user_api="blas")


def set_num_threads(n: int) -> None:
    """Threads the BLAS library behind NumPy uses for matrix products (all kobai's threads).

    The counterpart of :func:`torch.set_num_threads`. NumPy's BLAS starts one thread per
    core, and its idle threads spin while they wait for work. On a machine that is busy with
    other work, fewer can be much faster: on two cores shared with other processes (load
    average 8), a training step of an MLP 784-256-256-10 on a batch of 128 took 15 ms with one
    thread and 122 ms with two (784-512-256-10, batch 512: 84 ms and 453 ms). The thread count
    also decides how OpenBLAS splits some products, so runs with different counts differ in
    the last bits. The setting holds for the whole process; the library never changes it by
    itself (see :func:`num_threads` for a block, and ``kobai COMMAND --threads N``).

    Parameters
    ----------
    n : int
        Number of threads, at least 1.
    """
    _blas_pools().limit(limits=check_int("threads", n, low=1))


def get_num_threads() -> int:
    """Threads the BLAS library behind NumPy uses for matrix products (1 when it has none)."""
    pools = _blas_pools().lib_controllers
    return max((int(p.num_threads) for p in pools), default=1)


# What the ``kobai`` commands train with unless told otherwise (``--threads N`` or a thread
# variable of the environment): see the measurements in set_num_threads. One thread also makes
# a run's numbers independent of the machine it shares.
COMMAND_THREADS = 1
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def num_threads(n: int) -> Iterator[int]:
    """Use ``n`` BLAS threads inside the block, then restore the previous count.

    Yields the count. See :func:`set_num_threads`.

    Examples
    --------
    >>> import kobai as kb
    >>> with kb.num_threads(1):
    ...     kb.get_num_threads()
    1
    """
    from threadpoolctl import threadpool_limits

    count = check_int("threads", n, low=1)
    with threadpool_limits(limits=count, user_api="blas"):
        yield count
