"""Vectorised ensembles give the numbers of separate runs (float64: 1e-10)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai.models.runs import RunConfig, build
from kobai.train import TrainingDiverged, fit, save_checkpoint
from kobai.train.ensemble import fit_ensemble

TIMING = ("time", "wall_time")


def configs(dtype: str = "float64", **changes: object) -> list[RunConfig]:
    members = [("sgd", 0.3, None), ("momentum", 0.05, "cosine"), ("adam", 0.01, None),
               ("rmsprop", 0.003, "exponential")]  # fmt: skip
    base = {"data": "moons", "samples": 120, "model": "mlp:8,6", "activation": "tanh",
            "dropout": 0.0, "epochs": 4, "batch_size": 16, "dtype": dtype}  # fmt: skip
    return [
        RunConfig.from_dict(
            {
                **base,
                "optimizer": opt,
                "lr": lr,
                "schedule": sched,
                "seed": seed,
                "schedule_options": {"gamma": 0.7} if sched == "exponential" else {},
                **changes,
            }
        )  # fmt: skip
        for seed, (opt, lr, sched) in enumerate(members)
    ]


def separate(config: RunConfig, epochs: int | None = None, run_dir: Path | None = None):  # type: ignore[no-untyped-def]
    run = build(config)
    d = run.data
    history = fit(
        run.model, (d.x_train, d.y_train), val=(d.x_test, d.y_test), loss=run.loss,
        optimizer=run.optimizer, scheduler=run.scheduler, batch_size=config.batch_size,
        epochs=epochs or config.epochs, rng=run.fit_rng, task=d.task, progress=False,
        run_dir=run_dir, resume=run_dir is not None,
    )  # fmt: skip
    return history, run.model.state_dict()


def together(cfgs: list[RunConfig]):  # type: ignore[no-untyped-def]
    runs = [build(c) for c in cfgs]
    names = ("x_train", "y_train", "x_test", "y_test")
    stack = [np.stack([getattr(r.data, a) for r in runs]) for a in names]
    result = kb.ensemble.fit_ensemble(
        [r.model for r in runs], (stack[0], stack[1]), val=(stack[2], stack[3]),
        optimizers=[r.optimizer for r in runs], rngs=[r.fit_rng for r in runs],
        schedulers=[r.scheduler for r in runs], loss=runs[0].loss, batch_size=16,
        epochs=cfgs[0].epochs, per_member=True,
    )  # fmt: skip
    return result, [r.model.state_dict() for r in runs]


def assert_close(history, other, params, other_params, tol: float) -> None:  # type: ignore[no-untyped-def]
    assert len(history) == len(other)
    for row, twin in zip(history.epochs, other.epochs, strict=True):
        assert list(row) == list(twin)
        for key in row:
            if key not in TIMING:
                assert abs(row[key] - twin[key]) <= tol * max(1.0, abs(row[key])), key
    for name in params:
        np.testing.assert_allclose(other_params[name], params[name], rtol=tol, atol=tol)


def test_float64_members_equal_separate_runs_to_1e_10() -> None:
    cfgs = configs()
    result, params = together(cfgs)
    assert result.diverged == [None] * 4
    for n, config in enumerate(cfgs):
        history, alone = separate(config)
        assert_close(history, result.histories[n], alone, params[n], 1e-10)
    # The members really differ: four optimizers, four seeds.
    assert len({h.last()["train_loss"] for h in result.histories}) == 4


def test_float32_members_equal_separate_runs_to_rounding() -> None:
    cfgs = configs("float32")
    result, params = together(cfgs)
    for n, config in enumerate(cfgs):
        history, alone = separate(config)
        assert params[n]["1.weight"].dtype == np.float32
        assert_close(history, result.histories[n], alone, params[n], 2e-5)


def test_a_diverging_member_stops_alone_as_fit_would() -> None:
    cfgs = configs()
    cfgs[1] = RunConfig.from_dict({**cfgs[1].to_dict(), "optimizer": "sgd", "lr": 1e4,
                                   "schedule": None})  # fmt: skip
    result, params = together(cfgs)
    assert result.diverged[0] is None and result.diverged[2] is None
    with pytest.raises(TrainingDiverged) as caught:
        separate(cfgs[1])
    assert result.diverged[1] == str(caught.value)
    assert len(result.histories[1]) == result.snapshots[1]["epoch"] < 4
    history, alone = separate(cfgs[2])
    assert_close(history, result.histories[2], alone, params[2], 1e-10)


def test_a_snapshot_is_a_checkpoint_fit_resumes_from(tmp_path: Path) -> None:
    cfgs = configs()
    result, _ = together(cfgs)
    save_checkpoint(tmp_path / "checkpoint.npz", result.snapshots[2])
    resumed, resumed_params = separate(cfgs[2], epochs=6, run_dir=tmp_path)
    straight, straight_params = separate(cfgs[2], epochs=6)
    assert len(resumed) == 6
    assert_close(straight, resumed, straight_params, resumed_params, 1e-10)


def test_only_plain_mlps_and_matching_members() -> None:
    runs = [build(c) for c in configs(dropout=0.2)]
    with pytest.raises(ValueError, match="got a Dropout layer"):
        fit_ensemble([r.model for r in runs], (runs[0].data.x_train, runs[0].data.y_train),
                     optimizers=[r.optimizer for r in runs], rngs=[r.fit_rng for r in runs],
                     loss=runs[0].loss)  # fmt: skip
    with pytest.raises(ValueError, match="one optimizer and one rng per model, got 4 models"):
        fit_ensemble([r.model for r in runs], (runs[0].data.x_train, runs[0].data.y_train),
                     optimizers=[], rngs=[], loss=runs[0].loss)  # fmt: skip


def test_one_data_set_for_all_members_and_bad_stacks() -> None:
    cfgs = configs()
    runs = [build(c) for c in cfgs]
    d = runs[0].data
    shared = fit_ensemble(
        [r.model for r in runs], (d.x_train, d.y_train), optimizers=[r.optimizer for r in runs],
        rngs=[r.fit_rng for r in runs], loss=runs[0].loss, batch_size=16, epochs=2,
    )  # fmt: skip
    run = build(cfgs[3])
    alone = fit(run.model, (d.x_train, d.y_train), loss=run.loss, optimizer=run.optimizer,
                batch_size=16, epochs=2, rng=run.fit_rng,
                progress=False)  # fmt: skip
    assert abs(shared.histories[3].last()["train_loss"] - alone.last()["train_loss"]) < 1e-12
    with pytest.raises(ValueError, match=r"per_member=True needs X of shape \(4, n, ...\)"):
        fit_ensemble([r.model for r in runs], (d.x_train, d.y_train),
                     optimizers=[r.optimizer for r in runs], rngs=[r.fit_rng for r in runs],
                     loss=runs[0].loss, per_member=True)  # fmt: skip
