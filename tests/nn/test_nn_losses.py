"""Losses: hand-computed values for every reduction, gradients, and bad input."""

import math

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F

LN2, LN3 = math.log(2), math.log(3)


def grad_of(loss_fn, x, *args):
    t = kb.Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    loss_fn(t, *args).sum().backward()
    return t.grad


# -- regression losses ------------------------------------------------------------------------
A = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
B = np.zeros((2, 3))


@pytest.mark.parametrize(
    "loss, expected",
    [
        (nn.MSELoss(), 14 / 6),
        (nn.MSELoss(reduction="sum"), 14.0),
        (nn.MSELoss(reduction="none"), A**2),
        (nn.SSELoss(), 3.5),  # (7 + 0) / 2 samples
        (nn.SSELoss(reduction="sum"), 7.0),
        (nn.SSELoss(reduction="none"), [7.0, 0.0]),
        (nn.L1Loss(), 1.0),
        (nn.L1Loss(reduction="sum"), 6.0),
        (nn.L1Loss(reduction="none"), A),
    ],
)
def test_regression_losses_by_hand(loss, expected):
    np.testing.assert_allclose(loss(A, B).data, expected, rtol=1e-15)


def test_huber_quadratic_then_linear():
    d = np.array([0.5, -2.0, 3.0])
    loss = nn.HuberLoss(reduction="none")(d, np.zeros(3))
    np.testing.assert_allclose(loss.data, [0.125, 1.5, 2.5])
    assert nn.HuberLoss()(d, np.zeros(3)).item() == pytest.approx(4.125 / 3)
    np.testing.assert_allclose(nn.HuberLoss(delta=2.5, reduction="sum")(d, np.zeros(3)).data,
                               0.125 + 2.0 + 2.5 * (3 - 1.25))  # fmt: skip
    np.testing.assert_allclose(grad_of(nn.HuberLoss(reduction="sum"), d, np.zeros(3)), [0.5, -1, 1])


def test_gradients_mse_is_2d_over_n_and_sse_is_y_minus_t():
    np.testing.assert_allclose(grad_of(nn.MSELoss(), A, B), 2 * A / 6)
    np.testing.assert_allclose(grad_of(nn.SSELoss(reduction="sum"), A, B), A)
    np.testing.assert_allclose(grad_of(nn.SSELoss(), A, B), A / 2)
    np.testing.assert_allclose(grad_of(nn.L1Loss(), [[2.0, -1.0, 0.0]], [[1.0, 1.0, 0.0]]),
                               [[1 / 3, -1 / 3, 0]])  # fmt: skip


def test_gradient_also_reaches_a_target_that_requires_grad():
    x = kb.tensor([1.0, 4.0], requires_grad=True)
    t = kb.tensor([0.0, 1.0], requires_grad=True)
    nn.MSELoss(reduction="sum")(x, t).backward()
    np.testing.assert_array_equal(x.grad, [2, 6])
    np.testing.assert_array_equal(t.grad, [-2, -6])


# -- cross-entropy ----------------------------------------------------------------------------
def test_cross_entropy_uniform_logits_is_log_of_class_count():
    loss = nn.CrossEntropyLoss()(np.zeros((3, 4), dtype=np.float32), np.array([0, 1, 3]))
    assert loss.dtype == np.float32
    assert loss.item() == pytest.approx(math.log(4), rel=1e-6)


def test_cross_entropy_by_hand_index_and_probability_targets():
    logits = np.array([[0.0, LN3]])  # softmax = (1/4, 3/4)
    assert nn.CrossEntropyLoss()(logits, np.array([1])).item() == pytest.approx(-math.log(0.75))
    np.testing.assert_allclose(grad_of(nn.CrossEntropyLoss(), logits, np.array([1])),
                               [[0.25, -0.25]])  # fmt: skip
    soft = nn.CrossEntropyLoss()(logits, np.array([[0.5, 0.5]])).item()
    assert soft == pytest.approx(-0.5 * math.log(0.25) - 0.5 * math.log(0.75))
    smooth = nn.CrossEntropyLoss(label_smoothing=0.2)(logits, np.array([1])).item()
    assert smooth == pytest.approx(-0.1 * math.log(0.25) - 0.9 * math.log(0.75))
    np.testing.assert_allclose(
        grad_of(nn.CrossEntropyLoss(label_smoothing=0.2), logits, np.array([1])),
        [[0.25 - 0.1, 0.75 - 0.9]],
    )


