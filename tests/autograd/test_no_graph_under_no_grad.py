"""Under no_grad no node is kept: outputs have no grad_fn and every op object is freed."""

from __future__ import annotations

import gc
import weakref

import numpy as np

import kobai as kb
from kobai import nn
from kobai.autograd.function import Function


class Probe(Function):
    """Doubles its input and records what it saw during forward."""

    seen: list[tuple[bool, ...]] = []
    alive: list[weakref.ref] = []

    def forward(self, a):
        Probe.seen.append(self.needs_grad)
        Probe.alive.append(weakref.ref(self))
        return a * 2

    def backward(self, grad):
        return (grad * 2,)


def test_forward_knows_whether_it_is_recorded():
    Probe.seen.clear()
    w = kb.tensor([1.0, 2.0], requires_grad=True)
    recorded = Probe()(w)
    with kb.no_grad():
        plain = Probe()(w)
    assert Probe.seen == [(True,), ()]
    assert recorded.grad_fn is not None and plain.grad_fn is None
    assert not plain.requires_grad
    recorded.sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 2.0])


def test_no_op_object_outlives_a_call_under_no_grad():
    Probe.alive.clear()
    w = kb.tensor([1.0, 2.0], requires_grad=True)
    with kb.no_grad():
        out = Probe()(Probe()(w))
    gc.collect()
    assert out.grad_fn is None
    assert [ref() for ref in Probe.alive] == [None, None]


def test_model_inference_under_no_grad_records_nothing_and_matches():
    model = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 3, rng=1))
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    with kb.no_grad():
        out = model(kb.Tensor(x))
        loss = nn.CrossEntropyLoss()(out, np.array([0, 1, 2, 0, 1]))
    graph_out = model(kb.Tensor(x))
    graph_loss = nn.CrossEntropyLoss()(graph_out, np.array([0, 1, 2, 0, 1]))
    assert out.grad_fn is None and loss.grad_fn is None
    assert graph_out.grad_fn is not None and graph_loss.grad_fn is not None
    np.testing.assert_array_equal(out.data, graph_out.data)
    assert loss.item() == graph_loss.item()


def test_cross_entropy_keeps_its_probabilities_only_when_recorded():
    from kobai.nn._loss_ops import CrossEntropy

    logits = kb.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], requires_grad=True)
    ops = [
        CrossEntropy(
            np.array([1, 2]), weight=None, ignore_index=-100, label_smoothing=0.0,
            reduction="mean",
        )
        for _ in range(2)
    ]  # fmt: skip
    with kb.no_grad():
        plain = ops[0](logits)
    recorded = ops[1](logits)
    assert not hasattr(ops[0], "probs_t")
    assert ops[1].probs_t.shape == (3, 2)
    assert plain.item() == recorded.item()
