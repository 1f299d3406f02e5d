"""The fit loop's options as data, and the scheduler protocol it reads: interval, needs_metric."""

import dataclasses
import inspect
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kobai import nn
from kobai.data import make_moons
from kobai.models import MLP
from kobai.optim import SGD
from kobai.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau
from kobai.train import FitOptions, fit


class Recorder:
    """A scheduler with nothing but ``step``, ``interval`` and ``needs_metric``."""

    def __init__(self, interval: str, needs_metric: bool) -> None:
        self.interval, self.needs_metric = interval, needs_metric
        self.calls: list[tuple[Any, ...]] = []

    def step(self, *args: Any) -> None:
        self.calls.append(args)


def run(scheduler: Any, *, val: bool = True, **kwargs: Any) -> Any:
    x, y = make_moons(64, noise=0.1, rng=0)
    model = MLP(2, [8], 2, activation="tanh", rng=0)
    kwargs = {"batch_size": 16, "epochs": 3, "rng": 0, **kwargs}
    return fit(
        model,
        (x, y),
        val=(x[:32], y[:32]) if val else None,
        loss=nn.CrossEntropyLoss(),
        optimizer=kwargs.pop("optimizer", None) or SGD(model.parameters(), lr=0.1),
        scheduler=scheduler,
        **kwargs,
    )


def test_an_epoch_scheduler_that_needs_a_metric_gets_the_validation_loss() -> None:
    recorder = Recorder("epoch", needs_metric=True)
    h = run(recorder)
    assert recorder.calls == [(v,) for v in h["val_loss"]]


def test_without_validation_data_the_metric_is_the_training_loss() -> None:
    recorder = Recorder("epoch", needs_metric=True)
    h = run(recorder, val=False)
    assert recorder.calls == [(v,) for v in h["train_loss"]]


def test_a_step_scheduler_is_stepped_after_every_update_without_arguments() -> None:
    recorder = Recorder("step", needs_metric=False)
    run(recorder)
    assert recorder.calls == [()] * 12  # 3 epochs x 4 batches of 16


def test_a_step_scheduler_that_needs_a_metric_gets_each_batch_loss() -> None:
    recorder = Recorder("step", needs_metric=True)
    h = run(recorder, log_steps=True)
    assert recorder.calls == [(row["loss"],) for row in h.steps]


def test_a_scheduler_with_only_step_is_stepped_once_an_epoch() -> None:
    class Bare:
        def __init__(self) -> None:
            self.count = 0

        def step(self) -> None:
            self.count += 1

    bare = Bare()
    run(bare, epochs=4)
    assert bare.count == 4


def test_scheduler_interval_overrides_the_scheduler_s_own() -> None:
    recorder = Recorder("epoch", needs_metric=False)
    run(recorder, scheduler_interval="step")
    assert len(recorder.calls) == 12


@pytest.mark.parametrize(
    ("scheduler", "kwargs", "message"),
    [
        (Recorder("batch", False), {}, "scheduler.interval must be 'epoch' or 'step', got 'batch'"),
        (None, {"scheduler_interval": "often"}, "scheduler_interval must be .* got 'often'"),
    ],
)
def test_a_bad_interval_is_named(scheduler: Any, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(scheduler, **kwargs)


def test_a_run_dir_needs_a_scheduler_with_a_state_dict(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="checkpoints its scheduler, but Recorder has no state"):
        run(Recorder("epoch", False), run_dir=tmp_path)


def test_reduce_lr_on_plateau_follows_the_validation_loss() -> None:
    x, y = make_moons(64, noise=0.1, rng=0)
    model = MLP(2, [8], 2, activation="tanh", rng=0)
    optimizer = SGD(model.parameters(), lr=0.5)
    plateau = ReduceLROnPlateau(optimizer, factor=0.5, patience=0)
    # flipped validation labels: the validation loss rises while training succeeds
    h = fit(model, (x, y), val=(x, 1 - y), loss=nn.CrossEntropyLoss(), optimizer=optimizer,
            scheduler=plateau, batch_size=16, epochs=6, rng=0)  # fmt: skip
    replay = ReduceLROnPlateau(SGD([nn.Parameter(np.zeros(1))], lr=0.5), factor=0.5, patience=0)
    expected = [0.5]
    for value in h["val_loss"][:-1]:
        replay.step(value)
        expected.append(replay.get_last_lr()[0])
    assert h["lr"] == expected
    assert h["lr"][-1] < 0.5


def test_one_cycle_steps_every_update_by_its_own_interval() -> None:
    x, y = make_moons(64, noise=0.1, rng=0)
    model = MLP(2, [8], 2, activation="tanh", rng=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    cycle = OneCycleLR(optimizer, max_lr=1.0, total_steps=8)
    h = fit(model, (x, y), loss=nn.CrossEntropyLoss(), optimizer=optimizer, scheduler=cycle,
            batch_size=16, epochs=2, rng=0, log_steps=True)  # fmt: skip
    replay = OneCycleLR(SGD([nn.Parameter(np.zeros(1))], lr=0.1), max_lr=1.0, total_steps=8)
    expected = []
    for _ in range(8):
        expected.append(replay.get_last_lr()[0])
        replay.step()
    assert [row["lr"] for row in h.steps] == pytest.approx(expected, rel=1e-12)
    assert cycle.last_epoch == 8


def test_fit_options_defaults_are_fit_s_defaults() -> None:
    signature = inspect.signature(fit).parameters
    for option in dataclasses.fields(FitOptions):
        assert signature[option.name].default == option.default, option.name


def test_fit_options_are_frozen_and_checked() -> None:
    options = FitOptions(callbacks=iter([]), epochs=3)
    assert options.callbacks == () and options.epochs == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.epochs = 4  # type: ignore[misc]
    with pytest.raises(ValueError, match="epochs must be an integer >= 0, got -2"):
        FitOptions(epochs=-2)
    with pytest.raises(ValueError, match="gradient must be one of backprop, numerical"):
        FitOptions(gradient="magic")
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        FitOptions(batch_size=0)
