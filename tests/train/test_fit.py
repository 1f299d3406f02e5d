"""The fit loop: batching modes, history, metrics, numerical gradients, divergence, callbacks."""

from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.data import make_moons, make_sine
from kobai.models import MLP
from kobai.optim import SGD
from kobai.train import (
    Callback,
    EarlyStopping,
    ModelCheckpoint,
    StopAtTarget,
    TrainingDiverged,
    evaluate,
    fit,
    load_checkpoint,
)


def moons(n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    return make_moons(n, noise=0.1, rng=0)


def model(seed: int = 0, dtype: object = np.float32) -> MLP:
    return MLP(2, [8], 2, activation="tanh", rng=seed, dtype=dtype)


@pytest.mark.parametrize(
    ("batch_size", "steps"), [(None, 1), ("full", 1), (1, 64), (16, 4), (20, 4)]
)
def test_batch_modes_make_the_right_number_of_updates(batch_size, steps) -> None:  # type: ignore[no-untyped-def]
    m = model()
    h = fit(
        m,
        moons(),
        loss=nn.CrossEntropyLoss(),
        optimizer=SGD(m.parameters(), lr=0.1),
        batch_size=batch_size,
        epochs=2,
        rng=0,
        log_steps=True,
    )
    assert [row["step"] for row in h.steps if row["epoch"] == 2] == list(range(1, steps + 1))


def test_full_batch_gradient_descent_is_exactly_the_textbook_update() -> None:
    x, y = moons()
    m = model()
    w0 = [p.data.copy() for p in m.parameters()]
    reference = model()
    loss = nn.CrossEntropyLoss()(reference(kb.Tensor(x)), y)
    loss.backward()
    fit(
        m,
        (x, y),
        loss=nn.CrossEntropyLoss(),
        optimizer=SGD(m.parameters(), lr=0.5),
        batch_size="full",
        epochs=1,
        rng=0,
    )
    for before, p, ref in zip(w0, m.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(p.data, before - 0.5 * ref.grad, rtol=1e-6, atol=1e-7)


def test_history_records_losses_metrics_lr_norms_and_time() -> None:
    m = model()
    x, y = moons()
    h = fit(
        m,
        (x, y),
        val=moons(32),
        loss=nn.CrossEntropyLoss(),
        optimizer=SGD(m.parameters(), lr=0.5),
        batch_size=16,
        epochs=5,
        rng=0,
    )
    assert h["epoch"] == [1, 2, 3, 4, 5]
    for key in (
        "train_loss",
        "val_loss",
        "train_accuracy",
        "val_accuracy",
        "lr",
        "grad_norm",
        "grad_norm/1",
        "grad_norm/3",
        "time",
        "wall_time",
    ):
        assert key in h.keys(), key
    assert h["train_loss"][-1] < h["train_loss"][0]
    assert h["lr"] == [0.5] * 5
    assert 0.5 < h["train_accuracy"][-1] <= 1.0
    scores = evaluate(m, moons(32), nn.CrossEntropyLoss())
    assert scores["accuracy"] == pytest.approx(h["val_accuracy"][-1])
    assert scores["loss"] == pytest.approx(h["val_loss"][-1], rel=1e-6)
    assert all(b >= a for a, b in zip(h["wall_time"], h["wall_time"][1:], strict=False))


def test_regression_records_rmse_and_r2() -> None:
    x, t = make_sine(200, noise=0.05, rng=0)
    m = MLP(1, [16], 1, activation="tanh", rng=0)
    h = fit(
        m,
        (x, t),
        loss=nn.MSELoss(),
        optimizer=SGD(m.parameters(), lr=0.1, momentum=0.9),
        batch_size=20,
        epochs=30,
        rng=0,
    )
    assert h["train_rmse"][-1] < 0.3 and h["train_r2"][-1] > 0.8
    assert h["train_rmse"][-1] == pytest.approx(np.sqrt(h["train_loss"][-1]), rel=0.2)


def test_same_seed_same_run_and_another_seed_another_run() -> None:
    def weights(seed: int) -> list[np.ndarray]:
        m = model()
        fit(
            m,
            moons(),
            loss=nn.CrossEntropyLoss(),
            optimizer=SGD(m.parameters(), lr=0.1),
            batch_size=8,
            epochs=2,
            rng=seed,
        )
        return [p.data for p in m.parameters()]

    assert all(np.array_equal(a, b) for a, b in zip(weights(1), weights(1), strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(weights(1), weights(2), strict=True))


def test_numerical_gradients_train_like_backprop() -> None:
    x, y = moons(32)
    x = x.astype(np.float64)
    runs = {}
    for gradient in ("backprop", "numerical"):
        m = model(dtype=np.float64)
        fit(
            m,
            (x, y),
            loss=nn.CrossEntropyLoss(),
            optimizer=SGD(m.parameters(), lr=0.5),
            batch_size=8,
            epochs=3,
            rng=0,
            gradient=gradient,
        )
        runs[gradient] = [p.data for p in m.parameters()]
    for a, b in zip(runs["backprop"], runs["numerical"], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_divergence_stops_at_once_with_advice(tmp_path: Path) -> None:
    x, t = make_sine(100, rng=0)
    m = MLP(1, [32], 1, rng=0)
    with pytest.raises(TrainingDiverged) as info:
        fit(
            m,
            (x * 100, t),
            loss=nn.MSELoss(),
            optimizer=SGD(m.parameters(), lr=10.0),
            batch_size=10,
            epochs=5,
            rng=0,
            run_dir=tmp_path,
        )
    message = str(info.value)
    assert "at epoch 1 step" in message
    assert "the learning rate 10 is probably too large, try 1 or less" in message


def test_divergence_keeps_the_last_good_checkpoint(tmp_path: Path) -> None:
    class RaiseLearningRate(Callback):
        def on_epoch_end(self, state, logs):  # type: ignore[no-untyped-def]
            if logs["epoch"] == 2:
                self.saved = load_checkpoint(tmp_path / "checkpoint.npz")  # epoch 1's
                for group in state.optimizer.param_groups:
                    group["lr"] = 1e7

    x, y = moons()
    m = model()
    spy = RaiseLearningRate()
    with pytest.raises(
        TrainingDiverged, match="exploded to .* at epoch 3 step 2;.* learning rate 1e\\+07"
    ):
        fit(
            m,
            (x, y),
            loss=nn.CrossEntropyLoss(),
            optimizer=SGD(m.parameters(), lr=0.1),
            batch_size=16,
            epochs=4,
            rng=0,
            run_dir=tmp_path,
            callbacks=[spy],
        )
    kept = load_checkpoint(tmp_path / "checkpoint.npz")
    assert kept["epoch"] == 2 and spy.saved["epoch"] == 1
    assert kept["optimizer"]["param_groups"][0]["lr"] == 1e7  # saved after the callback ran
    assert all(np.isfinite(v).all() for v in kept["model"].values())


def test_early_stopping_restores_the_best_epoch() -> None:
    x, y = moons()
    m = model()
    stopper = EarlyStopping("val_loss", patience=1, restore_best=True)
    # validation labels flipped: the validation loss gets worse as training succeeds
    h = fit(
        m,
        (x, y),
        val=(x, 1 - y),
        loss=nn.CrossEntropyLoss(),
        optimizer=SGD(m.parameters(), lr=0.5),
        batch_size=8,
        epochs=50,
        rng=0,
        callbacks=[stopper],
    )
    assert len(h) < 50 and "early stopping" in h.stop_reason
    assert evaluate(m, (x, 1 - y), nn.CrossEntropyLoss())["loss"] == pytest.approx(
        min(h["val_loss"]), rel=1e-5
    )


def test_stop_at_target_and_model_checkpoint(tmp_path: Path) -> None:
    x, y = moons()
    m = model()
    h = fit(
        m,
        (x, y),
        val=(x, y),
        loss=nn.CrossEntropyLoss(),
        optimizer=SGD(m.parameters(), lr=0.5, momentum=0.9),
        batch_size=8,
        epochs=200,
        rng=0,
        callbacks=[StopAtTarget(0.3), ModelCheckpoint(tmp_path / "best.npz")],
    )
    assert h["train_loss"][-1] <= 0.3 and all(v > 0.3 for v in h["train_loss"][:-1])
    best = load_checkpoint(tmp_path / "best.npz")
    assert best["epoch"] == int(np.argmin(h["val_loss"])) + 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 0}, "batch_size must be an integer >= 1, got 0"),
        ({"batch_size": -3}, "batch_size must be an integer >= 1, got -3"),
        ({"epochs": -1}, "epochs must be an integer >= 0, got -1"),
        ({"gradient": "magic"}, "gradient must be one of backprop, numerical, got 'magic'"),
    ],
)
def test_bad_arguments(kwargs, message) -> None:  # type: ignore[no-untyped-def]
    m = model()
    opts = {"batch_size": 8, "epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        fit(m, moons(), loss=nn.CrossEntropyLoss(), optimizer=SGD(m.parameters(), lr=0.1), **opts)


def test_mismatched_data_lengths() -> None:
    m = model()
    with pytest.raises(ValueError, match="X and y have different lengths, 64 and 10"):
        fit(
            m,
            (moons()[0], np.zeros(10, dtype=np.int64)),
            loss=nn.CrossEntropyLoss(),
            optimizer=SGD(m.parameters(), lr=0.1),
        )


def test_save_every_epoch_keeps_the_start_and_every_epoch(tmp_path: Path) -> None:
    m = model()
    start = {k: v.copy() for k, v in m.state_dict().items()}
    fit(
        m,
        moons(),
        loss=nn.CrossEntropyLoss(),
        optimizer=SGD(m.parameters(), lr=0.1),
        batch_size=16,
        epochs=2,
        rng=0,
        run_dir=tmp_path,
        save_every_epoch=True,
    )
    names = sorted(p.name for p in (tmp_path / "checkpoints").iterdir())
    assert names == ["epoch_0000.npz", "epoch_0001.npz", "epoch_0002.npz"]
    first = load_checkpoint(tmp_path / "checkpoints" / "epoch_0000.npz")
    assert first["epoch"] == 0
    assert all(np.array_equal(first["model"][k], v) for k, v in start.items())
    last = load_checkpoint(tmp_path / "checkpoints" / "epoch_0002.npz")["model"]
    assert all(np.array_equal(last[k], v) for k, v in m.state_dict().items())
