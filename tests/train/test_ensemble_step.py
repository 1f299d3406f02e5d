"""The ensemble's optimizer step over stacked parameters gives the numbers of separate runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import kobai as kb
from kobai import nn, optim
from kobai.models.mlp import MLP
from kobai.optim import _functional as K
from kobai.train import fit
from kobai.train.ensemble import fit_ensemble

X, Y = kb.data.make_moons(96, noise=0.2, rng=0)
X = X.astype(np.float64)
# Members of one rule (stepped together) and of others (groups of one, or their own step).
RULES: list[Callable[[Any], optim.Optimizer]] = [
    lambda p: optim.Adam(p, lr=0.01),
    lambda p: optim.Adam(p, lr=0.01),
    lambda p: optim.Adam(p, lr=0.01),
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda p: optim.AdamW(p, lr=0.02, amsgrad=True),
    lambda p: optim.AdamW(p, lr=0.02, amsgrad=True),
    lambda p: optim.SGD(p, lr=0.3),
    lambda p: optim.RMSprop(p, lr=0.003),
]


def members(rules: list[Callable[[Any], optim.Optimizer]]) -> tuple[list, list]:
    models = [MLP(2, [16, 16], 2, rng=s, dtype=np.float64) for s in range(len(rules))]
    return models, [rule(m.parameters()) for rule, m in zip(rules, models, strict=True)]


def separate(n: int, rule: Callable[[Any], optim.Optimizer], epochs: int) -> tuple:
    model = MLP(2, [16, 16], 2, rng=n, dtype=np.float64)
    opt = rule(model.parameters())
    history = fit(model, (X, Y), loss=nn.CrossEntropyLoss(), optimizer=opt, batch_size=32,
                  epochs=epochs, rng=np.random.default_rng(100 + n), progress=False)  # fmt: skip
    return history, model.state_dict(), opt.state_dict()


def together(rules: list, epochs: int) -> tuple:
    models, opts = members(rules)
    rngs = [np.random.default_rng(100 + n) for n in range(len(rules))]
    result = fit_ensemble(models, (X, Y), optimizers=opts, rngs=rngs,
                          loss=nn.CrossEntropyLoss(), batch_size=32, epochs=epochs)  # fmt: skip
    return result, models, opts


def test_stacked_steps_equal_separate_runs_in_float64() -> None:
    result, models, opts = together(RULES, epochs=3)
    for n, rule in enumerate(RULES):
        history, params, opt_state = separate(n, rule, epochs=3)
        for row, twin in zip(history.epochs, result.histories[n].epochs, strict=True):
            for key in row:
                if key not in ("time", "wall_time"):
                    assert abs(row[key] - twin[key]) <= 1e-10 * max(1.0, abs(row[key])), key
        for name, value in models[n].state_dict().items():
            np.testing.assert_allclose(value, params[name], rtol=1e-10, atol=1e-12)
        # The optimizer's own state (moments, buffers, step counts) is a separate run's too.
        mine = opts[n].state_dict()["state"]
        assert sorted(mine) == sorted(opt_state["state"])
        for index, state in opt_state["state"].items():
            assert sorted(mine[index]) == sorted(state)
            for key, value in state.items():
                np.testing.assert_allclose(mine[index][key], value, rtol=1e-10, atol=1e-14)
    assert opts[0].state_dict()["state"][0]["step"] == 9  # 96 / 32 steps a epoch, 3 epochs


def test_members_of_one_rule_take_one_kernel_call_per_parameter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[int, ...]] = []
    real = K.adam

    def counting(param: np.ndarray, *args: Any, **kwargs: Any) -> None:
        calls.append(param.shape)
        real(param, *args, **kwargs)

    monkeypatch.setattr(K, "adam", counting)
    rules = [RULES[0]] * 8
    _, models, _ = together(rules, epochs=1)
    # 3 steps, 6 stacked parameters (3 Linear layers: weight and bias), all 8 members each.
    assert len(calls) == 3 * 6
    assert calls[:2] == [(8, 16, 2), (8, 16)]
    monkeypatch.setattr(K, "adam", real)
    _, params, _ = separate(5, RULES[0], epochs=1)
    for name, value in models[5].state_dict().items():
        np.testing.assert_allclose(value, params[name], rtol=1e-10, atol=1e-12)


def test_state_loaded_into_a_member_is_taken_into_the_stack() -> None:
    # Member 1 starts from member 0's optimizer state after one separate epoch.
    _, _, opt_state = separate(0, RULES[0], epochs=1)
    models, opts = members(RULES[:2])
    opts[1].load_state_dict(opt_state)
    rngs = [np.random.default_rng(100 + n) for n in range(2)]
    fit_ensemble(models, (X, Y), optimizers=opts, rngs=rngs, loss=nn.CrossEntropyLoss(),
                 batch_size=32, epochs=1)  # fmt: skip
    assert opts[0].state_dict()["state"][0]["step"] == 3
    assert opts[1].state_dict()["state"][0]["step"] == 6
    # ... and continued as a separate optimizer from that state would.
    model = MLP(2, [16, 16], 2, rng=1, dtype=np.float64)
    alone = optim.Adam(model.parameters(), lr=0.01)
    alone.load_state_dict(opt_state)
    fit(model, (X, Y), loss=nn.CrossEntropyLoss(), optimizer=alone, batch_size=32, epochs=1,
        rng=np.random.default_rng(101), progress=False)  # fmt: skip
    for name, value in model.state_dict().items():
        np.testing.assert_allclose(models[1].state_dict()[name], value, rtol=1e-10)


def test_a_member_that_steps_alone_for_a_while_rejoins_with_its_own_numbers() -> None:
    # Member 0 steps with the others, then (a step hook on it) three steps alone: a flat
    # step of its small parameters moves its state out of the stacks, which must take it in
    # again when it rejoins, so that it still equals a separate run. Member 1's hook (it
    # steps alone throughout) puts the hook on member 0 after its own third step.
    rules = RULES[:3]
    models, opts = members(rules)
    alone: list[int] = []

    def on_member_0(opt: Any, args: Any, kwargs: Any) -> None:
        alone.append(1)
        if len(alone) == 3:
            handles[0].remove()

    def on_member_1(opt: Any, args: Any, kwargs: Any) -> None:
        if opt.state_dict()["state"][0]["step"] == 3:
            handles.append(opts[0].register_step_post_hook(on_member_0))

    handles: list[Any] = []
    opts[1].register_step_post_hook(on_member_1)
    rngs = [np.random.default_rng(100 + n) for n in range(len(rules))]
    fit_ensemble(models, (X, Y), optimizers=opts, rngs=rngs, loss=nn.CrossEntropyLoss(),
                 batch_size=32, epochs=3)  # fmt: skip
    assert len(alone) == 3
    for n in (0, 1):
        _, params, opt_state = separate(n, rules[n], epochs=3)
        for name, value in models[n].state_dict().items():
            np.testing.assert_allclose(value, params[name], rtol=1e-10, atol=1e-12)
        for index, state in opt_state["state"].items():
            for key, value in state.items():
                np.testing.assert_allclose(opts[n].state_dict()["state"][index][key], value,
                                           rtol=1e-10, atol=1e-14)  # fmt: skip
