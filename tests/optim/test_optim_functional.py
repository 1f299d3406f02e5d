"""The pure update kernels against numbers computed by hand from their formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kobai.optim import _functional as K
from kobai.optim._workspace import Workspace


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_sgd_plain_step():
    p = arr(1.0, -2.0)
    K.sgd(p, arr(0.5, 0.25), lr=0.1)
    np.testing.assert_allclose(p, [0.95, -2.025], rtol=1e-15)


def test_sgd_weight_decay_and_maximize():
    p = arr(2.0)
    K.sgd(p, arr(1.0), lr=0.1, weight_decay=0.1)  # g = 1 + 0.1 * 2
    assert p[0] == pytest.approx(2 - 0.1 * 1.2, rel=1e-15)
    q = arr(1.0)
    K.sgd(q, arr(1.0), lr=0.1, maximize=True)
    assert q[0] == pytest.approx(1.1, rel=1e-15)


def run_sgd(steps: int, **kw: float | bool) -> list[float]:
    p, buf, out = arr(1.0), np.zeros(1), []
    for t in range(steps):
        K.sgd(p, arr(1.0), buf, lr=0.1, momentum=0.9, first_step=t == 0, **kw)  # type: ignore[arg-type]
        out.append(float(p[0]))
    return out


def test_sgd_momentum_buffer_starts_as_the_gradient():
    # buf: 1, 1.9, 2.71; p: 1 - 0.1, - 0.19, - 0.271
    np.testing.assert_allclose(run_sgd(3), [0.9, 0.71, 0.439], rtol=1e-14)


def test_sgd_dampening_skips_the_first_step():
    # buf: 1 (undampened), then 0.9 * 1 + 0.5 * 1 = 1.4
    np.testing.assert_allclose(run_sgd(2, dampening=0.5), [0.9, 0.76], rtol=1e-14)


def test_sgd_nesterov_looks_ahead():
    # update g + 0.9 buf: 1.9, then 1 + 0.9 * 1.9 = 2.71
    np.testing.assert_allclose(run_sgd(2, nesterov=True), [0.81, 0.539], rtol=1e-14)


def test_sgd_momentum_needs_a_buffer():
    with pytest.raises(ValueError, match="momentum_buffer"):
        K.sgd(arr(1.0), arr(1.0), lr=0.1, momentum=0.9)


def test_adagrad_two_steps_and_lr_decay():
    p, s = arr(1.0), np.zeros(1)
    K.adagrad(p, arr(2.0), s, step=1, lr=0.1, eps=0.0)  # s = 4
    assert p[0] == pytest.approx(0.9, rel=1e-15)
    K.adagrad(p, arr(2.0), s, step=2, lr=0.1, eps=0.0, lr_decay=1.0)  # s = 8, lr 0.1 / 2
    assert p[0] == pytest.approx(0.9 - 0.05 * 2 / math.sqrt(8), rel=1e-15)
    assert s[0] == 8.0


def test_adagrad_initial_accumulator():
    p, s = arr(1.0), arr(5.0)
    K.adagrad(p, arr(2.0), s, step=1, lr=0.1, eps=0.0)  # s = 9
    assert p[0] == pytest.approx(1 - 0.1 * 2 / 3, rel=1e-15)


def test_rmsprop_plain_centered_and_momentum():
    p, v = arr(1.0), np.zeros(1)
    K.rmsprop(p, arr(2.0), v, lr=0.1, alpha=0.5, eps=0.0)  # v = 2
    assert p[0] == pytest.approx(1 - 0.1 * 2 / math.sqrt(2), rel=1e-15)
    p, v, gavg = arr(1.0), np.zeros(1), np.zeros(1)
    K.rmsprop(p, arr(2.0), v, gavg, lr=0.1, alpha=0.5, eps=0.0, centered=True)
    assert (v[0], gavg[0]) == (2.0, 1.0)  # denominator sqrt(2 - 1) = 1
    assert p[0] == pytest.approx(0.8, rel=1e-15)
    p, v, buf = arr(1.0), np.zeros(1), np.zeros(1)
    for _ in range(2):
        K.rmsprop(p, arr(2.0), v, None, buf, lr=0.1, alpha=0.5, eps=0.0, momentum=0.9)
    # v: 2 then 3; buf: 2/sqrt(2), then 0.9 * 2/sqrt(2) + 2/sqrt(3)
    b1 = 2 / math.sqrt(2)
    b2 = 0.9 * b1 + 2 / math.sqrt(3)
    assert buf[0] == pytest.approx(b2, rel=1e-15)
    assert p[0] == pytest.approx(1 - 0.1 * b1 - 0.1 * b2, rel=1e-15)


def run_adam(grads: list[float], **kw: float | bool) -> tuple[float, np.ndarray, np.ndarray]:
    p, m, v, vmax = arr(1.0), np.zeros(1), np.zeros(1), np.zeros(1)
    for t, g in enumerate(grads, start=1):
        K.adam(p, arr(g), m, v, vmax, step=t, lr=0.1, beta1=0.5, beta2=0.5, eps=0.0, **kw)  # type: ignore[arg-type]
    return float(p[0]), m, v


def test_adam_first_step_is_lr_times_sign():
    assert run_adam([1.0])[0] == pytest.approx(0.9, rel=1e-15)
    assert run_adam([-1e-3])[0] == pytest.approx(1.1, rel=1e-15)


def test_adam_second_step_bias_corrected():
    # m = 1.75, v = 4.75; step lr / (1 - 0.25) * m / (sqrt(v) / sqrt(0.75))
    p, m, v = run_adam([1.0, 3.0])
    assert (m[0], v[0]) == (1.75, 4.75)
    step = 0.1 / 0.75 * 1.75 / (math.sqrt(4.75) / math.sqrt(0.75))
    assert p == pytest.approx(0.9 - step, rel=1e-15)


def test_adam_amsgrad_uses_the_largest_second_moment():
    # v: 4.5 then 2.75; the denominator keeps 4.5
    step2 = 0.1 / 0.75 * 1.25 / (math.sqrt(4.5) / math.sqrt(0.75))
    assert run_adam([3.0, 1.0], amsgrad=True)[0] == pytest.approx(0.9 - step2, rel=1e-15)
    plain = 0.1 / 0.75 * 1.25 / (math.sqrt(2.75) / math.sqrt(0.75))
    assert run_adam([3.0, 1.0])[0] == pytest.approx(0.9 - plain, rel=1e-15)


def test_adam_decoupled_decay_shrinks_before_the_step():
    p, m, v = arr(2.0), np.zeros(1), np.zeros(1)
    K.adam(
        p, arr(1.0), m, v, step=1, lr=0.1, eps=0.0, weight_decay=0.5, decoupled_weight_decay=True
    )
    assert p[0] == pytest.approx(2 * (1 - 0.05) - 0.1, rel=1e-15)
    q, m, v = arr(2.0), np.zeros(1), np.zeros(1)
    K.adam(q, arr(1.0), m, v, step=1, lr=0.1, eps=0.0, weight_decay=0.5)  # L2: g = 2
    assert q[0] == pytest.approx(1.9, rel=1e-15)


def test_nadam_first_step_with_constant_momentum():
    # momentum_decay 0: mu_t = 0.9 * 0.5 = 0.45 for every t; v = 0.5, d = sqrt(0.5 / 0.5) = 1
    p, m, v = arr(1.0), np.zeros(1), np.zeros(1)
    prod = K.nadam(
        p, arr(1.0), m, v, step=1, mu_product=1.0, lr=0.1, beta2=0.5, eps=0.0, momentum_decay=0.0
    )
    assert prod == pytest.approx(0.45, rel=1e-15)
    expected = 1 - 0.1 * (1 - 0.45) / (1 - 0.45) * 1.0 - 0.1 * 0.45 / (1 - 0.45 * 0.45) * 0.1
    assert p[0] == pytest.approx(expected, rel=1e-15)


def test_radam_is_momentum_sgd_before_the_variance_is_tractable():
    p, m, v = arr(1.0), np.zeros(1), np.zeros(1)
    for t in (1, 2):  # rho_1 = 1, rho_2 = 2.0 <= 5: theta -= lr * m_hat, m_hat = 1
        K.radam(p, arr(1.0), m, v, step=t, lr=0.1)
    assert p[0] == pytest.approx(0.8, rel=1e-14)


def test_adadelta_first_step():
    p, v, u = arr(1.0), np.zeros(1), np.zeros(1)
    K.adadelta(p, arr(1.0), v, u, lr=1.0, rho=0.5, eps=0.01)
    delta = math.sqrt(0.01) / math.sqrt(0.5 + 0.01)
    assert p[0] == pytest.approx(1 - delta, rel=1e-15)
    assert u[0] == pytest.approx(0.5 * delta**2, rel=1e-15)


@pytest.mark.parametrize("maximize", [False, True])
def test_kernels_do_not_touch_the_gradient(maximize):
    g = arr(1.0, -2.0)
    p, m, v = arr(1.0, 1.0), np.zeros(2), np.zeros(2)
    K.adam(p, g, m, v, step=1, lr=0.1, weight_decay=0.1, maximize=maximize)
    K.sgd(p, g, np.zeros(2), lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)
    np.testing.assert_array_equal(g, [1.0, -2.0])


def test_workspace_reuses_its_arrays():
    ws = Workspace(np.zeros((2, 3), dtype=np.float32))
    first = ws[0]
    assert ws[0] is first and ws[1] is not first
    assert first.shape == (2, 3) and first.dtype == np.float32
    assert ws.nbytes == 2 * 6 * 4
    assert ws.fits(np.ones((2, 3), np.float32)) and not ws.fits(np.ones((2, 3)))
