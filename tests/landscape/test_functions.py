"""Test functions: values and minima from their definitions, gradients through autograd."""

import math

import numpy as np
import pytest

import kobai as kb
from kobai.landscape import TestFunction, available_functions, get_function
from kobai.landscape import _math as m

REGISTERED = available_functions()


def test_registry_lists_the_functions_of_the_issue() -> None:
    expected = {"quadratic", "bowl", "rosenbrock", "beale", "himmelblau", "saddle", "rastrigin"}
    assert expected <= set(REGISTERED)
    assert {"plateau", "hill"} <= set(REGISTERED)


@pytest.mark.parametrize("name", REGISTERED)
def test_minima_are_stationary_and_lowest(name: str) -> None:
    f = get_function(name)
    assert f.dim in (1, 2) and len(f.bounds) == f.dim and len(f.start) == f.dim
    assert f.minima, "every registered function has known minima"
    for point in f.minima:
        assert np.linalg.norm(f.gradient(point)) < 1e-9
    # No grid point lies below the known minimum value.
    values = f.grid(101)[-1]
    assert values.min() >= f.f_min - 1e-12


def test_known_values() -> None:
    assert get_function("rosenbrock").value([-1.2, 1.0]).item() == pytest.approx(24.2)
    assert get_function("beale").value([3.0, 0.5]).item() == pytest.approx(0.0, abs=1e-15)
    himmelblau = get_function("himmelblau")
    assert himmelblau.value(himmelblau.minima).tolist() == pytest.approx([0.0] * 4, abs=1e-20)
    assert len(himmelblau.minima) == 4
    assert get_function("rastrigin").value([0.0, 0.0]).item() == 0.0
    assert get_function("rastrigin").value([1.0, 1.0]).item() == pytest.approx(2.0)
    assert get_function("saddle").f_min == pytest.approx(-0.25)
    assert get_function("quadratic").value([2.0, 1.8]).tolist() == pytest.approx([2.0, 1.62])
    assert get_function("bowl").value([10.0, 1.0]).item() == pytest.approx(6.0)


def test_rosenbrock_gradient_is_the_hand_derivative() -> None:
    x, y = -1.2, 1.0
    expected = [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
    assert get_function("rosenbrock").gradient([x, y]) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("name", REGISTERED)
def test_autograd_gradient_matches_central_differences(name: str) -> None:
    f = get_function(name)
    rng = np.random.default_rng(3)
    for _ in range(3):
        point = np.array([rng.uniform(lo, hi) for lo, hi in f.bounds])
        h = 1e-6
        numeric = [
            (f.value(point + h * e).item() - f.value(point - h * e).item()) / (2 * h)
            for e in np.eye(f.dim)
        ]
        assert f.gradient(point) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("name", REGISTERED)
def test_vectorised_grid_equals_tensor_values(name: str) -> None:
    f = get_function(name)
    grid = f.grid(7)
    if f.dim == 1:
        xs, z = grid
        points = xs[:, None]
    else:
        X, Y, z = grid
        points = np.stack([X, Y], axis=-1).reshape(-1, 2)
    assert grid[0].shape == (7,) if f.dim == 1 else grid[0].shape == (7, 7)
    one_by_one = [f.tensor_value(kb.tensor(p, dtype="float64")).item() for p in points]
    np.testing.assert_allclose(z.ravel(), one_by_one, rtol=1e-12, atol=1e-12)


def test_value_shapes_and_point_checks() -> None:
    rosen = get_function("rosenbrock")
    assert rosen.value(np.zeros((3, 4, 2))).shape == (3, 4)
    quad = get_function("quadratic")
    assert quad.value([1.0, 2.0, 3.0]).tolist() == [0.5, 2.0, 4.5]
    assert quad.value(2.0).shape == ()
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2\)"):
        rosen.value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="n must be an integer >= 2, got 1"):
        rosen.grid(1)
    X, Y, Z = rosen.grid(5, bounds=((0, 1), (0, 2)))
    assert X[0].tolist() == [0, 0.25, 0.5, 0.75, 1.0] and Y[:, 0].tolist() == [0, 0.5, 1, 1.5, 2]
    assert Z[2, 4] == pytest.approx(rosen.value([1.0, 1.0]).item())


def test_unknown_name_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown function 'rosenbrok'.*rosenbrock.*himmelblau"):
        get_function("rosenbrok")
    with pytest.raises(TypeError, match="name, an expression or a callable"):
        get_function(3)  # type: ignore[arg-type]


def test_expression_and_callable_functions() -> None:
    f = get_function("x**2 + 3*sin(y)")
    assert f.dim == 2 and f.name == "x**2 + 3*sin(y)" and f.minima == []
    assert f.value([1.0, math.pi / 2]).item() == pytest.approx(4.0)
    assert f.gradient([1.0, 0.0]) == pytest.approx([2.0, 3.0])
    g = get_function("exp(x) - x")
    assert g.dim == 1 and g.gradient([0.0]) == pytest.approx([0.0])

    h = get_function(lambda x, y: (x - 1) ** 2 + m.cos(y), bounds=((-2, 2), (-1, 1)), start=(0, 0))
    assert h.dim == 2 and h.bounds == ((-2.0, 2.0), (-1.0, 1.0)) and h.start == (0.0, 0.0)
    assert h.gradient([3.0, 0.5]) == pytest.approx([4.0, -math.sin(0.5)])
    assert h.value(np.zeros((5, 2))).shape == (5,)


def test_numpy_only_callable_is_refused_for_gradients() -> None:
    f = get_function(lambda x: np.sin(np.asarray(x)))
    assert f.value([0.5]).item() == pytest.approx(math.sin(0.5))
    with pytest.raises(TypeError, match="kobai ops"):
        f.gradient([0.5])


def test_trigonometric_ops_pass_gradcheck() -> None:
    rng = np.random.default_rng(0)
    x = kb.tensor(rng.uniform(-1.2, 1.2, size=(3, 4)), dtype="float64", requires_grad=True)
    for fn in (m.sin, m.cos, m.tan, m.arctan, m.FUNCTIONS["sinh"], m.FUNCTIONS["cosh"]):
        assert kb.gradcheck(fn, x)


def test_float32_stays_float32_through_the_ops() -> None:
    x = kb.tensor(np.array([0.3, 0.7], dtype=np.float32), requires_grad=True)
    for name, fn in m.FUNCTIONS.items():
        out = fn(x)
        assert out.dtype == np.float32, name


def test_test_function_is_not_collected_by_pytest() -> None:
    assert TestFunction.__test__ is False
