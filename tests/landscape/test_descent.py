"""descend(): the trajectories are the optimisers' own steps; bad learning rates are reported."""

import numpy as np
import pytest

from kobai.landscape import Trajectory, descend, get_function


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def replay(update, steps: int, start=(-1.2, 1.0)) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Points of a hand-written update rule on Rosenbrock (float64)."""
    p = np.array(start, dtype=np.float64)
    state: dict = {}
    points = [p.copy()]
    for t in range(1, steps + 1):
        p = update(p, rosenbrock_grad(p), t, state)
        points.append(p.copy())
    return np.array(points)


def sgd(lr):  # type: ignore[no-untyped-def]
    return lambda p, g, t, s: p - lr * g


def momentum(lr, mu=0.9):  # type: ignore[no-untyped-def]
    def update(p, g, t, s):  # type: ignore[no-untyped-def]
        # PyTorch: the buffer starts as the first gradient, then b = mu b + g.
        s["b"] = g.copy() if t == 1 else mu * s["b"] + g
        return p - lr * s["b"]

    return update


def adagrad(lr, eps=1e-10):  # type: ignore[no-untyped-def]
    def update(p, g, t, s):  # type: ignore[no-untyped-def]
        s["h"] = s.get("h", 0.0) + g * g
        return p - lr * g / (np.sqrt(s["h"]) + eps)

    return update


def adam(lr, b1=0.9, b2=0.999, eps=1e-8):  # type: ignore[no-untyped-def]
    def update(p, g, t, s):  # type: ignore[no-untyped-def]
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)

    return update


def textbook_adam(lr, b1=0.9, b2=0.999):  # type: ignore[no-untyped-def]
    def update(p, g, t, s):  # type: ignore[no-untyped-def]
        # Source 004: bias correction folded into lr_t, epsilon 1e-7 outside the root.
        s["m"] = s.get("m", 0.0) + (1 - b1) * (g - s.get("m", 0.0))
        s["v"] = s.get("v", 0.0) + (1 - b2) * (g * g - s.get("v", 0.0))
        lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        return p - lr_t * s["m"] / (np.sqrt(s["v"]) + 1e-7)

    return update


@pytest.mark.parametrize(
    ("name", "lr", "rule"),
    [
        ("sgd", 1e-3, sgd),
        ("momentum", 1e-3, momentum),
        ("adagrad", 0.3, adagrad),
        ("adam", 0.05, adam),
        ("textbook-sgd", 1e-3, sgd),
        ("textbook-momentum", 1e-3, momentum),
        ("textbook-adam", 0.05, textbook_adam),
    ],
)
def test_trajectory_equals_the_optimizers_own_steps(name: str, lr: float, rule) -> None:  # type: ignore[no-untyped-def]
    run = descend("rosenbrock", [name], lr=lr, steps=60)[name]
    expected = replay(rule(lr), 60)
    np.testing.assert_allclose(run.points, expected, rtol=1e-10, atol=1e-12)
    f = get_function("rosenbrock")
    np.testing.assert_allclose(run.values, f.value(expected), rtol=1e-10)
    norms = [np.linalg.norm(rosenbrock_grad(p)) for p in expected]
    np.testing.assert_allclose(run.grad_norms, norms, rtol=1e-10)
    assert run.optimizer == name and run.hyper["lr"] == lr and run.status == "unfinished"


def test_seed_numbers_of_source_001() -> None:
    run = descend("quadratic", ["sgd"], start=2.0, lr=0.1, steps=3)["sgd"]
    assert run.points[:, 0].tolist() == pytest.approx([2.0, 1.8, 1.62, 1.458], abs=1e-12)
    assert run.values.tolist() == pytest.approx([2.0, 1.62, 1.3122, 1.062882], abs=1e-12)
    assert run.grad_norms.tolist() == pytest.approx([2.0, 1.8, 1.62, 1.458], abs=1e-12)
    assert round(run.values[2], 2) == 1.31  # as the text rounds it


def test_float32_runs_stay_float32_precision() -> None:
    run = descend("quadratic", ["sgd"], start=2.0, lr=0.1, steps=3, dtype="float32")["sgd"]
    assert run.points[:, 0].tolist() == [np.float32(v) for v in (2.0, 1.8, 1.62, 1.458)]


def test_same_start_and_budget_for_every_optimizer() -> None:
    runs = descend("himmelblau", steps=25)
    assert list(runs) == ["sgd", "momentum", "adagrad", "adam"]
    for run in runs.values():
        assert isinstance(run, Trajectory)
        assert run.points.shape == (26, 2) and run.values.shape == (26,)
        assert run.points[0].tolist() == list(get_function("himmelblau").start)


def test_huge_lr_diverges_with_finite_points() -> None:
    run = descend("quadratic", ["sgd"], start=2.0, lr=3.0, steps=100)["sgd"]
    # x_t = 2 (-2)^t; f = x^2/2 first exceeds 1e6 at t = 10 (x = 2048).
    assert run.status == "diverged" and run.diverged_at == 10
    assert run.points[:, 0].tolist() == [2.0 * (-2.0) ** t for t in range(10)]
    assert np.isfinite(run.points).all() and np.isfinite(run.values).all()
    assert "diverged at step 10" in run.summary()


def test_nan_and_overflow_are_divergence_not_crashes() -> None:
    run = descend("log(x)", ["sgd"], start=1.0, lr=10.0, steps=20)["sgd"]
    assert run.status == "diverged" and run.diverged_at == 1
    assert run.points.tolist() == [[1.0]] and np.isfinite(run.values).all()
    runs = descend("rosenbrock", ["sgd", "momentum"], lr=0.1, steps=50)
    for run in runs.values():
        assert run.status == "diverged" and np.isfinite(run.points).all()
        assert len(run.points) == run.diverged_at


@pytest.mark.parametrize(
    ("lr", "steps", "status"),
    [(0.5, 100, "converged"), (0.01, 100, "unfinished"), (1e-5, 100, "crawling")],
)
def test_status_rules_on_the_quadratic(lr: float, steps: int, status: str) -> None:
    run = descend("quadratic", ["sgd"], lr=lr, steps=steps)["sgd"]
    assert run.status == status and run.diverged_at is None


def test_plateau_stalls_sgd_but_not_adam() -> None:
    runs = descend("plateau", ["sgd", "adam"], steps=100)
    assert runs["sgd"].status == "crawling"
    assert runs["adam"].values[-1] < 1e-2 < runs["sgd"].values[-1]


def test_saddle_point_start_is_a_stationary_point() -> None:
    run = descend("saddle", ["sgd"], start=(0.0, 0.0), steps=5)["sgd"]
    assert run.status == "converged" and run.points.tolist() == [[0.0, 0.0]] * 6


def test_settings_dict_races_two_learning_rates() -> None:
    runs = descend(
        "bowl",
        {"adam fast": {"name": "adam", "lr": 0.5}, "adam slow": {"name": "adam", "lr": 0.01}},
        steps=20,
        hyper={"weight_decay": 0.0},
    )
    assert list(runs) == ["adam fast", "adam slow"]
    assert runs["adam fast"].hyper == {"lr": 0.5, "weight_decay": 0.0}
    assert runs["adam fast"].values[-1] < runs["adam slow"].values[-1]
    assert runs["adam slow"].describe_hyper() == "lr=0.01, weight_decay=0"


def test_lr_defaults_and_per_label_rates() -> None:
    runs = descend("rosenbrock", ["momentum", "textbook-adam"], steps=2)
    assert runs["momentum"].hyper == {"lr": 2e-3, "momentum": 0.9}
    assert runs["textbook-adam"].hyper["lr"] == 0.2  # the adam family's suggestion
    runs = descend("x**2", ["sgd", "adam"], lr={"sgd": 0.3}, steps=2)
    assert runs["sgd"].lr == 0.3 and runs["adam"].lr == 0.1


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'; valid names: sgd"):
        descend("bowl", ["adamm"])
    with pytest.raises(ValueError, match="unknown function"):
        descend("bowel")
    with pytest.raises(ValueError, match="given twice"):
        descend("bowl", ["sgd", "sgd"])
    with pytest.raises(ValueError, match=r"steps must be an integer in \[1, 1000000\], got 0"):
        descend("bowl", steps=0)
    with pytest.raises(TypeError, match="steps must be an int"):
        descend("bowl", steps=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="start must have 2 coordinate"):
        descend("bowl", start=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="unknown hyper-parameter"):
        descend("bowl", ["sgd"], hyper={"betas": (0.9, 0.99)})
    with pytest.raises(ValueError, match="Invalid learning rate|lr"):
        descend("bowl", ["sgd"], lr=-1.0)
    with pytest.raises(ValueError, match="empty"):
        descend("bowl", [])
    with pytest.raises(ValueError, match="need a 'name'"):
        descend("bowl", {"a": {"lr": 0.1}})
