"""Updates are in place, keep float32 in float32 and allocate nothing after the first step."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import kobai as kb
from kobai import optim

# Every optimizer, with the options that take the longest code paths.
VARIANTS = [(name, {}) for name in optim.available()] + [
    ("adam", {"amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("adamw", {"amsgrad": True}),
    ("sgd", {"momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("nesterov", {"weight_decay": 0.1}),
    ("rmsprop", {"centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    ("nadam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("radam", {"weight_decay": 0.1}),
    ("adagrad", {"weight_decay": 0.1, "lr_decay": 0.01}),
    ("adadelta", {"weight_decay": 0.1, "maximize": True}),
]


def float32_param(n: int, rng: np.random.Generator) -> kb.Tensor:
    w = kb.tensor(rng.standard_normal(n).astype(np.float32), requires_grad=True)
    w.grad = rng.standard_normal(n).astype(np.float32)
    return w


@pytest.mark.parametrize(("name", "hyper"), VARIANTS, ids=lambda v: str(v))
def test_float32_stays_float32_and_updates_in_place(name, hyper, rng):
    w = float32_param(100, rng)
    data, grad = w.data, w.grad.copy()
    opt = optim.create(name, [w], **hyper)
    for _ in range(5):
        opt.step()
    assert w.data is data and w.data.dtype == np.float32
    np.testing.assert_array_equal(w.grad, grad)
    arrays = [v for v in opt.state[w].values() if isinstance(v, np.ndarray)]
    assert all(a.dtype == np.float32 for a in arrays)
    assert np.all(np.isfinite(w.data))


@pytest.mark.parametrize(("name", "hyper"), VARIANTS, ids=lambda v: str(v))
def test_no_allocation_after_the_first_step(name, hyper, rng):
    w = float32_param(250_000, rng)  # 1 MB
    opt = optim.create(name, [w], **hyper)
    opt.step()
    state_ids = {k: id(v) for k, v in opt.state[w].items() if isinstance(v, np.ndarray)}
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for _ in range(10):
            opt.step()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak < 0.01 * w.data.nbytes, f"{peak} bytes allocated during 10 steps"
    assert {k: id(v) for k, v in opt.state[w].items() if isinstance(v, np.ndarray)} == state_ids


def test_clip_grad_norm_allocates_nothing(rng):
    w = float32_param(250_000, rng)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        optim.clip_grad_norm_([w], max_norm=1.0)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak < 0.01 * w.data.nbytes
