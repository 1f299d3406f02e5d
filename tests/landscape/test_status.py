"""The status words of a descent run, each checked on a run built to show it."""

import numpy as np
import pytest

from kobai.landscape import STATUS_MEANINGS, descend
from kobai.landscape.status import STATUS_SHORT, STATUSES, run_status
from kobai.viz.descent import legend_label


def sgd(lr: float, steps: int = 100, **kwargs):  # type: ignore[no-untyped-def]
    return descend("quadratic", ["sgd"], lr=lr, steps=steps, **kwargs)["sgd"]


def test_growing_runs_are_diverging_not_crawling() -> None:
    # The run: x_t = 2 (-1.1)^t reaches x = 90, f = 4097 in 40 steps.
    run = sgd(2.1, steps=40)
    assert run.values[-1] == pytest.approx(0.5 * (2 * 1.1**40) ** 2)
    assert run.status == "diverging" and "diverging after 40 steps, f = 4097" in run.summary()
    # slowly: the gap grows by 2 % a step (x -> -1.01 x)
    assert sgd(2.01).status == "diverging"


def test_a_run_bouncing_between_two_points_is_oscillating() -> None:
    run = sgd(2.0)  # x -> -x: f stays 2 forever
    assert set(run.values.tolist()) == {2.0} and run.status == "oscillating"


def test_converged_names_the_step_it_converged_at_within_its_budget() -> None:
    run = sgd(0.5)  # x halves each step
    assert run.status == "converged" and run.converged_at is not None
    k = run.converged_at
    assert 0 < k < 100 and run.grad_norms[k] <= 1e-6 < run.grad_norms[k - 1]
    assert f"converged at step {k}," in run.summary() and "after 100 steps" not in run.summary()


def test_budget_exhausted_runs_are_converging_or_unfinished() -> None:
    near = descend("quadratic", ["momentum"], lr=2.1, steps=100)["momentum"]
    assert near.status == "converging" and near.values[-1] < 1e-3 * near.values[0]
    far = sgd(0.01)  # x_100 = 2 * 0.99^100 = 0.73: real progress, far from the minimum
    assert far.status == "unfinished" and far.values[-1] == pytest.approx(0.5 * 0.7321**2, 1e-3)
    assert sgd(1e-5).status == "crawling"


def test_rule_on_hand_made_runs() -> None:
    t = np.arange(50.0)
    flat = np.zeros(50)

    def status(x: np.ndarray) -> str:
        pts = x[:, None]
        return run_status(pts, x**2 / 2, np.abs(x), tol=1e-6, f_min=0.0)[0]

    assert status(2 * 0.5**t) == "converged"
    assert status(2 * (-1.0) ** t) == "oscillating"
    assert status(2 * (-1.0) ** t * 1.002**t) == "diverging"
    assert status(2 + 1e-4 * t) == "diverging"  # creeping away
    assert status(2 - 1e-4 * t) == "crawling"
    assert status(2 * 0.999**t) == "unfinished"
    assert status(2 * 0.8**t) == "converging"
    assert run_status(flat[:, None], flat, flat, tol=1e-6, f_min=0.0) == ("converged", 0)


def test_every_status_is_explained_in_the_legend() -> None:
    assert set(STATUS_MEANINGS) == set(STATUS_SHORT) == set(STATUSES)
    label = legend_label(sgd(2.1, steps=40))
    assert label == "sgd (lr=2.1): diverging (f − f* keeps growing)"
    assert legend_label(sgd(3.0)) == "sgd (lr=3): diverged at step 10 (left every bound)"
