"""The closed-form schedules by hand, and the behaviour of the scheduler wrappers."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kobai as kb
from kobai import optim
from kobai.optim import _schedules as S
from kobai.optim import lr_scheduler as L


def sgd(lr: float = 0.1, groups: int = 1) -> optim.SGD:
    return optim.SGD(
        [{"params": [kb.zeros(1, requires_grad=True)]} for _ in range(groups)], lr=lr, momentum=0.9
    )


def test_closed_forms_by_hand():
    assert S.step_lr(0.1, 25, step_size=10, gamma=0.5) == pytest.approx(0.025)
    assert S.multistep_lr(1.0, 8, milestones=[8, 3, 8], gamma=0.5) == 0.125
    assert S.exponential_lr(2.0, 3, gamma=0.5) == 0.25
    assert S.cosine_annealing_lr(0.1, 2, T_max=4) == pytest.approx(0.05)
    assert S.cosine_annealing_lr(0.1, 4, T_max=4, eta_min=0.01) == pytest.approx(0.01)
    assert S.cosine_annealing_lr(0.1, 8, T_max=4) == pytest.approx(0.1)  # climbs back
    assert S.linear_lr(1.0, 2, start_factor=0.2, total_iters=4) == pytest.approx(0.6)
    assert S.linear_lr(1.0, 9, start_factor=0.2, total_iters=4) == 1.0
    assert S.polynomial_lr(1.0, 5, total_iters=10, power=2.0) == 0.25
    assert S.warm_restart_position(7, T_0=3, T_mult=2) == (4, 6)
    assert S.warm_restart_position(2.5, T_0=3) == (2.5, 3)
    assert S.cosine_restart_lr(1.0, 3, 6) == pytest.approx(0.5)


def test_one_cycle_phases():
    kw = {"total_steps": 100, "initial": 0.04, "peak": 1.0, "final": 4e-6}
    assert S.one_cycle(0, **kw) == pytest.approx(0.04)
    assert S.one_cycle(29, **kw) == pytest.approx(1.0)  # phase 1 ends at 0.3 * 100 - 1
    assert S.one_cycle(99, **kw) == pytest.approx(4e-6)
    assert S.one_cycle(14.5, **kw, anneal_strategy="linear") == pytest.approx(0.52)
    three = {**kw, "three_phase": True}
    assert S.one_cycle(58, **three) == pytest.approx(0.04)  # back at the start at 2 * 30 - 2
    with pytest.raises(ValueError, match="'cos' or 'linear', got 'step'"):
        S.one_cycle(3, **kw, anneal_strategy="step")


def test_scheduler_writes_the_groups_and_the_optimizer_uses_them():
    w = kb.tensor([0.0], dtype=np.float64, requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    sched = L.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = np.array([-1.0])
        opt.step()
        sched.step()
    assert w.data[0] == pytest.approx(1.0 + 0.5 + 0.25)
    assert opt.param_groups[0]["lr"] == 0.125 and opt.param_groups[0]["initial_lr"] == 1.0
    assert sched.last_epoch == 3 and sched.base_lrs == [1.0]


def test_a_hand_change_to_the_rate_is_continued_as_in_pytorch():
    opt = sgd(lr=1.0)
    sched = L.ExponentialLR(opt, gamma=0.5)
    opt.param_groups[0]["lr"] = 10.0
    sched.step()
    assert sched.get_last_lr() == [5.0]  # 10 * 0.5, not the closed form's 0.5
    sched.step(3)  # an explicit step evaluates the closed form from the base rate
    assert sched.get_last_lr() == [0.125]


def test_step_with_an_epoch_jumps():
    sched = L.CosineAnnealingLR(sgd(lr=1.0), T_max=10)
    sched.step(5)
    assert sched.get_last_lr() == [pytest.approx(0.5)] and sched.last_epoch == 5


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match=r"'initial_lr' is not specified in param_groups\[0\]"):
        L.StepLR(sgd(), step_size=3, last_epoch=4)
    opt = sgd(lr=1.0)
    L.StepLR(opt, step_size=2, gamma=0.5)
    opt.param_groups[0]["lr"] = 0.25  # the rate at step 4, as optimizer.load_state_dict sets it
    resumed = L.StepLR(opt, step_size=2, gamma=0.5, last_epoch=4)
    assert resumed.get_last_lr() == [0.25]  # step 5 keeps it; step 6 halves it
    resumed.step()
    assert resumed.get_last_lr() == [0.125]


def test_a_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        L.StepLR([], step_size=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dict is not an Optimizer"):
        L.ReduceLROnPlateau({})


def test_per_group_values():
    opt = sgd(groups=2)
    L.LambdaLR(opt, [lambda t: 1.0, lambda t: 0.5])
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.05]
    with pytest.raises(ValueError, match="lr_lambda has 1 values, but the optimizer has 2 groups"):
        L.LambdaLR(sgd(groups=2), [lambda t: 1.0])


def test_one_cycle_stops_after_total_steps_and_cycles_momentum():
    opt = sgd()
    sched = L.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    assert opt.param_groups[0]["momentum"] == 0.95
    assert sched.get_last_lr() == [pytest.approx(0.04)]
    for _ in range(9):
        sched.step()
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.95)
    assert sched.get_last_lr() == [pytest.approx(0.04 / 1e4)]
    sched.step()  # PyTorch allows step total_steps (extrapolating the last phase)
    with pytest.raises(ValueError, match="Tried to step 11 times. The specified number of total"):
        sched.step()
    adam = optim.Adam([kb.zeros(1, requires_grad=True)])
    L.OneCycleLR(adam, max_lr=0.01, total_steps=10)
    assert adam.param_groups[0]["betas"] == (0.95, 0.999)
    with pytest.raises(ValueError, match="momentum or beta1"):
        L.OneCycleLR(optim.Adagrad([kb.zeros(1, requires_grad=True)]), max_lr=0.1, total_steps=5)


def test_warm_restarts_with_fractional_and_explicit_epochs():
    sched = L.CosineAnnealingWarmRestarts(sgd(lr=1.0), T_0=4)
    sched.step(2.0)
    assert sched.get_last_lr() == [pytest.approx(0.5)]
    sched.step(6.0)  # second cycle, halfway
    assert sched.get_last_lr() == [pytest.approx(0.5)] and sched.last_epoch == 6
    # Cycles 1, 3, 9, 27, 81 end at 121: a restart, found exactly.
    growing = L.CosineAnnealingWarmRestarts(sgd(lr=1.0), T_0=1, T_mult=3)
    growing.step(121)
    assert growing.get_last_lr() == [1.0] and (growing.T_cur, growing.T_i) == (0, 243)


def test_sequential_validation():
    opt = sgd()
    a, b = L.LinearLR(opt, total_iters=3), L.ExponentialLR(opt, gamma=0.9)
    with pytest.raises(ValueError, match="expects 1 milestones for 2 schedulers, got 2"):
        L.SequentialLR(opt, [a, b], milestones=[3, 4])
    with pytest.raises(ValueError, match="has another optimizer"):
        L.SequentialLR(opt, [a, L.ExponentialLR(sgd(), gamma=0.9)], milestones=[3])
    with pytest.raises(TypeError, match="step-driven schedulers, got ReduceLROnPlateau"):
        L.SequentialLR(opt, [a, L.ReduceLROnPlateau(opt)], milestones=[3])
    seq = L.SequentialLR(opt, [a, b], milestones=[3])
    with pytest.raises(ValueError, match="takes no epoch"):
        seq.step(3)


def test_plateau_needs_the_metric_and_matching_min_lrs():
    opt = sgd(groups=2)
    with pytest.raises(ValueError, match="min_lr has 3 values, but the optimizer has 2 groups"):
        L.ReduceLROnPlateau(opt, min_lr=[0.0, 0.0, 0.0])
    sched = L.ReduceLROnPlateau(opt, mode="max", patience=0, factor=0.5, threshold_mode="abs")
    with pytest.raises(TypeError, match=r"needs the metric, e.g. step\(val_loss\)"):
        sched.step()
    for accuracy in [0.5, 0.6, 0.6]:
        sched.step(accuracy)
    assert sched.get_last_lr() == [0.05, 0.05]


def test_schedules_are_smooth_where_they_should_be():
    sched = L.CosineAnnealingLR(sgd(lr=1.0), T_max=50)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(50):
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    assert np.all(np.diff(lrs) <= 0) and lrs[-1] == 0.0
    assert lrs[25] == pytest.approx(0.5 * (1 + math.cos(math.pi / 2)))
