"""Stacked MLPs: the batched forward and backward passes of a vectorised ensemble.

Parameters of N same-shaped MLPs live in arrays with a first axis of length N; each member's
``Parameter.data`` and ``.grad`` are views of its slice, so its own optimizer updates it in
place. Forward and backward are batched matrix products, (N, B, in) @ (N, in, out).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

ACTIVATIONS = ("ReLU", "Tanh", "Sigmoid", "Identity")


def mlp_layers(model: Any) -> list[tuple[str, str, Any]]:
    """``(kind, name, module)`` of a model made of Flatten, Linear and plain activations."""
    layers = []
    for name, module in model.named_children():
        kind = type(module).__name__
        if kind == "Flatten":
            continue
        if kind != "Linear" and kind not in ACTIVATIONS:
            raise ValueError(
                f"fit_ensemble trains MLPs of Linear layers and {', '.join(ACTIVATIONS)} "
                f"activations, got a {kind} layer ({name})"
            )
        layers.append((kind, name, module))
    return layers


class Stack:
    """The members' parameters and gradients stacked on a first axis of length N; each
    member's ``Parameter.data`` and ``.grad`` become views of its slice."""

    def __init__(self, models: Sequence[Any]) -> None:
        plans = [mlp_layers(m) for m in models]
        shapes = [[(k, tuple(mod.weight.shape)) if k == "Linear" else (k, ()) for k, _, mod in p]
                  for p in plans]  # fmt: skip
        if any(s != shapes[0] for s in shapes):
            raise ValueError("the members of an ensemble must have one architecture")
        self.kinds = [k for k, _, _ in plans[0]]
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray | None] = []
        self.grad_w: list[np.ndarray] = []
        self.grad_b: list[np.ndarray | None] = []
        # (stacked data, stacked gradient, the members' parameters) in parameters() order.
        self.slots: list[tuple[np.ndarray, np.ndarray, list[Any]]] = []
        for i, kind in enumerate(self.kinds):
            if kind != "Linear":
                continue
            layers = [p[i][2] for p in plans]
            self.weights.append(_stack([lin.weight for lin in layers]))
            self.grad_w.append(_grads([lin.weight for lin in layers]))
            self.slots.append((self.weights[-1], self.grad_w[-1], [m.weight for m in layers]))
            if layers[0].bias is None:
                self.biases.append(None)
                self.grad_b.append(None)
                continue
            bias, grad = _stack([m.bias for m in layers]), _grads([m.bias for m in layers])
            self.biases.append(bias)
            self.grad_b.append(grad)
            self.slots.append((bias, grad, [m.bias for m in layers]))

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Outputs (N, B, out) and what the backward pass needs."""
        saved = []
        h, j = x.reshape(x.shape[0], x.shape[1], -1), 0
        for kind in self.kinds:
            if kind == "Linear":
                saved.append(h)
                h = np.matmul(h, self.weights[j].transpose(0, 2, 1))
                bias = self.biases[j]
                if bias is not None:
                    h += bias[:, None, :]
                j += 1
            else:
                h = activate(kind, h)
                saved.append(h)
        return h, saved

    def backward(self, grad: np.ndarray, saved: list[np.ndarray]) -> None:
        """Fill every member's parameter gradients from d(loss)/d(output), (N, B, out)."""
        j = len(self.weights) - 1
        for kind, value in zip(reversed(self.kinds), reversed(saved), strict=True):
            if kind == "Linear":
                np.matmul(grad.transpose(0, 2, 1), value, out=self.grad_w[j])
                if self.grad_b[j] is not None:
                    # einsum sums the batch axis several times faster than np.sum here.
                    np.einsum("nbk->nk", grad, out=self.grad_b[j])
                if j > 0:
                    grad = np.matmul(grad, self.weights[j])
                j -= 1
            else:
                grad = activation_grad(kind, value, grad)


def _stack(params: list[Any]) -> np.ndarray:
    stacked = np.stack([p.data for p in params])
    for n, p in enumerate(params):
        p.data = stacked[n]
    return stacked


def _grads(params: list[Any]) -> np.ndarray:
    grads = np.zeros((len(params), *params[0].data.shape), dtype=params[0].data.dtype)
    for n, p in enumerate(params):
        p.grad = grads[n]
    return grads


def activate(kind: str, z: np.ndarray) -> np.ndarray:
    """The named activation (a layer class name) applied to a stacked array."""
    if kind == "ReLU":
        return np.maximum(z, 0)
    if kind == "Tanh":
        return np.tanh(z)
    if kind == "Sigmoid":
        return 1 / (1 + np.exp(-z))
    return z


def activation_grad(kind: str, out: np.ndarray, grad: np.ndarray) -> np.ndarray:
    if kind == "ReLU":
        return grad * (out > 0)
    if kind == "Tanh":
        return grad * (1 - out * out)
    if kind == "Sigmoid":
        return grad * (out * (1 - out))
    return grad


def loss_and_grad(task: str, out: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-member mean loss (N,) and its gradient with respect to ``out`` (N, B, k):
    cross-entropy on logits for classification, mean squared error for regression."""
    batch = out.shape[1]
    if task == "classification":
        shifted = out - _row_max(out)
        exp = np.exp(shifted)
        total = exp.sum(axis=2, keepdims=True)
        # Each member's and sample's target entry, by plain indexing (take_along_axis and
        # put_along_axis build the same index in Python on every step).
        members, samples = np.arange(len(out))[:, None], np.arange(batch)[None, :]
        picked = shifted[members, samples, y]
        losses = (np.log(total[..., 0]) - picked).mean(axis=1)
        grad = exp / total
        grad[members, samples, y] -= 1
        return losses, grad / batch
    diff = out - y.reshape(out.shape).astype(out.dtype)
    size = diff[0].size
    return (diff * diff).reshape(len(out), -1).mean(axis=1), diff * (2 / size)


def _row_max(out: np.ndarray) -> np.ndarray:
    """``out.max(axis=2, keepdims=True)``: column by column for a few classes, where a
    reduction over a short last axis is slow."""
    if out.shape[2] > 16:
        return out.max(axis=2, keepdims=True)
    top = out[..., :1].copy()
    for j in range(1, out.shape[2]):
        np.maximum(top, out[..., j : j + 1], out=top)
    return top
