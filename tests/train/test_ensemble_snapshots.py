"""An ensemble's snapshots kept from one shared copy of the stacks per epoch equal the
snapshots copied member by member, also for a member that diverges in a later epoch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kobai import nn, optim
from kobai.models.mlp import MLP
from kobai.train import _ensemble_snapshots
from kobai.train.ensemble import fit_ensemble


def run_ensemble() -> Any:
    from kobai.data import make_moons

    x, y = make_moons(96, noise=0.2, rng=0)
    x = x.astype(np.float64)
    models = [MLP(2, [8], 2, activation="tanh", rng=s, dtype=np.float64) for s in range(4)]
    opts = [
        optim.SGD(models[0].parameters(), lr=0.1, momentum=0.9),
        # lr x 10 every epoch: 0.3, 3, 30, ... diverges after a few good epochs
        optim.SGD(models[1].parameters(), lr=0.3),
        optim.Adam(models[2].parameters(), lr=0.01),
        optim.Adam(models[3].parameters(), lr=0.02, amsgrad=True),
    ]
    schedulers = [
        optim.lr_scheduler.StepLR(opts[0], step_size=1, gamma=0.5),
        optim.lr_scheduler.ExponentialLR(opts[1], gamma=10.0),
        None,
        None,
    ]
    rngs = [np.random.default_rng(s) for s in range(4)]
    return fit_ensemble(
        models, (x, y), optimizers=opts, rngs=rngs, loss=nn.CrossEntropyLoss(),
        schedulers=schedulers, batch_size=16, epochs=6,
    )  # fmt: skip


TIMES = {"clock", "time", "wall_time"}  # wall times differ between two runs


def assert_same(a: Any, b: Any, where: str = "") -> None:
    assert type(a) is type(b), where
    if isinstance(a, dict):
        assert list(a) == list(b), where
        for key in set(a) - TIMES:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    else:
        assert a == b or (a != a and b != b), where


def test_shared_epoch_copies_give_the_member_by_member_snapshots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lazy = run_ensemble()
    with monkeypatch.context() as m:
        m.setattr(_ensemble_snapshots.EpochStates, "_in_stacks", lambda self, n: False)
        full = run_ensemble()
    assert lazy.diverged[1] is not None and "epoch" in lazy.diverged[1]
    assert [d is None for d in lazy.diverged] == [True, False, True, True]
    # The diverging member's snapshot is its last good epoch, after some epochs of training.
    assert 1 < lazy.snapshots[1]["epoch"] == len(lazy.histories[1]) < 6
    assert lazy.snapshots[1]["optimizer"]["param_groups"][0]["lr"] == pytest.approx(
        0.3 * 10 ** lazy.snapshots[1]["epoch"]
    )
    assert [s["epoch"] for s in lazy.snapshots] == [6, lazy.snapshots[1]["epoch"], 6, 6]
    for n in range(4):
        assert_same(lazy.snapshots[n], full.snapshots[n], f"member {n}")
    # Adam's state at the end: 6 epochs of 6 steps.
    assert lazy.snapshots[2]["optimizer"]["state"][0]["step"] == 36
    assert set(lazy.snapshots[3]["optimizer"]["state"][0]) == {
        "step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"
    }  # fmt: skip
