"""The compiled updates (numba, the ``fast`` extra) give NumPy's numbers to the last bit."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import kobai as kb
from kobai import optim
from kobai.optim import _fused

numba = pytest.importorskip("numba", reason="the compiled updates need numba (kobai[fast])")

# Every optimizer with a compiled update, with the options that pick each variant of it.
VARIANTS = [
    ("adam", {}),
    ("adam", {"amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("adam", {"betas": (0.2, 0.5)}),  # 1 - beta1 >= 0.5: torch.lerp's other form
    ("adamw", {"amsgrad": True}),
    ("adamax", {"weight_decay": 0.1}),
    ("adamax", {"betas": (0.3, 0.9), "maximize": True}),
    ("nadam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("radam", {"weight_decay": 0.1}),  # rectified from step 6 on
    ("radam", {"betas": (0.4, 0.3)}),  # never rectified
    ("rmsprop", {}),
    ("rmsprop", {"centered": True, "momentum": 0.9, "weight_decay": 0.1, "alpha": 0.3}),
    ("rmsprop", {"momentum": 0.5, "maximize": True}),
    ("adagrad", {"weight_decay": 0.1, "lr_decay": 0.01}),
    ("sgd", {}),
    ("sgd", {"momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("nesterov", {"weight_decay": 0.1}),
]


def trajectory(
    name: str, hyper: dict, dtype: type, fused: bool, n: int, threads: int = 1
) -> list[np.ndarray]:
    """Parameter and state after 8 steps on gradients that span many orders of magnitude."""
    rng = np.random.default_rng(7)
    w = kb.tensor(rng.standard_normal(n).astype(dtype), requires_grad=True)
    opt = optim.create(name, [w], lr=0.05, **hyper)
    optim.set_fused(fused, threads=threads)
    try:
        for _ in range(8):
            scale = 10.0 ** rng.integers(-6, 3, n)
            w.grad = (rng.standard_normal(n) * scale).astype(dtype)
            opt.step()
    finally:
        optim.set_fused(None)
    state = [v for v in opt.state[w].values() if isinstance(v, np.ndarray)]
    return [w.data, *state]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("name", "hyper"), VARIANTS, ids=str)
def test_compiled_update_equals_numpy_bit_for_bit(name, hyper, dtype, threads):
    n = 3 * _fused.BLOCK + 11  # several blocks for the threads, the last one short
    compiled = trajectory(name, hyper, dtype, True, n, threads)
    plain = trajectory(name, hyper, dtype, False, n)
    assert len(compiled) == len(plain)
    for a, b in zip(compiled, plain, strict=True):
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a, b)


def test_switch_and_environment_choose_the_path(monkeypatch):
    monkeypatch.setenv(_fused.ENV, "0")
    assert not optim.fused_active()
    optim.set_fused(True)
    assert optim.fused_active()
    optim.set_fused(None)
    monkeypatch.setenv(_fused.ENV, "1")
    assert optim.fused_active()
    with pytest.raises(TypeError, match="enabled must be True, False or None, got 'yes'"):
        optim.set_fused("yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threads"):
        optim.set_fused(True, threads=0)
    optim.set_fused(None)


def test_compiled_path_runs_and_numpy_path_runs(monkeypatch):
    calls = []
    real = _fused.run

    def spy(*args, **kwargs):
        done = real(*args, **kwargs)
        calls.append(done)
        return done

    monkeypatch.setattr(_fused, "run", spy)
    w = kb.tensor(np.ones(5, np.float32), requires_grad=True)
    w.grad = np.ones(5, np.float32)
    opt = optim.Adam([w], lr=0.1)
    try:
        optim.set_fused(True)  # whatever KOBAI_FUSED says
        opt.step()
        optim.set_fused(False)
        opt.step()
    finally:
        optim.set_fused(None)
    assert calls == [True, False]
    np.testing.assert_allclose(w.data, 0.8, rtol=1e-6)


def test_arrays_numba_cannot_take_stay_in_numpy():
    w = kb.tensor(np.ones((4, 6), np.float32), requires_grad=True)
    grad = np.ones((6, 4), np.float32).T  # not C-contiguous
    opt = optim.Adam([w], lr=0.1)
    scalars = (0.1, 0.999, 0.001, 1e-8, -0.1)
    state = np.zeros((4, 6), np.float32)
    assert not _fused.run("adam", 1, w.data, grad, state, state, None, scalars=scalars)
    assert not _fused.run("adam", 1, w.data, grad.astype(np.float64), scalars=scalars)
    w.grad = grad
    opt.step()
    np.testing.assert_allclose(w.data, 0.9, rtol=1e-6)


@pytest.fixture
def compiled():
    optim.set_fused(True, threads=2)
    yield
    optim.set_fused(None)


def test_every_block_flushes_subnormals_when_the_calling_thread_does(compiled):
    n = 4 * _fused.BLOCK
    w = kb.tensor(np.ones(n, np.float32), requires_grad=True)
    opt = optim.Adam([w], lr=1e-3)
    w.grad = np.ones(n, np.float32)
    opt.step()
    state = opt.state[w]
    state["exp_avg"][:] = np.float32(1e-39)  # subnormal
    w.grad = np.zeros(n, np.float32)
    kb.set_flush_denormal(True)
    try:
        opt.step()
    finally:
        kb.set_flush_denormal(False)
    flushed = state["exp_avg"].copy()
    state["exp_avg"][:] = np.float32(1e-39)
    opt.step()  # IEEE arithmetic again: 0.9 * 1e-39 stays subnormal
    if kb.backend._fenv_libc() is not None:
        np.testing.assert_array_equal(flushed, np.zeros(n, np.float32))
    np.testing.assert_allclose(state["exp_avg"], 9e-40, rtol=1e-5)


def test_import_kobai_loads_no_numba():
    code = "import sys, kobai, kobai.optim; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("size", "loaded"), [(_fused.LOAD_AT - 1, False), (_fused.LOAD_AT, True)])
def test_numba_is_loaded_only_for_a_parameter_large_enough_to_earn_it(size, loaded):
    code = (
        "import sys, numpy as np, kobai as kb\n"
        "from kobai import optim\n"
        f"w = kb.tensor(np.ones({size}, np.float32), requires_grad=True)\n"
        f"w.grad = np.ones({size}, np.float32)\n"
        "optim.Adam([w], lr=0.1).step()\n"
        "print('numba' in sys.modules, float(w.data[0]))"
    )
    env = {k: v for k, v in os.environ.items() if k != _fused.ENV}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    imported, value = out.stdout.split()
    assert imported == str(loaded)
    assert float(value) == pytest.approx(0.9, abs=1e-6)  # the first step is lr * sign(g)
