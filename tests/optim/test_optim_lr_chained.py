"""Schedulers that chain, are edited by hand, jump or resume, against PyTorch 2.13's rates
(recorded by scripts/record_torch_schedulers.py); and the attributes a training loop reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kobai as kb
from kobai import optim
from kobai.optim import lr_scheduler as L

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "optim" / "schedulers_chained.npz"
with np.load(FIXTURE, allow_pickle=False) as _data:
    RECORDED = {k: _data[k] for k in _data.files}
CONFIGS: list[dict[str, Any]] = json.loads(str(RECORDED["configs"]))

# The functions scripts/record_torch_schedulers.py names.
LAMBDAS = {
    "const097": lambda t: 0.97,
    "slow": lambda t: 1.0 - 0.01 * (t % 3),
    "pow095": lambda t: 0.95**t,
}


def build(cfg: dict[str, Any], opt: optim.Optimizer, last_epoch: int = -1) -> list[Any]:
    made = []
    for name, kwargs in cfg["schedulers"]:
        kw = dict(kwargs)
        if "lr_lambda" in kw:
            fns = kw["lr_lambda"]
            kw["lr_lambda"] = [LAMBDAS[f] for f in fns] if isinstance(fns, list) else LAMBDAS[fns]
        if last_epoch >= 0:
            kw["last_epoch"] = last_epoch
        made.append(getattr(L, name)(opt, **kw))
    wrap = cfg.get("wrap")
    stepped: list[Any] = list(made)
    if wrap == "chained":
        stepped = [L.ChainedScheduler(made, opt)]
    elif isinstance(wrap, list):
        stepped = [L.SequentialLR(opt, made, milestones=wrap[1])]
    stepped += [getattr(L, name)(opt, **kw) for name, kw in cfg.get("outer", [])]
    return stepped


def new_optimizer(cfg: dict[str, Any]) -> optim.Optimizer:
    groups = [{"params": [kb.zeros(1, requires_grad=True)], "lr": lr} for lr in cfg["lrs"]]
    if cfg.get("optimizer", "SGD") == "Adam":
        return optim.Adam(groups)
    return optim.SGD(groups, momentum=0.9)


def momenta(opt: optim.Optimizer) -> list[float]:
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def replay(cfg: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    opt = new_optimizer(cfg)
    stepped = build(cfg, opt)
    lrs, moms = [[g["lr"] for g in opt.param_groups]], [momenta(opt)]
    edits, jumps = cfg.get("edits", {}), cfg.get("jumps", {})
    for t in range(60):
        if cfg.get("resume") == t:
            saved = opt.state_dict()
            opt = new_optimizer(cfg)
            opt.load_state_dict(saved)
            stepped = build(cfg, opt, last_epoch=t)
        else:
            opt.step()
            for g in opt.param_groups:
                g["lr"] = edits.get(str(t), g["lr"])
            for s in stepped:
                s.step(jumps[str(t)]) if str(t) in jumps else s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append(momenta(opt))
    return np.array(lrs), np.array(moms)


def label(cfg: dict[str, Any]) -> str:
    names = "+".join(n for n, _ in cfg["schedulers"])
    extras = [k for k in ("wrap", "edits", "jumps", "resume", "outer") if k in cfg]
    return names + (f"[{','.join(extras)}]" if extras else "")


@pytest.mark.parametrize("i", range(len(CONFIGS)), ids=[label(c) for c in CONFIGS])
def test_rates_match_pytorch(i):
    lrs, moms = replay(CONFIGS[i])
    # The same arithmetic in the same order: equal to the last bit, bar one rounding.
    np.testing.assert_allclose(lrs, RECORDED[f"{i}/lr"], rtol=1e-15, atol=0)
    np.testing.assert_allclose(moms, RECORDED[f"{i}/momentum"], rtol=1e-15, atol=0)


def test_the_issues_three_cases_by_number():
    lr_two = RECORDED["0/lr"][4, 0]  # ExponentialLR(0.9) with StepLR(4, 0.5), after 4 steps
    assert lr_two == pytest.approx(0.9**4 * 0.5) and round(lr_two, 3) == 0.328
    assert RECORDED["1/lr"][0, 0] == pytest.approx(0.01)  # LinearLR(0.1) then cosine, step 0
    edited = RECORDED[f"{label_index('ExponentialLR', 'edits')}/lr"][:, 0]
    assert edited[21] == pytest.approx(0.5 * 0.95)  # continued from the hand-set 0.5


def label_index(name: str, key: str) -> int:
    return next(i for i, c in enumerate(CONFIGS) if c["schedulers"][0][0] == name and key in c)


def test_fixtures_cover_the_new_schedulers():
    names = {n for c in CONFIGS for n, _ in c["schedulers"]}
    assert {"ConstantLR", "MultiplicativeLR", "CyclicLR"} <= names
    wraps = [
        c["wrap"] if isinstance(c["wrap"], str) else c["wrap"][0] for c in CONFIGS if "wrap" in c
    ]
    assert {"chained", "sequential"} <= set(wraps)
    assert sum("edits" in c for c in CONFIGS) >= 8 and sum("resume" in c for c in CONFIGS) >= 4


def sgd(lr: float = 0.1) -> optim.SGD:
    return optim.SGD([kb.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)


def test_interval_and_needs_metric_say_how_to_step():
    for name in optim.available_schedulers():
        cls = getattr(L, name, None)
        if isinstance(cls, type):
            assert cls.interval in ("epoch", "step")
    assert (L.OneCycleLR.interval, L.CyclicLR.interval) == ("step", "step")
    assert L.StepLR.interval == L.SequentialLR.interval == "epoch"
    assert L.ReduceLROnPlateau.needs_metric is True
    others = [L.StepLR, L.CyclicLR, L.OneCycleLR, L.SequentialLR, L.ChainedScheduler, L.LambdaLR]
    assert not any(c.needs_metric for c in others)
    plateau = optim.create_scheduler("plateau", sgd())
    assert plateau.needs_metric and plateau.interval == "epoch"


def test_lambdas_are_not_saved_and_a_loaded_scheduler_continues():
    opt, opt2 = sgd(), sgd()
    a = L.MultiplicativeLR(opt, lambda t: 0.9)
    for _ in range(5):
        a.step()
    saved = a.state_dict()
    assert "lr_lambdas" not in saved and saved["last_epoch"] == 5
    b = L.MultiplicativeLR(opt2, lambda t: 0.9)
    opt2.load_state_dict(opt.state_dict())
    b.load_state_dict(saved)
    a.step()
    b.step()
    assert a.get_last_lr() == b.get_last_lr() == [pytest.approx(0.1 * 0.9**6)]


def test_cyclic_validation_and_custom_scale():
    with pytest.raises(ValueError, match="scale_mode must be 'cycle' or 'iterations'"):
        L.CyclicLR(sgd(), 0.01, 0.1, scale_mode="batch")
    sched = L.CyclicLR(
        sgd(), 0.0, 1.0, step_size_up=2, scale_fn=lambda x: 0.5, cycle_momentum=False
    )
    sched.step()
    assert sched.get_last_lr() == [0.25]  # half-way up, scaled by one half
    assert "_scale_fn_custom" not in sched.state_dict()
    with pytest.raises(ValueError, match="momentum or beta1"):
        L.CyclicLR(optim.Adagrad([kb.zeros(1, requires_grad=True)]), 0.01, 0.1)


def test_chained_validation():
    opt = sgd()
    with pytest.raises(ValueError, match="ChainedScheduler expects at least one scheduler"):
        L.ChainedScheduler([], opt)
    with pytest.raises(TypeError, match="step-driven schedulers, got ReduceLROnPlateau at 0"):
        L.ChainedScheduler([L.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="has another optimizer"):
        L.ChainedScheduler([L.StepLR(opt, 2), L.StepLR(sgd(), 2)])
    with pytest.raises(ValueError, match="takes no epoch"):
        L.ChainedScheduler([L.StepLR(opt, 2)]).step(3)


@pytest.mark.parametrize("kind", ["multistep", "cyclic", "chained", "constant"])
def test_state_survives_a_checkpoint_file_and_continues(kind, tmp_path):
    from kobai.train.checkpoint import load_checkpoint, save_checkpoint

    def build_pair() -> tuple[optim.SGD, Any]:
        opt = sgd()
        if kind == "multistep":
            return opt, L.MultiStepLR(opt, milestones=[9, 3, 3], gamma=0.5)
        if kind == "cyclic":
            return opt, L.CyclicLR(opt, 0.01, 0.1, step_size_up=4, mode="exp_range", gamma=0.9)
        if kind == "constant":
            return opt, L.ConstantLR(opt, factor=0.25, total_iters=6)
        return opt, L.ChainedScheduler([L.ExponentialLR(opt, 0.9), L.StepLR(opt, 4, 0.5)])

    opt, sched = build_pair()
    for _ in range(5):
        opt.step()
        sched.step()
    path = save_checkpoint(
        tmp_path / "c.npz", {"opt": opt.state_dict(), "sched": sched.state_dict()}
    )
    saved = load_checkpoint(path)
    opt2, sched2 = build_pair()
    opt2.load_state_dict(saved["opt"])
    sched2.load_state_dict(saved["sched"])
    for o, s in ((opt, sched), (opt2, sched2)):
        for _ in range(8):
            o.step()
            s.step()
    assert sched2.get_last_lr() == sched.get_last_lr()
    assert opt2.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"]
