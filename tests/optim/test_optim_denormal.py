"""Subnormal floats: the thread's flush mode, and optimizer steps flushing only when asked."""

from __future__ import annotations

import platform
import sys
import threading

import numpy as np
import pytest

import kobai as kb
from kobai import optim
from kobai.optim import textbook

SUPPORTED = sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")
needs_fenv = pytest.mark.skipif(not SUPPORTED, reason="flush mode is set on x86-64 Linux only")

TINY = np.float32(1e-39)  # subnormal in float32 (smallest normal: 1.18e-38)


def halved() -> float:
    """Half of a subnormal, computed by a NumPy ufunc in this thread: 5e-40, or 0 when
    subnormal numbers are flushed."""
    return float((np.full(4, TINY) * np.float32(0.5))[0])


@pytest.fixture(autouse=True)
def ieee_mode():
    kb.set_flush_denormal(False)
    yield
    kb.set_flush_denormal(False)


@needs_fenv
def test_set_flush_denormal_switches_this_threads_arithmetic():
    assert halved() == pytest.approx(5e-40, rel=1e-6)
    assert kb.set_flush_denormal(True) is True
    assert halved() == 0.0
    # Normal numbers are untouched.
    assert float(np.float32(3e-38) * np.float32(0.5)) == pytest.approx(1.5e-38, rel=1e-6)
    assert kb.set_flush_denormal(False) is True
    assert halved() == pytest.approx(5e-40, rel=1e-6)


@needs_fenv
def test_flush_mode_belongs_to_the_calling_thread():
    kb.set_flush_denormal(True)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(halved()))
    worker.start()
    worker.join()
    assert seen == [pytest.approx(5e-40, rel=1e-6)]
    assert halved() == 0.0


@needs_fenv
def test_flush_denormal_block_restores_the_mode_it_found():
    with kb.flush_denormal() as on:
        assert on is True
        assert halved() == 0.0
    assert halved() == pytest.approx(5e-40, rel=1e-6)
    with pytest.raises(RuntimeError, match="inside"):
        with kb.flush_denormal():
            raise RuntimeError("inside")
    assert halved() == pytest.approx(5e-40, rel=1e-6)
    # A thread already flushing keeps flushing after the block.
    kb.set_flush_denormal(True)
    with kb.flush_denormal():
        pass
    assert halved() == 0.0


def test_unsupported_platform_changes_nothing(monkeypatch):
    from kobai import backend

    monkeypatch.setattr(backend, "_glibc", False)
    before = halved()
    assert kb.set_flush_denormal(True) is False
    with kb.flush_denormal() as on:
        assert on is False
        assert halved() == before
    assert halved() == before


def _with_decayed_moments(opt_cls, **kw):
    """A parameter whose first moment is subnormal, stepped once with a zero gradient."""
    w = kb.tensor(np.array([0.5, -0.25, 1.0], dtype=np.float32), requires_grad=True)
    opt = opt_cls([w], **kw)
    w.grad = np.array([1.0, 1.0, 1.0], dtype=np.float32)
    opt.step()
    return w, opt


@needs_fenv
def test_library_steps_keep_ieee_arithmetic_unless_asked():
    w, opt = _with_decayed_moments(optim.Adam, lr=1e-3)
    state = opt.state[w]
    state["exp_avg"][:] = TINY
    w.grad = np.zeros(3, dtype=np.float32)
    opt.step()
    # Nothing asked for flushing: 0.9 * 1e-39 stays the subnormal 9e-40.
    np.testing.assert_allclose(state["exp_avg"], np.full(3, 9e-40, np.float32), rtol=1e-5)
    assert not kb.backend.flush_enabled()


@needs_fenv
def test_adam_step_flushes_when_enabled_in_any_thread_and_leaves_it_as_it_was():
    w, opt = _with_decayed_moments(optim.Adam, lr=1e-3)
    state = opt.state[w]
    state["exp_avg"][:] = TINY
    before = w.data.copy()
    w.grad = np.zeros(3, dtype=np.float32)
    kb.set_flush_denormal(True)
    seen = []

    def worker() -> None:  # a thread whose own arithmetic was never switched
        opt.step()
        seen.append(halved())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    # 0.9 * 1e-39 would be 9e-40 in IEEE arithmetic; flushed, it is 0.
    np.testing.assert_array_equal(state["exp_avg"], np.zeros(3, dtype=np.float32))
    np.testing.assert_array_equal(w.data, before)
    assert seen == [pytest.approx(5e-40, rel=1e-6)]


@needs_fenv
def test_sgd_momentum_and_textbook_steps_flush_too():
    w, opt = _with_decayed_moments(optim.SGD, lr=0.1, momentum=0.9)
    opt.state[w]["momentum_buffer"][:] = TINY
    w.grad = np.zeros(3, dtype=np.float32)
    with kb.flush_denormal():
        opt.step()
    np.testing.assert_array_equal(opt.state[w]["momentum_buffer"], np.zeros(3, np.float32))

    book = textbook.Momentum(lr=0.1, momentum=0.9)
    params = {"W": np.ones(3, dtype=np.float32)}
    book.update(params, {"W": np.ones(3, dtype=np.float32)})
    book.state["W"]["v"][:] = TINY
    with kb.flush_denormal():
        book.update(params, {"W": np.zeros(3, dtype=np.float32)})
    np.testing.assert_array_equal(book.state["W"]["v"], np.zeros(3, np.float32))
    assert halved() == pytest.approx(5e-40, rel=1e-6)
    assert not kb.backend.flush_enabled()


def test_textbook_update_checks_every_shape_before_changing_anything():
    book = textbook.SGD(lr=0.1)
    params = {"a": np.ones(2, dtype=np.float32), "b": np.ones(3, dtype=np.float32)}
    grads = {"a": np.ones(2, dtype=np.float32), "b": np.ones(2, dtype=np.float32)}
    with pytest.raises(ValueError, match=r"grads\['b'\] has shape \(2,\)"):
        book.update(params, grads)
    np.testing.assert_array_equal(params["a"], np.ones(2, dtype=np.float32))