def test_cross_entropy_one_hot_floats_equal_class_indices():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((6, 5))
    index = np.array([0, 4, 2, 2, 1, 3])
    one_hot = np.eye(5)[index]
    for reduction in ("mean", "sum", "none"):
        loss = nn.CrossEntropyLoss(reduction=reduction)
        np.testing.assert_allclose(loss(logits, index).data, loss(logits, one_hot).data)
        np.testing.assert_allclose(grad_of(loss, logits, index), grad_of(loss, logits, one_hot))


def test_cross_entropy_equals_log_softmax_then_nll():
    rng = np.random.default_rng(1)
    logits, target = rng.standard_normal((7, 3)), rng.integers(0, 3, 7)
    weight = np.array([0.3, 1.0, 2.0])
    ce = nn.CrossEntropyLoss(weight=weight)(logits, target)
    nll = nn.NLLLoss(weight=weight)(F.log_softmax(logits, 1), target)
    assert ce.item() == pytest.approx(nll.item(), rel=1e-12)


def test_cross_entropy_ignore_index_averages_over_the_others():
    logits = np.array([[0.0, LN3], [5.0, -1.0], [0.0, 0.0]])
    target = np.array([1, -100, 0])
    loss = nn.CrossEntropyLoss()(logits, target).item()
    assert loss == pytest.approx((-math.log(0.75) + LN2) / 2)
    g = grad_of(nn.CrossEntropyLoss(), logits, target)
    np.testing.assert_array_equal(g[1], [0, 0])


def test_cross_entropy_is_stable_for_huge_logits_and_spatial_inputs():
    logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=np.float32)
    loss = nn.CrossEntropyLoss(reduction="none")(logits, np.array([0, 0]))
    np.testing.assert_allclose(loss.data, [0.0, 2000.0])
    x = np.random.default_rng(2).standard_normal((2, 3, 4))  # (N, C, d)
    t = np.array([[0, 1, 2, 1], [2, 2, 0, 1]])
    flat = nn.CrossEntropyLoss()(x.transpose(0, 2, 1).reshape(8, 3), t.reshape(8))
    assert nn.CrossEntropyLoss()(x, t).item() == pytest.approx(flat.item(), rel=1e-12)
    assert nn.CrossEntropyLoss(reduction="none")(x, t).shape == (2, 4)


def test_cross_entropy_targets_may_be_tensors():
    logits = kb.tensor([[0.0, 1.0], [2.0, 0.0]])
    a = nn.CrossEntropyLoss()(logits, kb.Tensor(np.array([1, 0])))
    b = nn.CrossEntropyLoss()(logits, np.array([1, 0]))
    assert a.item() == b.item()


@pytest.mark.parametrize(
    "target, error, message",
    [
        (np.array([0.0, 1.0]), ValueError, "float targets are class probabilities"),
        (np.array([0, 3]), ValueError, r"target class indices must be in \[0, 3\).*got 3"),
        (np.array([0, 1, 2]), ValueError, r"must have shape \(2,\) for logits of shape \(2, 3\)"),
        (np.array(["a", "b"]), TypeError, "target must be integer or float"),
    ],
)
def test_cross_entropy_bad_targets(target, error, message):
    with pytest.raises(error, match=message):
        nn.CrossEntropyLoss()(np.zeros((2, 3), dtype=np.float32), target)


# -- NLL, BCE ---------------------------------------------------------------------------------
def test_nll_loss_by_hand_with_weights():
    logp = np.log(np.array([[0.5, 0.5], [0.2, 0.8]]))
    loss = nn.NLLLoss(weight=np.array([2.0, 1.0]))(logp, np.array([0, 1])).item()
    assert loss == pytest.approx((2 * LN2 - math.log(0.8)) / 3)
    np.testing.assert_allclose(nn.NLLLoss(reduction="none")(logp, np.array([0, 1])).data,
                               [LN2, -math.log(0.8)])  # fmt: skip
    with pytest.raises(TypeError, match="integer class indices"):
        nn.NLLLoss()(logp, np.array([0.0, 1.0]))


