"""The update kernels compiled by numba: each rule in one pass over the arrays, on threads.

Imported only by :mod:`kobai.optim._fused`, on the first step that uses it (numba takes a
second to import). Each loop body performs the operations of the NumPy kernel of the same
rule (:mod:`kobai.optim._functional`) in the same order and in the arrays' precision: the
scalars arrive already cast to the arrays' dtype, so a float32 product is rounded to float32
as NumPy's is, and numba leaves every operation as written (no fused multiply-add without
``fastmath``). The results are therefore the same to the last bit; only the number of passes
over memory changes.

:func:`run` updates in the calling thread; :func:`run_threaded` cuts the arrays into blocks
and hands them to numba's threads. The floating-point mode (flushing of subnormal numbers)
belongs to each thread: every block runs in the mode of the thread that called, as a NumPy
kernel would.
"""

from __future__ import annotations

import platform
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from kobai.optim._fused import (
    ADAM,
    ADAMAX,
    AMSGRAD,
    CENTERED,
    DAMPENING,
    FIRST_STEP,
    MOMENTUM,
    NADAM,
    NESTEROV,
    RADAM,
    RECTIFIED,
    RMS_MOMENTUM,
    RMSPROP,
    SGD,
    SMALL_WEIGHT,
)

# x86's MXCSR holds the thread's modes; FTZ and DAZ are the bits that flush subnormals.
_X86 = platform.machine() in ("x86_64", "AMD64")
_FLUSH_BITS = 0x8040


def _cache_possible() -> bool:
    """Whether numba finds a writable folder for its cache (beside this file, or the user's
    cache folder); without one the kernels are compiled again in every process."""
    from numba.core.caching import FunctionCache

    try:
        FunctionCache(_cache_possible)
    except RuntimeError:
        return False
    return True


# numpy's error model: a division by zero gives inf (as in NumPy) instead of raising, which
# also lets the loops vectorize.
_JIT: dict[str, Any] = {"cache": _cache_possible(), "error_model": "numpy", "nogil": True}


def _mxcsr_call(builder: ir.IRBuilder, name: str, slot: ir.Value) -> None:
    fnty = ir.FunctionType(ir.VoidType(), [ir.IntType(8).as_pointer()])
    fn = cgutils.get_or_insert_function(builder.module, fnty, name)
    builder.call(fn, [builder.bitcast(slot, ir.IntType(8).as_pointer())])


@intrinsic
def _get_mode(typingctx):  # type: ignore[no-untyped-def]
    """The calling thread's MXCSR (0 off x86, where the mode is left alone)."""

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        slot = cgutils.alloca_once_value(builder, ir.Constant(ir.IntType(32), 0))
        if _X86:
            _mxcsr_call(builder, "llvm.x86.sse.stmxcsr", slot)
        return builder.load(slot)

    return types.uint32(), codegen


@intrinsic
def _set_mode(typingctx, value):  # type: ignore[no-untyped-def]
    """Install ``value`` as the thread's MXCSR (nothing off x86)."""

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        if _X86:
            _mxcsr_call(
                builder, "llvm.x86.sse.ldmxcsr", cgutils.alloca_once_value(builder, args[0])
            )
        return context.get_dummy_value()

    return types.none(value), codegen


@njit(**_JIT)
def run(kind, flags, p, g, a, b, c, s):  # type: ignore[no-untyped-def]
    """Kernel ``kind`` over the flat arrays, in the calling thread."""
    _block(kind, flags, 0, p.size, p, g, a, b, c, s)


