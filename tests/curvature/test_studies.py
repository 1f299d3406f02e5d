"""The curvature studies: their verdicts on known series, the measured stability threshold,
and quick runs."""

import json
from pathlib import Path

import numpy as np
import pytest

import kobai.studies
from kobai.studies._curvature import returns_to, stability_threshold
from kobai.studies.edge_of_stability import edge_summary


def test_a_sharpness_that_rises_to_two_over_lr_and_stays_hovered():
    steps = np.arange(0, 1000, 20)
    sharp = np.minimum(0.5 + steps / 100, 2.05) + 0.05 * np.sin(steps)
    s = edge_summary(steps, sharp, lr=1.0)
    # 0.9 * 2/lr = 1.8 is first reached at step 140 (0.5 + 1.4 + 0.05 sin 140).
    assert s["reached_step"] == 140 and s["verdict"] == "hovered"
    assert s["initial"] == pytest.approx(0.25)
    assert 1.0 < s["median_after"] < 1.06 and s["after"] == 43


def test_a_sharpness_that_keeps_rising_overshot_and_one_that_never_gets_there():
    steps = np.arange(0, 1000, 20)
    assert edge_summary(steps, 0.5 + steps / 100, lr=1.0)["verdict"] == "overshot"
    never = edge_summary(steps, np.full(steps.size, 1.0), lr=1.0)
    assert never["verdict"] == "not reached" and never["reached_step"] is None
    late = edge_summary(steps, np.where(steps < 900, 1.0, 2.0), lr=1.0)
    assert late["verdict"] == "too few steps" and late["after"] == 5


def test_the_measured_threshold_of_a_quadratic_is_two_over_lambda_max():
    a = np.diag([10.0, 1.0])
    centre, offset = np.zeros(2), np.array([1e-3, 1e-5])
    low, high = stability_threshold(
        lambda lr: returns_to(lambda p, lr: p - lr * (a @ p), centre, offset, lr, 400), 0.05, 1.0
    )
    assert low < 0.2 < high and high / low <= 1 + 1e-4
    with pytest.raises(ValueError, match="not bracketed"):
        stability_threshold(lambda lr: True, 0.1, 1.0)


@pytest.mark.slow
def test_edge_of_stability_quick_run(tmp_path: Path):
    result = kobai.studies.run("edge-of-stability", quick=True, out=tmp_path)
    # 800 steps: lr 2 reaches 2/lr early and hovers; the others are too short to tell.
    assert result["lr2/verdict"] == "hovered"
    assert 1.0 < result["lr2/median_fraction"] < 1.25
    assert result["lr1/verdict"] == result["lr0.5/verdict"] == "too few steps"
    assert "steps are too few to conclude for lr 1, 0.5" in result["quick_note"]
    assert result.keys()[0] == "quick_note"
    headlines = json.loads((tmp_path / "headlines.json").read_text())["headlines"]
    assert headlines["lr2/initial_fraction"] == pytest.approx(result["lr2/initial_fraction"])
    assert (tmp_path / "sharpness.png").exists()


@pytest.mark.slow
def test_curvature_quick_run(tmp_path: Path):
    result = kobai.studies.run("curvature", quick=True, out=tmp_path)
    bound = result["neuron/bound"]
    assert bound == pytest.approx(2 / result["neuron/lambda_max"])
    assert 0 < result["neuron/lambda_min"] < result["neuron/lambda_max"]
    assert result["initialisation/lambda_max"] > 0
    for name in ("density", "sharpness", "neuron"):
        assert (tmp_path / f"{name}.png").exists()
    report = (tmp_path / "report.md").read_text()
    assert "sign changes along the sharp direction" in report


def test_the_neuron_diverges_where_its_hessian_says():
    from kobai.data import make_single_neuron
    from kobai.studies._curvature import measured_threshold, neuron_hessian, neuron_minimum

    x, t = make_single_neuron(100, w=2.0, b=-1.0, noise=0.05, rng=0)
    minimum = neuron_minimum(x, t, (2.0, -1.0))
    hessian = neuron_hessian(x, t, *minimum)
    assert np.abs(hessian.gradient()).max() < 1e-14
    found = measured_threshold(hessian, minimum)
    low, high = found["bracket"]
    assert low <= found["predicted"] <= high and high / low <= 1 + 1e-4
    assert found["predicted"] == pytest.approx(2 / np.linalg.eigvalsh(hessian.matrix())[-1])
