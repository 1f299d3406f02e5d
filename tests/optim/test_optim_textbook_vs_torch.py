"""The numbers in kobai.optim.textbook's docstring: where the book and PyTorch agree or differ.

Each test measures a quantity, checks it against the value the docstring quotes and checks the
docstring does quote it, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import kobai as kb
from kobai import optim
from kobai.optim import textbook

DOC = " ".join((textbook.__doc__ or "").split())


def quoted(text: str) -> None:
    assert text in DOC, f"the textbook docstring should quote {text!r}"


def rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p[0], p[1]
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def momentum_run(cls: type, lrs: list[float]) -> np.ndarray:
    w = kb.tensor([-1.2, 1.0], dtype=np.float64, requires_grad=True)
    opt = cls([w], lr=lrs[0], momentum=0.9)
    path = [w.data.copy()]
    for lr in lrs:
        opt.param_groups[0]["lr"] = lr
        w.grad = rosenbrock_grad(w.data)
        opt.step()
        path.append(w.data.copy())
    return np.array(path)


def test_momentum_identical_under_a_constant_learning_rate():
    lrs = [1e-3] * 300
    torch_form = momentum_run(optim.SGD, lrs)
    book_form = momentum_run(textbook.Momentum, lrs)
    gap = np.abs(torch_form - book_form).max()
    assert gap <= 1.35e-15
    quoted("differ by at most 1.3e-15 over 300 steps")


def test_momentum_differs_when_the_learning_rate_drops():
    lrs = [1e-3] * 100 + [1e-4] * 100
    torch_form = momentum_run(optim.SGD, lrs)
    book_form = momentum_run(textbook.Momentum, lrs)

    def step(path: np.ndarray, t: int) -> float:
        return float(np.linalg.norm(path[t] - path[t - 1]))

    assert f"{step(torch_form, 100):.2e}" == "5.67e-03"
    assert f"{step(torch_form, 101):.2e}" == "5.56e-04"
    assert f"{step(book_form, 101):.2e}" == "5.15e-03"
    assert f"{step(book_form, 101) / step(torch_form, 101):.2f}" == "9.26"
    assert f"{np.linalg.norm(torch_form[-1] - book_form[-1]):.3g}" == "0.0415"
    for text in ["5.56e-4 long", "5.67e-3)", "5.15e-3, 9.26", "0.0415 apart"]:
        quoted(text)


def first_adam_step(form: str, g: float) -> float:
    """The first step of each Adam convention for a gradient g, in units of lr."""
    if form == "eps-inside-root":
        m_hat, v_hat = (0.1 * g) / 0.1, (0.001 * g * g) / 0.001
        return m_hat / math.sqrt(v_hat + 1e-8)
    w = kb.tensor([0.0], dtype=np.float64, requires_grad=True)
    opt = optim.Adam([w], lr=1.0) if form == "torch" else textbook.Adam([w], lr=1.0)
    w.grad = np.array([g])
    opt.step()
    return float(-w.data[0])


def test_adam_differs_for_tiny_gradients():
    torch_step = first_adam_step("torch", 1e-8)
    book_step = first_adam_step("book", 1e-8)
    inside = first_adam_step("eps-inside-root", 1e-8)
    assert torch_step == pytest.approx(0.5, rel=1e-12)
    assert f"{book_step:.3g}" == "0.00315"
    assert f"{torch_step / book_step:.0f}" == "159"
    assert f"{inside:.1e}" == "1.0e-04"
    for text in ["0.5 lr in PyTorch", "0.00315 lr in the book (159 times", "1.0e-4 lr"]:
        quoted(text)


def test_adam_agrees_for_ordinary_gradients():
    steps = [first_adam_step(form, 1e-2) for form in ("torch", "book", "eps-inside-root")]
    assert max(abs(s - 1) for s in steps) < 3.2e-4
    assert [f"{s:.4f}" for s in steps[:2]] == ["1.0000", "0.9997"]
    assert f"{steps[2]:.5f}" == "0.99995"
    quoted("agree to 3.2e-4: 1.0000, 0.9997 and 0.99995 lr")


def test_book_epsilon_grows_with_the_bias_correction():
    def effective(t: int) -> float:
        return textbook.EPS / math.sqrt(1 - 0.999**t)

    assert [f"{effective(t):.3g}" for t in (1, 100, 1000)] == ["3.16e-06", "3.24e-07", "1.26e-07"]
    quoted("3.16e-6 at step 1, 3.24e-7 at step 100, 1.26e-7 at step 1000")
    # ... and it is what the book's Adam does: after t steps of a constant gradient g, m and
    # v are bias-corrected exactly, so the step is lr * g / (g + effective(t)).
    g, w = 1e-6, kb.tensor([0.0], dtype=np.float64, requires_grad=True)
    opt = textbook.Adam([w], lr=1.0)
    for t in range(1, 4):
        before = float(w.data[0])
        w.grad = np.array([g])
        opt.step()
        assert before - float(w.data[0]) == pytest.approx(g / (g + effective(t)), rel=1e-9)
