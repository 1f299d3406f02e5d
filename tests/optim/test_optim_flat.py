"""A group of small parameters stepped as one flat array gives, bit for bit, the numbers of
the per-parameter steps: every rule that takes the flat path, float32 and float64, with a
step where one parameter has no gradient, a state saved and loaded mid-run, and a group
with one large parameter (which keeps the per-parameter path)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kobai import optim
from kobai.autograd import Tensor
from kobai.optim import _flat

CASES: list[tuple[type, dict[str, Any]]] = [
    (optim.SGD, {"lr": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    (optim.Adam, {"lr": 0.01}),
    (optim.Adam, {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    (optim.AdamW, {"lr": 0.01, "weight_decay": 0.1}),
    (optim.Adamax, {"lr": 0.01}),
    (optim.RAdam, {"lr": 0.01}),
    (optim.RMSprop, {"lr": 0.01, "centered": True, "momentum": 0.9}),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    (optim.Adadelta, {"lr": 1.0}),
    (optim.Lion, {"lr": 0.01}),
    (optim.Rprop, {"lr": 0.01}),
]
SHAPES = [(16, 2), (16,), (3, 16), (3,), (1,)]


def params(dtype: Any, shapes: list[tuple[int, ...]] = SHAPES) -> list[Tensor]:
    rng = np.random.default_rng(0)
    return [Tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


def run(
    cls: type,
    hyper: dict[str, Any],
    dtype: Any,
    flat: bool,
    shapes: list = SHAPES,
    skip: bool = False,
) -> Any:
    """Ten steps with changing gradients; at step 6 the optimizer's state is saved and loaded
    into a new optimizer; with ``skip``, the second parameter has no gradient at step 4 (its
    step count falls behind: the group is stepped parameter by parameter from then on)."""
    _flat.ENABLED = flat
    try:
        ps = params(dtype, shapes)
        opt = cls(ps, **hyper)
        rng = np.random.default_rng(1)
        for k in range(10):
            for p in ps:
                p.grad = rng.standard_normal(p.data.shape).astype(dtype)
            if k == 4 and skip:
                ps[1].grad = None
            if k == 6:
                saved = opt.state_dict()
                opt = cls(ps, **hyper)
                opt.load_state_dict(saved)
            opt.step()
        return [p.data.copy() for p in ps], opt.state_dict(), bool(opt._flats)
    finally:
        _flat.ENABLED = True


def assert_identical(a: Any, b: Any) -> None:
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_identical(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_identical(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("cls", "hyper"), CASES, ids=[f"{c.__name__}{h}" for c, h in CASES])
def test_flat_steps_equal_per_parameter_steps_bit_for_bit(
    cls: type, hyper: dict, dtype: Any
) -> None:
    assert cls._steps_flat
    flat_params, flat_state, took = run(cls, hyper, dtype, True)
    per_params, per_state, _ = run(cls, hyper, dtype, False)
    assert took  # the last steps went the flat way
    assert_identical(flat_params, per_params)
    assert_identical(flat_state, per_state)
    skipped = run(cls, hyper, dtype, True, skip=True)
    assert_identical(skipped[:2], run(cls, hyper, dtype, False, skip=True)[:2])
    assert not np.array_equal(flat_params[0], params(dtype)[0].data)  # it did train


def test_the_flat_path_is_taken_and_state_arrays_are_views_of_it() -> None:
    ps = params(np.float32)
    opt = optim.Adam(ps, lr=0.01)
    for p in ps:
        p.grad = np.ones_like(p.data)
    opt.step()
    flat = opt._flats[id(opt.param_groups[0])]
    assert flat.param.size == sum(p.data.size for p in ps) == 32 + 16 + 48 + 3 + 1
    exp_avg, views = flat.state["exp_avg"]
    assert all(opt.state[p]["exp_avg"] is v for p, v in zip(ps, views, strict=True))
    np.testing.assert_allclose(exp_avg, 0.1)  # (1 - beta1) * 1 after one step
    assert [opt.state[p]["step"] for p in ps] == [1] * 5


def test_a_large_parameter_keeps_the_group_on_per_parameter_steps() -> None:
    shapes = [(_flat.LIMIT + 1,), (4,)]
    flat_params, flat_state, took = run(optim.Adam, {"lr": 0.01}, np.float32, True, shapes)
    per_params, per_state, _ = run(optim.Adam, {"lr": 0.01}, np.float32, False, shapes)
    assert not took
    assert_identical(flat_params, per_params)
    assert_identical(flat_state, per_state)
    ps = params(np.float32, shapes)
    opt = optim.Adam(ps, lr=0.01)
    for p in ps:
        p.grad = np.ones_like(p.data)
    opt.step()
    assert opt._flats == {}
