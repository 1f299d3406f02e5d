"""Gradient clipping: PyTorch's formula, checked with hand-computed norms."""

from __future__ import annotations

import math

import numpy as np
import pytest

import kobai as kb
from kobai.optim import clip_grad_norm_, clip_grad_value_


def with_grads(*grads: list[float], dtype=np.float64) -> list[kb.Tensor]:
    params = []
    for g in grads:
        p = kb.tensor(np.zeros(len(g)), dtype=dtype, requires_grad=True)
        p.grad = np.array(g, dtype=dtype)
        params.append(p)
    return params


def test_total_norm_is_over_all_gradients_and_scaling_is_pytorchs():
    a, b = with_grads([3.0, 4.0], [12.0])  # norms 5 and 12: total 13
    total = clip_grad_norm_([a, b], max_norm=6.5)
    assert total == 13.0
    coef = 6.5 / (13.0 + 1e-6)
    np.testing.assert_allclose(a.grad, [3 * coef, 4 * coef], rtol=1e-15)
    np.testing.assert_allclose(b.grad, [12 * coef], rtol=1e-15)


def test_small_gradients_are_left_alone():
    (a,) = with_grads([0.3, 0.4])
    grad = a.grad
    assert clip_grad_norm_(a, max_norm=1.0) == pytest.approx(0.5, rel=1e-15)
    assert a.grad is grad
    np.testing.assert_array_equal(a.grad, [0.3, 0.4])


@pytest.mark.parametrize(
    ("norm_type", "total"),
    [(1.0, 3 + 4 + 12), (math.inf, 12.0), (3.0, (27 + 64 + 1728) ** (1 / 3))],
)
def test_other_norms(norm_type, total):
    params = with_grads([3.0, -4.0], [-12.0])
    assert clip_grad_norm_(params, max_norm=1e9, norm_type=norm_type) == pytest.approx(total)


def test_parameters_without_gradient_are_skipped():
    (a,) = with_grads([3.0, 4.0])
    none = kb.tensor([1.0], requires_grad=True)
    assert clip_grad_norm_([a, none], 1.0) == 5.0 and none.grad is None
    assert clip_grad_norm_([none], 1.0) == 0.0


def test_non_finite_norms():
    (a,) = with_grads([np.nan, 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    assert math.isnan(clip_grad_norm_([a], 1.0))
    assert np.isnan(a.grad).all()  # scaled by the NaN factor, as PyTorch does


def test_float32_stays_float32():
    (a,) = with_grads([30.0, 40.0], dtype=np.float32)
    clip_grad_norm_([a], 1.0)
    assert a.grad.dtype == np.float32
    np.testing.assert_allclose(a.grad, [0.6, 0.8], rtol=1e-6)


def test_bad_arguments():
    (a,) = with_grads([1.0])
    with pytest.raises(ValueError, match="norm_type must be > 0 or math.inf, got 0.0"):
        clip_grad_norm_([a], 1.0, norm_type=0)
    with pytest.raises(TypeError, match="max_norm must be a number, got '1'"):
        clip_grad_norm_([a], "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="parameters must be Tensors, got ndarray"):
        clip_grad_norm_([np.ones(2)], 1.0)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="clip_value must be >= 0, got -1.0"):
        clip_grad_value_([a], -1.0)


def test_clip_grad_value_clips_each_element():
    a, b = with_grads([-3.0, 0.5], [2.0])
    grad = a.grad
    clip_grad_value_([a, b], 1.0)
    assert a.grad is grad
    np.testing.assert_array_equal(a.grad, [-1.0, 0.5])
    np.testing.assert_array_equal(b.grad, [1.0])


def test_pytorchs_location_and_the_inf_spellings():
    assert kb.nn.utils.clip_grad_norm_ is clip_grad_norm_
    assert kb.nn.utils.clip_grad_value_ is clip_grad_value_
    for spelling in (math.inf, float("inf"), "inf", "INF"):
        params = with_grads([3.0, -4.0], [-12.0])
        assert kb.nn.utils.clip_grad_norm_(params, 6.0, norm_type=spelling) == 12.0
        np.testing.assert_allclose(params[1].grad, [-12.0 * 6.0 / (12.0 + 1e-6)], rtol=1e-15)
    (a,) = with_grads([1.0])
    with pytest.raises(ValueError, match="norm_type must be > 0 or 'inf', got 'max'"):
        kb.nn.utils.clip_grad_norm_([a], 1.0, norm_type="max")


def test_error_if_nonfinite_names_the_order_and_leaves_the_gradients():
    (a,) = with_grads([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="total norm of order 2.0 .* non-finite"):
        kb.nn.utils.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(a.grad, [np.inf, 1.0])