def test_bce_by_hand_and_clamped_logs():
    p, t = np.array([0.5, 0.8, 0.0, 1.0, 1.0]), np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    loss = nn.BCELoss(reduction="none")(p, t).data
    np.testing.assert_allclose(loss, [LN2, -math.log(0.2), 100.0, 0.0, 100.0])
    assert nn.BCELoss()(p[:2], t[:2]).item() == pytest.approx((LN2 - math.log(0.2)) / 2)
    np.testing.assert_allclose(grad_of(nn.BCELoss(reduction="sum"), [0.5, 0.8], [1.0, 0.0]),
                               [-2.0, 5.0])  # fmt: skip
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], got values in \[-0.5, 0.5\]"):
        nn.BCELoss()(np.array([-0.5, 0.5]), np.array([0.0, 1.0]))


def test_bce_with_logits_is_stable_and_equals_bce_of_sigmoid():
    x, t = np.array([0.0, 100.0, -100.0, 2.0]), np.array([1.0, 0.0, 1.0, 0.3])
    loss = nn.BCEWithLogitsLoss(reduction="none")(x, t).data
    np.testing.assert_allclose(loss[:3], [LN2, 100.0, 100.0])
    s = 1 / (1 + math.exp(-2.0))
    assert loss[3] == pytest.approx(-(0.3 * math.log(s) + 0.7 * math.log(1 - s)))
    np.testing.assert_allclose(grad_of(nn.BCEWithLogitsLoss(reduction="sum"), x, t),
                               [-0.5, 1.0, -1.0, s - 0.3])  # fmt: skip
    pos = nn.BCEWithLogitsLoss(pos_weight=np.array([3.0]), reduction="sum")
    assert pos(np.array([0.0]), np.array([1.0])).item() == pytest.approx(3 * LN2)


def test_bce_with_logits_float32_extremes_stay_finite():
    x = np.array([-1e4, -50, 0, 50, 1e4], dtype=np.float32)
    t = np.array([1, 1, 0, 0, 0], dtype=np.float32)
    loss = nn.BCEWithLogitsLoss(reduction="none")(x, t)
    assert loss.dtype == np.float32 and np.all(np.isfinite(loss.data))
    np.testing.assert_allclose(loss.data, [1e4, 50, LN2, 50, 1e4], rtol=1e-6)


# -- shared rules -----------------------------------------------------------------------------
ALL_LOSSES = [nn.MSELoss, nn.SSELoss, nn.L1Loss, nn.HuberLoss, nn.CrossEntropyLoss, nn.NLLLoss,
              nn.BCELoss, nn.BCEWithLogitsLoss]  # fmt: skip


@pytest.mark.parametrize("cls", ALL_LOSSES, ids=lambda c: c.__name__)
def test_unknown_reduction_lists_the_valid_ones(cls):
    with pytest.raises(
        ValueError, match="reduction must be one of 'mean', 'sum', 'none', got 'avg'"
    ):
        cls(reduction="avg")


@pytest.mark.parametrize("cls", [nn.MSELoss, nn.L1Loss, nn.HuberLoss, nn.BCELoss, nn.SSELoss])
def test_shape_mismatch_names_both_shapes(cls):
    with pytest.raises(ValueError, match=r"input \(4, 2\) and target \(4,\)"):
        cls()(np.full((4, 2), 0.5), np.full(4, 0.5))


def test_bad_loss_options():
    with pytest.raises(
        ValueError, match=r"label_smoothing must be a finite number in \[0, 1\], got 1.5"
    ):
        nn.CrossEntropyLoss(label_smoothing=1.5)
    with pytest.raises(ValueError, match="delta must be a finite number > 0, got 0"):
        nn.HuberLoss(delta=0)
    with pytest.raises(ValueError, match="weight must be >= 0"):
        nn.CrossEntropyLoss(weight=[1.0, -1.0])
    with pytest.raises(ValueError, match=r"weight must have shape \(C,\) = \(3,\), got \(2,\)"):
        nn.CrossEntropyLoss(weight=[1.0, 2.0])(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="sse_loss needs an input of shape"):
        F.sse_loss(np.array(1.0), np.array(1.0))


def test_float64_target_does_not_promote_a_float32_input():
    x = kb.tensor([[0.2, 0.7]], requires_grad=True)
    for loss in (nn.MSELoss(), nn.BCELoss(), nn.BCEWithLogitsLoss(), nn.CrossEntropyLoss()):
        target = kb.Tensor(np.array([[0.0, 1.0]]))  # float64
        out = loss(x, target)
        assert out.dtype == np.float32
        out.backward()
        assert x.grad.dtype == np.float32
        x.grad = None
