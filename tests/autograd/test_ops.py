"""Forward values of ops (their gradients are checked by the registry)."""

import warnings

import numpy as np
import pytest

import kobai as kb
import kobai.functional as F


def test_forward_values_match_numpy(rng: np.random.Generator) -> None:
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    p = rng.uniform(0.5, 2, (3, 4))
    checks = [
        (F.add(a, b), a + b),
        (F.sub(a, b), a - b),
        (F.mul(a, b), a * b),
        (F.div(a, p), a / p),
        (F.pow(p, b), p**b),
        (F.exp(a), np.exp(a)),
        (F.log(p), np.log(p)),
        (F.sqrt(p), np.sqrt(p)),
        (F.abs(a), np.abs(a)),
        (F.maximum(a, b), np.maximum(a, b)),
        (F.minimum(a, b), np.minimum(a, b)),
        (F.clip(a, -0.5, 0.5), np.clip(a, -0.5, 0.5)),
        (F.matmul(a, p.T), a @ p.T),
        (F.sum(a, 0), a.sum(0)),
        (F.mean(a, 1, True), a.mean(1, keepdims=True)),
        (F.max(a), a.max()),
        (F.min(a, 1), a.min(1)),
        (F.var(a, 0, ddof=1), a.var(0, ddof=1)),
        (F.transpose(a), a.T),
        (F.pad(a, 1), np.pad(a, 1)),
        (F.concatenate([a, p], 0), np.concatenate([a, p])),
        (F.stack([a, p], 1), np.stack([a, p], 1)),
        (F.tanh(a), np.tanh(a)),
        (F.sigmoid(a), 1 / (1 + np.exp(-a))),
        (F.relu(a), np.maximum(a, 0)),
        (F.leaky_relu(a, 0.2), np.where(a > 0, a, 0.2 * a)),
        (F.softplus(a), np.log1p(np.exp(a))),
        (F.softmax(a), np.exp(a) / np.exp(a).sum(-1, keepdims=True)),
        (F.log_softmax(a, 0), a - np.log(np.exp(a).sum(0, keepdims=True))),
        (F.logsumexp(a, 1), np.log(np.exp(a).sum(1))),
    ]
    for got, expected in checks:
        np.testing.assert_allclose(got.data, expected, rtol=1e-12, atol=1e-12)


def test_functions_are_stable_at_large_magnitudes() -> None:
    x = kb.tensor([-1e4, -50.0, 0.0, 50.0, 1e4], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            outs = [
                F.sigmoid(x),
                F.tanh(x),
                F.softmax(x),
                F.log_softmax(x),
                F.softplus(x),
                F.logsumexp(x),
            ]
            for out in outs:
                assert np.all(np.isfinite(out.data))
                out.backward(np.ones(out.shape, dtype=np.float32))
                assert np.all(np.isfinite(x.grad))
                x.grad = None
    np.testing.assert_allclose(F.sigmoid(x).data, [0, 1.9287499e-22, 0.5, 1, 1], rtol=1e-6)
    np.testing.assert_allclose(F.softmax(x).data, [0, 0, 0, 0, 1])
    assert F.log_softmax(x).data[0] == pytest.approx(-2e4)
    assert F.logsumexp(x).item() == pytest.approx(1e4)
    assert F.softplus(x).data[-1] == 1e4 and F.softplus(x).data[0] == 0


def test_max_ties_share_the_gradient() -> None:
    x = kb.tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5])


def test_getitem_with_repeated_indices_accumulates() -> None:
    x = kb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 0, 2])].sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 1.0])


def test_reshape_helpers_on_tensor() -> None:
    x = kb.tensor(np.arange(6.0).reshape(2, 3))
    assert x.reshape(3, 2).shape == (3, 2)
    assert x.reshape((6,)).shape == (6,)
    assert x.permute(1, 0).shape == (3, 2)
    assert x.unsqueeze(0).shape == (1, 2, 3)
    assert x.unsqueeze(0).squeeze(0).shape == (2, 3)
    assert x.flatten().shape == (6,)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: F.reshape(kb.tensor([1.0, 2.0]), (3,)), ValueError, r"cannot reshape .* \(2,\)"),
        (lambda: F.matmul(np.ones((2, 3)), np.ones((2, 3))), ValueError, r"\(2, 3\) and \(2, 3\)"),
        (lambda: F.sum(np.ones(2), axis=3), ValueError, "axis 3 is out of range"),
        (lambda: F.sum(np.ones(2), axis="x"), TypeError, "axis must be an int"),
        (lambda: F.clip(np.ones(2)), ValueError, "clip needs min or max"),
        (lambda: F.clip(np.ones(2), 1, 0), ValueError, "min=1.0 and max=0.0"),
        (lambda: F.var(np.ones(2), ddof=-1), ValueError, "ddof must be an integer >= 0, got -1"),
        (lambda: F.where(np.ones(2), 1.0, 2.0), TypeError, "condition must be a boolean"),
        (lambda: F.softplus(np.ones(2), beta=0), ValueError, "beta must be > 0, got 0"),
        (lambda: F.concatenate([]), TypeError, "non-empty list"),
        (lambda: F.broadcast_to(np.ones(3), (2,)), ValueError, r"\(3,\) to shape \(2,\)"),
        (lambda: kb.tensor("abc"), TypeError, "cannot make a tensor"),
    ],
)
def test_bad_input_is_reported(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()
