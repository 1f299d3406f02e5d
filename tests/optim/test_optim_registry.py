"""Building optimizers and schedulers from their names."""

from __future__ import annotations

import pytest

import kobai as kb
from kobai import optim
from kobai.optim import lr_scheduler, textbook


def params() -> list[kb.Tensor]:
    return [kb.zeros(3, requires_grad=True)]


def test_every_required_name_is_available():
    assert set(optim.available()) >= {
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "adamw",
        "nadam",
        "radam",
        "adadelta",
        "textbook-sgd",
        "textbook-momentum",
        "textbook-nesterov",
        "textbook-adagrad",
        "textbook-rmsprop",
        "textbook-adam",
    }
    assert set(optim.available_schedulers()) >= {"step", "cosine", "onecycle", "plateau"}


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("adam", optim.Adam),
        ("adamw", optim.AdamW),
        ("Textbook_Adam", textbook.Adam),
        ("textbook-nesterov", textbook.Nesterov),
    ],
)
def test_create_builds_the_class(name, cls):
    opt = optim.create(name, params(), lr=0.01)
    assert type(opt) is cls and opt.param_groups[0]["lr"] == 0.01


def test_presets_and_overrides():
    momentum = optim.create("momentum", params())
    assert isinstance(momentum, optim.SGD) and momentum.param_groups[0]["momentum"] == 0.9
    nesterov = optim.create("nesterov", params(), momentum=0.5)
    assert nesterov.param_groups[0]["nesterov"] and nesterov.param_groups[0]["momentum"] == 0.5
    assert optim.create("sgd", params()).param_groups[0]["momentum"] == 0.0


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(
        ValueError, match=r"unknown optimizer 'adamm'; valid names: .*adam, adamax, adamw"
    ):
        optim.create("adamm", params())
    with pytest.raises(ValueError, match=r"unknown scheduler 'cos'; valid names: .*cosine"):
        optim.create_scheduler("cos", optim.SGD(params()))
    with pytest.raises(TypeError, match="optimizer name must be a string, got type"):
        optim.create(optim.Adam, params())  # type: ignore[arg-type]


def test_unknown_hyper_parameters_are_refused_with_the_valid_ones():
    with pytest.raises(
        ValueError, match=r"unknown hyper-parameter\(s\) momentum for 'adam'; valid: lr, betas"
    ):
        optim.create("adam", params(), momentum=0.9)
    with pytest.raises(ValueError, match=r"decay for 'textbook-rmsprop'; valid: lr, decay_rate"):
        optim.create("textbook-rmsprop", params(), decay=0.9)
    with pytest.raises(ValueError, match=r"T_maxx for 'cosine'; valid: T_max, eta_min"):
        optim.create_scheduler("cosine", optim.SGD(params()), T_maxx=10)


def test_create_scheduler_builds_the_class():
    opt = optim.SGD(params(), lr=0.1)
    sched = optim.create_scheduler("cosine", opt, T_max=10)
    assert isinstance(sched, lr_scheduler.CosineAnnealingLR) and sched.T_max == 10
    warm = optim.create_scheduler(
        "warmup-cosine", optim.SGD(params(), lr=1.0), warmup_steps=2, total_steps=10
    )
    assert isinstance(warm, lr_scheduler.SequentialLR)
    assert warm.get_last_lr() == [pytest.approx(0.1)]


def test_the_run_length_fills_in_missing_lengths():
    opt = optim.SGD(params(), lr=0.1)
    cosine = optim.create_scheduler("cosine", opt, epochs=20, steps_per_epoch=7)
    assert cosine.T_max == 20 and cosine.interval == "epoch"
    given = optim.create_scheduler("cosine", opt, epochs=20, T_max=5)
    assert given.T_max == 5
    step = optim.create_scheduler("step", opt, epochs=20, steps_per_epoch=7, step_size=3)
    assert step.step_size == 3  # the run length is ignored where it means nothing
    cycle = optim.create_scheduler("onecycle", opt, epochs=4, steps_per_epoch=5, max_lr=1.0)
    assert cycle.total_steps == 20 and cycle.interval == "step"
    poly = optim.create_scheduler("polynomial", opt, epochs=12)
    assert poly.total_iters == 12
    with pytest.raises(TypeError, match="T_max"):
        optim.create_scheduler("cosine", opt)  # no length at all
