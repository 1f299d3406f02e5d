"""PyTorch's constructor signatures, named parameters and step hooks."""

from __future__ import annotations

import numpy as np
import pytest

import kobai as kb
from kobai import nn, optim


def param(*values: float) -> kb.Tensor:
    return kb.tensor(np.array(values), dtype=np.float64, requires_grad=True)


@pytest.mark.parametrize(
    ("cls", "args", "expected"),
    [
        (optim.SGD, (0.1, 0.9, 0.1, 0.01, False), ("lr", "momentum", "dampening", "weight_decay")),
        (optim.Adam, (0.01, (0.8, 0.9), 1e-6, 0.1, True), ("lr", "betas", "eps", "weight_decay")),
        (optim.AdamW, (0.01, (0.8, 0.9), 1e-6, 0.1, True), ("lr", "betas", "eps", "weight_decay")),
        (optim.Adagrad, (0.1, 0.01, 0.1, 0.5, 1e-8), ("lr", "lr_decay", "weight_decay")),
        (optim.RMSprop, (0.1, 0.9, 1e-6, 0.1, 0.5, True), ("lr", "alpha", "eps", "weight_decay")),
        (optim.Adadelta, (0.5, 0.8, 1e-5, 0.1), ("lr", "rho", "eps", "weight_decay")),
        (optim.NAdam, (0.01, (0.8, 0.9), 1e-6, 0.1, 0.01, True), ("lr", "betas", "eps")),
        (optim.RAdam, (0.01, (0.8, 0.9), 1e-6, 0.1, True), ("lr", "betas", "eps")),
    ],
)
def test_hyper_parameters_by_position_as_in_pytorch(cls, args, expected):
    opt = cls([param(1.0)], *args)
    group = opt.param_groups[0]
    assert tuple(group[name] for name in expected) == args[: len(expected)]
    with pytest.raises(TypeError):
        cls([param(1.0)], *args, *[0.0] * 4)  # maximize and later options are keyword-only


def test_sgd_positional_trajectory_equals_keywords():
    a, b = param(1.0, -2.0), param(1.0, -2.0)
    opt_a = optim.SGD([a], 0.1, 0.9)
    opt_b = optim.SGD([b], lr=0.1, momentum=0.9)
    for _ in range(3):
        a.grad, b.grad = 2 * a.data, 2 * b.data
        opt_a.step()
        opt_b.step()
    np.testing.assert_array_equal(a.data, b.data)


def test_named_parameters_keep_their_names_in_groups_and_state_dict():
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    opt = optim.Adam(model.named_parameters(), lr=0.01)
    names = ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert opt.param_groups[0]["param_names"] == names
    assert opt.param_groups[0]["params"] == list(model.parameters())
    x = kb.tensor(np.ones((4, 3), np.float32))
    model(x).sum().backward()
    opt.step()
    saved = opt.state_dict()
    assert saved["param_groups"][0]["param_names"] == names
    assert saved["param_groups"][0]["params"] == [0, 1, 2, 3]
    again = optim.Adam(model.named_parameters(), lr=0.5)
    again.load_state_dict(saved)
    assert again.param_groups[0]["lr"] == 0.01 and again.param_groups[0]["param_names"] == names


def test_named_groups_and_mixing_rules():
    a, b = param(1.0), param(2.0)
    opt = optim.SGD([{"params": [("a", a)], "lr": 0.1}], lr=0.2)
    assert opt.param_groups[0]["param_names"] == ["a"]
    with pytest.raises(ValueError, match="cannot add param group without names"):
        opt.add_param_group({"params": [b]})
    with pytest.raises(ValueError, match="Some param names are missing"):
        optim.SGD([("a", a), b], lr=0.1)


def test_step_hooks_run_around_the_step_and_can_be_removed():
    w = param(1.0)
    opt = optim.SGD([w], lr=0.5)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", w.data[0])))
    post = opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", w.data[0])))
    w.grad = np.array([1.0])
    opt.step()
    assert calls == [("pre", 1.0), ("post", 0.5)]
    pre.remove()
    post.remove()
    post.remove()  # a second remove is harmless
    opt.step()
    assert calls == [("pre", 1.0), ("post", 0.5)] and w.data[0] == 0.0


def test_a_pre_hook_can_replace_the_closure_and_must_return_a_pair():
    w = param(3.0)
    opt = optim.SGD([w], lr=0.1)

    def closure() -> float:
        w.grad = 2 * w.data
        return 9.0

    opt.register_step_pre_hook(lambda o, args, kwargs: ((closure,), {}))
    assert opt.step() == 9.0 and w.data[0] == pytest.approx(2.4)
    bad = optim.SGD([param(1.0)], lr=0.1)
    bad.register_step_pre_hook(lambda o, args, kwargs: "nope")
    with pytest.raises(RuntimeError, match=r"tuple of \(new_args, new_kwargs\), got 'nope'"):
        bad.step()
