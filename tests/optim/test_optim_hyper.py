"""Hyper-parameters declared once: constructors, checks and docstrings made from the tables."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import kobai as kb
from kobai import optim
from kobai.optim import _functional as K
from kobai.optim.lr_scheduler import CosineAnnealingLR, StepLR, trace_lr

TABLED = [
    optim.SGD,
    optim.Adam,
    optim.AdamW,
    optim.Adamax,
    optim.NAdam,
    optim.RAdam,
    optim.RMSprop,
    optim.Adagrad,
    optim.Adadelta,
    optim.Lion,
    optim.Rprop,
]


@pytest.mark.parametrize("cls", TABLED, ids=lambda c: c.__name__)
def test_signature_docstring_and_defaults_come_from_one_table(cls):
    names = list(inspect.signature(cls).parameters)
    assert names[0] == "params" and names[1] == "lr"
    assert list(cls._hypers) == names[1:]
    doc = cls.__doc__
    assert "{parameters}" not in doc
    for name in names:
        assert f"\n    {name} : " in doc
    w = kb.tensor([1.0], requires_grad=True)
    opt = cls([w])
    declared = {n: h.default for n, h in cls._hypers.items()}
    assert {k: opt.defaults[k] for k in declared} == declared


def test_positional_and_keyword_only_arguments_as_pytorch():
    w = kb.tensor([1.0], requires_grad=True)
    assert optim.SGD([w], 0.1, 0.9).defaults["momentum"] == 0.9
    assert optim.RAdam([w], 0.1, (0.8, 0.9), 1e-8, 0.1, True).defaults["decoupled_weight_decay"]
    with pytest.raises(TypeError, match="too many positional arguments"):
        optim.Adam([w], 0.1, (0.9, 0.9), 1e-8, 0.0, False, True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'momentum'"):
        optim.Adam([w], momentum=0.9)
    adamw = optim.AdamW([w], 0.1, weight_decay=0.5)
    assert adamw.defaults["decoupled_weight_decay"] is True
    assert "decoupled_weight_decay" not in inspect.signature(optim.AdamW).parameters
    assert optim.Adam._hyper_names[-1] == "decoupled_weight_decay"
    assert "initial_accumulator_value" not in optim.Adagrad._hyper_names


@pytest.mark.parametrize(
    ("cls", "hyper", "message"),
    [
        (optim.Adam, {"lr": -1.0}, "Invalid learning rate: -1.0"),
        (optim.Adam, {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
        (optim.RMSprop, {"alpha": 1.5}, "Invalid alpha value: 1.5"),
        (optim.SGD, {"nesterov": True}, "Nesterov momentum requires a momentum"),
        (optim.Rprop, {"etas": (0.5, 0.9)}, "Invalid eta values: 0.5, 0.9"),
        (optim.Adagrad, {"initial_accumulator_value": -1}, "initial_accumulator_value value"),
    ],
)
def test_checks_of_the_table_run_for_every_group(cls, hyper, message):
    w = kb.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=message):
        cls([w], **hyper)
    opt = cls([w])
    v = kb.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=message):
        opt.add_param_group({"params": [v], **hyper})


def test_weight_decay_and_maximize_are_one_pre_step():
    g = np.array([1.0, -2.0])
    for decoupled in (False, True):
        p, q = np.array([2.0, 3.0]), np.array([2.0, 3.0])
        K.sgd(p, g, lr=0.1, weight_decay=0.5, maximize=True, decoupled_weight_decay=decoupled)
        if decoupled:  # q (1 - lr wd), then the ascent step
            expected = q * (1 - 0.1 * 0.5) + 0.1 * g
        else:  # g' = -g + wd q
            expected = q - 0.1 * (-g + 0.5 * q)
        np.testing.assert_allclose(p, expected, rtol=1e-15)


def test_trace_lr_records_the_rate_before_each_step():
    assert trace_lr(StepLR, 5, step_size=2, gamma=0.5) == [1.0, 1.0, 0.5, 0.5, 0.25]
    rates = trace_lr(CosineAnnealingLR, 3, lr=0.2, T_max=2)
    np.testing.assert_allclose(rates, [0.2, 0.1, 0.0], atol=1e-15)
    assert trace_lr(StepLR, 0, step_size=1) == []
    with pytest.raises(ValueError, match="steps"):
        trace_lr(StepLR, -1, step_size=1)


def test_trace_steps_records_the_start_and_every_step():
    path = optim.trace_steps(optim.SGD, [1.0, -2.0], 2, lr=0.25)
    assert path.shape == (3, 2) and path.dtype == np.float32
    np.testing.assert_array_equal(path, [[1.0, -2.0], [0.5, -1.0], [0.25, -0.5]])
    cubes = optim.trace_steps(optim.SGD, [1.0], 1, loss=lambda w: (w * w * w).sum(), lr=0.1)
    np.testing.assert_allclose(cubes[:, 0], [1.0, 0.7], rtol=1e-6)  # 1 - 0.1 * 3
    assert optim.trace_steps(optim.Adam, [1.0], 0).shape == (1, 1)
    with pytest.raises(ValueError, match="steps"):
        optim.trace_steps(optim.Adam, [1.0], -1)
