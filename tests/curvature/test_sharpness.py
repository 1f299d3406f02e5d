"""The sharpness callback in fit, and ``kobai train --track-sharpness``."""

import csv
from pathlib import Path

import numpy as np
import pytest

from kobai import fit, nn, optim
from kobai.cli.main import main
from kobai.curvature import Hessian
from kobai.models import MLP
from kobai.train import SharpnessMonitor


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3))
    return x, np.sin(x @ np.array([[1.0], [-2.0], [0.5]]))


def run(seed, epochs=4, run_dir=None, resume=False, every=2, warm_start=False):
    x, y = data()
    model = MLP(3, [6], 1, activation="tanh", rng=1, dtype=np.float64)
    monitor = SharpnessMonitor(every, k=2, data=(x, y), rng=seed, warm_start=warm_start)
    history = fit(
        model, (x, y), loss=nn.MSELoss(), optimizer=optim.SGD(model.parameters(), lr=0.1),
        batch_size="full", epochs=epochs, callbacks=[monitor], rng=0, progress=False,
        run_dir=run_dir, resume=resume,
    )  # fmt: skip
    return model, monitor, history


def test_the_history_records_lambda_max_every_n_epochs():
    model, monitor, history = run(seed=3)
    sharp = history["sharpness"]
    assert sharp[0] is None and sharp[2] is None
    assert sharp[1] is not None and sharp[3] is not None
    assert history["hessian_eigenvalue_2"][3] <= sharp[3]
    # The last value is the top eigenvalue of the final model's Hessian.
    x, y = data()
    exact = np.linalg.eigh(Hessian(model, nn.MSELoss(), (x, y)).matrix())[0]
    assert sharp[3] == pytest.approx(exact[-1], rel=1e-6)
    assert history["hessian_eigenvalue_2"][3] == pytest.approx(exact[-2], rel=1e-6)
    assert [r["epoch"] for r in monitor.records] == [2, 4]
    assert all(max(r["residuals"]) < 1e-3 * r["eigenvalues"][0] for r in monitor.records)


def test_sharpness_is_reproducible_from_the_seed():
    a, b, c = (run(seed)[2]["sharpness"] for seed in (3, 3, 4))
    assert a == b
    # Another Lanczos start converges to the same eigenvalue, but not to the same bits.
    assert a != c and np.allclose(a[3], c[3], rtol=1e-6)


def test_a_resumed_run_measures_the_same_numbers(tmp_path: Path):
    whole = run(seed=3)[2]["sharpness"]
    run(seed=3, epochs=2, run_dir=tmp_path)
    resumed = run(seed=3, epochs=4, run_dir=tmp_path, resume=True)[2]
    assert resumed["sharpness"] == whole
    rows = list(csv.DictReader(open(tmp_path / "history.csv")))
    assert [r["sharpness"] != "" for r in rows] == [False, True, False, True]


def test_a_warm_start_finds_the_same_sharpness_and_resumes_exactly(tmp_path: Path):
    cold = run(seed=3, epochs=6, every=1)[2]["sharpness"]
    _, monitor, warm = run(seed=3, epochs=6, every=1, warm_start=True)
    np.testing.assert_allclose(warm["sharpness"], cold, rtol=1e-9)
    assert monitor.last_vector is not None and monitor.last_vector.shape == (31,)
    run(seed=3, epochs=3, every=1, warm_start=True, run_dir=tmp_path)
    resumed = run(seed=3, epochs=6, every=1, warm_start=True, run_dir=tmp_path, resume=True)[2]
    assert resumed["sharpness"] == warm["sharpness"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"every": 0}, "every must be an integer >= 1, got 0"),
        ({"k": 1.5}, "k must be an integer >= 1, got 1.5"),
        ({"data": []}, "data yielded no batches (got an empty list)"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    settings = {"data": data(), **kwargs}
    # A value of the wrong kind (1.5) is a TypeError, one out of range a ValueError.
    with pytest.raises((TypeError, ValueError)) as info:
        SharpnessMonitor(**settings)
    assert message in str(info.value)


@pytest.mark.slow
def test_cli_track_sharpness_writes_the_column_and_the_panel(tmp_path: Path, capsys):
    args = ["train", "--data", "moons", "--samples", "200", "--model", "mlp:8", "--epochs", "2",
            "--quiet", "--track-sharpness", "1", "--out", str(tmp_path), "--name", "s"]  # fmt: skip
    assert main(args) == 0
    rows = list(csv.DictReader(open(tmp_path / "s" / "history.csv")))
    values = [float(r["sharpness"]) for r in rows]
    assert len(values) == 2 and all(v > 0 for v in values)
    assert (tmp_path / "s" / "learning_curve.png").exists()
    assert main([*args[:-1], "s2"]) == 0
    again = [float(r["sharpness"]) for r in csv.DictReader(open(tmp_path / "s2" / "history.csv"))]
    assert again == values
    assert main([*args[:-6], "--track-sharpness", "0", "--out", str(tmp_path)]) == 2
    assert "track_sharpness must be an integer >= 1, got 0" in capsys.readouterr().err