@njit(parallel=True, **_JIT)
def run_threaded(kind, flags, block, p, g, a, b, c, s):  # type: ignore[no-untyped-def]
    """Kernel ``kind`` over the flat arrays, in blocks of ``block`` elements on threads, each
    in the floating-point mode of the calling thread."""
    flush = _get_mode() & np.uint32(_FLUSH_BITS)
    n = p.size
    for k in prange((n + block - 1) // block):
        saved = _get_mode()
        _set_mode((saved & ~np.uint32(_FLUSH_BITS)) | flush)
        _block(kind, flags, k * block, min(n, (k + 1) * block), p, g, a, b, c, s)
        _set_mode(saved)


@njit(**_JIT)
def _block(kind, flags, lo, hi, p, g, a, b, c, s):  # type: ignore[no-untyped-def]
    # Views of the block: a loop over range(size) vectorizes, one over range(lo, hi) does not
    # (its index might be negative, as far as numba can tell).
    ps, gs, ma, mb, mc = p[lo:hi], g[lo:hi], a[lo:hi], b[lo:hi], c[lo:hi]
    if kind == ADAM:
        _adam(flags, ps, gs, ma, mb, mc, s)
    elif kind == SGD:
        _sgd(flags, ps, gs, ma, s)
    elif kind == ADAMAX:
        _adamax(flags, ps, gs, ma, mb, s)
    elif kind == NADAM:
        _nadam(flags, ps, gs, ma, mb, s)
    elif kind == RADAM:
        _radam(flags, ps, gs, ma, mb, s)
    elif kind == RMSPROP:
        _rmsprop(flags, ps, gs, ma, mb, mc, s)
    else:
        _adagrad(ps, gs, ma, s)


@njit(**_JIT)
def _lerp(m, g, small, w):  # type: ignore[no-untyped-def]
    """torch.lerp's two forms: ``m + w (g - m)``, or ``g - (1 - w)(g - m)`` (``w`` = -(1 - w))."""
    return (m if small else g) + (g - m) * w


@njit(**_JIT)
def _adam(flags, p, g, m, v, vmax, s):  # type: ignore[no-untyped-def]
    small = flags & SMALL_WEIGHT != 0
    w, beta2, one_minus_beta2, eps, scale = s[0], s[1], s[2], s[3], s[4]
    if flags & AMSGRAD:
        for i in range(p.size):
            mi = m[i] = _lerp(m[i], g[i], small, w)
            vi = v[i] = v[i] * beta2 + (g[i] * one_minus_beta2) * g[i]
            peak = vmax[i]
            if vi > peak or vi != vi:  # np.maximum: a NaN wins
                peak = vi
            vmax[i] = peak
            p[i] = p[i] + (mi / (np.sqrt(peak) + eps)) * scale
    else:
        for i in range(p.size):
            mi = m[i] = _lerp(m[i], g[i], small, w)
            vi = v[i] = v[i] * beta2 + (g[i] * one_minus_beta2) * g[i]
            p[i] = p[i] + (mi / (np.sqrt(vi) + eps)) * scale


@njit(**_JIT)
def _sgd(flags, p, g, buf, s):  # type: ignore[no-untyped-def]
    lr, momentum, one_minus_dampening = s[0], s[1], s[2]
    if flags & MOMENTUM == 0:
        for i in range(p.size):
            p[i] = p[i] - g[i] * lr
        return
    first, nesterov, damped = flags & FIRST_STEP != 0, flags & NESTEROV != 0, flags & DAMPENING
    for i in range(p.size):
        if first:
            bi = g[i]
        elif damped:
            bi = buf[i] * momentum + g[i] * one_minus_dampening
        else:
            bi = buf[i] * momentum + g[i]
        buf[i] = bi
        step = bi * momentum + g[i] if nesterov else bi
        p[i] = p[i] - step * lr


@njit(**_JIT)
def _adamax(flags, p, g, m, u, s):  # type: ignore[no-untyped-def]
    small = flags & SMALL_WEIGHT != 0
    w, beta2, eps, scale = s[0], s[1], s[2], s[3]
    for i in range(p.size):
        mi = m[i] = _lerp(m[i], g[i], small, w)
        norm = np.abs(g[i]) + eps
        ui = u[i] * beta2
        if norm > ui or norm != norm:
            ui = norm
        u[i] = ui
        p[i] = p[i] + (mi * scale) / ui


@njit(**_JIT)
def _nadam(flags, p, g, m, v, s):  # type: ignore[no-untyped-def]
    small = flags & SMALL_WEIGHT != 0
    w, beta2, one_minus_beta2, bimacorrection2 = s[0], s[1], s[2], s[3]
    eps, grad_scale, avg_scale = s[4], s[5], s[6]
    for i in range(p.size):
        mi = m[i] = _lerp(m[i], g[i], small, w)
        vi = v[i] = v[i] * beta2 + (g[i] * one_minus_beta2) * g[i]
        denom = np.sqrt(vi / bimacorrection2) + eps
        pi = p[i] + (g[i] * grad_scale) / denom
        p[i] = pi + (mi * avg_scale) / denom


@njit(**_JIT)
def _radam(flags, p, g, m, v, s):  # type: ignore[no-untyped-def]
    small = flags & SMALL_WEIGHT != 0
    w, beta2, one_minus_beta2, bimacorrection1 = s[0], s[1], s[2], s[3]
    lr, eps, root, rect = s[4], s[5], s[6], s[7]
    rectified = flags & RECTIFIED != 0
    for i in range(p.size):
        mi = m[i] = _lerp(m[i], g[i], small, w)
        vi = v[i] = v[i] * beta2 + (g[i] * one_minus_beta2) * g[i]
        update = (mi / bimacorrection1) * lr
        if rectified:
            update = (update * (root / (np.sqrt(vi) + eps))) * rect
        p[i] = p[i] - update


@njit(**_JIT)
def _rmsprop(flags, p, g, v, avg, buf, s):  # type: ignore[no-untyped-def]
    small, centered = flags & SMALL_WEIGHT != 0, flags & CENTERED != 0
    alpha, one_minus_alpha, w, eps, lr, momentum = s[0], s[1], s[2], s[3], s[4], s[5]
    with_momentum = flags & RMS_MOMENTUM != 0
    for i in range(p.size):
        vi = v[i] = v[i] * alpha + (g[i] * one_minus_alpha) * g[i]
        if centered:
            ai = avg[i] = _lerp(avg[i], g[i], small, w)
            denom = np.sqrt(vi - ai * ai) + eps
        else:
            denom = np.sqrt(vi) + eps
        if with_momentum:
            bi = buf[i] = buf[i] * momentum + g[i] / denom
            p[i] = p[i] - bi * lr
        else:
            p[i] = p[i] + (g[i] * -lr) / denom


@njit(**_JIT)
def _adagrad(p, g, total, s):  # type: ignore[no-untyped-def]
    eps, scale = s[0], s[1]
    for i in range(p.size):
        ti = total[i] = total[i] + g[i] * g[i]
        p[i] = p[i] + (g[i] * scale) / (np.sqrt(ti) + eps)
