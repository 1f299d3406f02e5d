"""Hand-written gradients of the registered functions: equal to autograd's, and to its paths."""

from dataclasses import replace

import numpy as np
import pytest

from kobai.landscape import available_functions, descend, get_function

REGISTERED = available_functions()


def _random_points(name: str, n: int, seed: int) -> np.ndarray:
    f = get_function(name)
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(lo, hi, size=n) for lo, hi in f.bounds], axis=-1)


@pytest.mark.parametrize("name", REGISTERED)
def test_analytic_gradient_equals_autograd_inside_the_bounds(name: str) -> None:
    f = get_function(name)
    assert f.grad is not None
    points = np.concatenate([_random_points(name, 300, 11), np.array(f.minima), [f.start]])
    for point in points:
        analytic = f.grad(point)
        assert analytic.shape == (f.dim,) and analytic.dtype == np.float64
        np.testing.assert_allclose(analytic, f.gradient(point), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", REGISTERED)
def test_analytic_gradient_vanishes_at_the_minima(name: str) -> None:
    f = get_function(name)
    assert f.grad is not None
    for point in f.minima:
        assert np.linalg.norm(f.grad(np.array(point))) < 1e-9


@pytest.mark.parametrize("name", REGISTERED)
def test_analytic_gradient_keeps_float32_and_matches_autograd(name: str) -> None:
    import kobai as kb

    f = get_function(name)
    assert f.grad is not None
    for point in _random_points(name, 20, 5).astype(np.float32):
        analytic = f.grad(point)
        assert analytic.dtype == np.float32
        x = kb.tensor(point, requires_grad=True)
        f.tensor_value(x).backward()
        assert x.grad is not None and x.grad.dtype == np.float32
        np.testing.assert_allclose(analytic, x.grad, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", REGISTERED)
def test_analytic_gradient_of_a_grid_is_the_gradient_of_each_point(name: str) -> None:
    f = get_function(name)
    assert f.grad is not None
    grid = _random_points(name, 12, 2).reshape(3, 4, f.dim)
    out = f.grad(grid)
    assert out.shape == grid.shape
    for i, j in np.ndindex(3, 4):
        np.testing.assert_array_equal(out[i, j], f.grad(grid[i, j]))


def test_rosenbrock_analytic_gradient_is_the_hand_derivative() -> None:
    x, y = -1.2, 1.0
    expected = [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
    grad = get_function("rosenbrock").grad
    assert grad is not None
    assert grad(np.array([x, y])).tolist() == pytest.approx(expected, rel=1e-14)
    # -2(1 + 1.2) - 400 (-1.2)(1 - 1.44) = -4.4 - 211.2 and 200 (1 - 1.44) = -88.
    assert grad(np.array([x, y])).tolist() == pytest.approx([-215.6, -88.0], rel=1e-14)


@pytest.mark.parametrize("name", REGISTERED)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_descend_follows_the_same_path_as_with_autograd(name: str, dtype: type) -> None:
    f = get_function(name)
    by_autograd = replace(f, grad=None)  # a function without a hand gradient: autograd's path
    optimizers = ["sgd", "momentum", "adam", "rmsprop", "textbook-adagrad"]
    fast = descend(f, optimizers, steps=150, dtype=dtype)
    slow = descend(by_autograd, optimizers, steps=150, dtype=dtype)
    for label in optimizers:
        a, b = fast[label], slow[label]
        assert (a.status, a.diverged_at) == (b.status, b.diverged_at)
        assert a.points.shape == b.points.shape
        np.testing.assert_allclose(a.points, b.points, rtol=1e-12, atol=0)
        np.testing.assert_allclose(a.values, b.values, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(a.grad_norms, b.grad_norms, rtol=1e-12, atol=1e-300)


def test_divergence_is_found_the_same_way_on_both_paths() -> None:
    f = get_function("rosenbrock")
    fast = descend(f, ["sgd"], steps=50, lr=0.5)["sgd"]
    slow = descend(replace(f, grad=None), ["sgd"], steps=50, lr=0.5)["sgd"]
    assert fast.status == slow.status == "diverged"
    assert fast.diverged_at == slow.diverged_at is not None
    np.testing.assert_array_equal(fast.points, slow.points)
    assert np.isfinite(fast.points).all()


def test_expressions_and_callables_have_no_hand_gradient() -> None:
    assert get_function("x**2 + 3*sin(y)").grad is None
    assert get_function(lambda x, y: x * x + y).grad is None
    # They still descend, by autograd: d/dx x**2 = 2x, so sgd with lr 0.25 halves x.
    run = descend("x**2", ["sgd"], start=2.0, lr=0.25, steps=2)["sgd"]
    assert run.points.ravel().tolist() == [2.0, 1.0, 0.5]


def test_renamed_or_moved_registered_functions_keep_their_gradient() -> None:
    f = get_function("himmelblau", bounds=((-6, 6), (-6, 6)), start=(1.0, 1.0), name="h")
    assert f.grad is get_function("himmelblau").grad
