"""Source document 001: gradient descent on f(x) = x^2 / 2 from x = 2 with eta = 0.1."""

import importlib.util
from pathlib import Path

import pytest

import kobai as kb

EXAMPLE = Path(__file__).parents[2] / "examples" / "001_gradient_descent.py"


def test_gradient_descent_steps_by_autograd() -> None:
    x = kb.tensor(2.0, dtype="float64", requires_grad=True)
    xs, fs = [], []
    for _ in range(3):
        f = x**2 / 2
        f.backward()
        with kb.no_grad():
            x = kb.tensor(x.data - 0.1 * x.grad, dtype="float64", requires_grad=True)
        xs.append(x.item())
        fs.append((x**2 / 2).item())
    assert xs == pytest.approx([1.8, 1.62, 1.458], abs=1e-15)
    assert fs == pytest.approx([1.62, 1.3122, 1.062882], abs=1e-15)


def test_example_script_reproduces_the_numbers() -> None:
    spec = importlib.util.spec_from_file_location("example_001", EXAMPLE)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    steps = module.descend(x0=2.0, lr=0.1, steps=3)
    assert [round(x, 12) for x, _ in steps] == [1.8, 1.62, 1.458]
    assert [round(f, 12) for _, f in steps] == [1.62, 1.3122, 1.062882]
