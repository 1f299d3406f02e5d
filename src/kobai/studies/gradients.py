"""Gradients of whole networks: per-layer norms, flat vectors, finite differences, and what
they cost. The studies of vanishing gradients, batch modes and numerical differentiation share
these."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kobai import nn
from kobai.autograd import Tensor, no_grad
from kobai.models import MLP
from kobai.train import numerical_gradients


def max_derivative(
    activation: str, *, bounds: tuple[float, float] = (-10.0, 10.0), points: int = 200_001
) -> tuple[float, float]:
    """The largest value of an activation's derivative on a grid, and where it is.

    Returns
    -------
    (max f'(x), argmax x) : tuple of float
        0.25 at x = 0 for the sigmoid, 1 at x = 0 for tanh.
    """
    x = np.linspace(bounds[0], bounds[1], points)
    values = np.asarray(nn.activation.derivative(activation, x), dtype=np.float64)
    i = int(np.argmax(values))
    return float(values[i]), float(x[i])


def linear_layer_names(model: nn.Module) -> list[str]:
    """Names (as in ``named_modules``) of the model's Linear layers, from input to output."""
    return [name for name, m in model.named_modules() if isinstance(m, nn.Linear)]


def layer_gradient_norms(
    model: nn.Module, x: np.ndarray, y: np.ndarray, loss: Any
) -> dict[str, float]:
    """The norm of the loss gradient of every Linear layer's parameters, for one batch.

    The norm of a layer is that of all its parameters' gradients together (weight and bias),
    as :func:`kobai.train.fit` records it in ``grad_norm/<layer>``.

    Returns
    -------
    dict of layer name -> float, from the first layer to the last
    """
    model.zero_grad()
    loss(model(Tensor(x)), y).backward()
    modules = dict(model.named_modules())
    norms = {}
    for name in linear_layer_names(model):
        grads = [p.grad for p in modules[name].parameters() if p.grad is not None]
        norms[name] = float(math.sqrt(sum(float(np.vdot(g, g)) for g in grads)))
    return norms


def gradient_ratio(norms: dict[str, float] | Sequence[float]) -> float:
    """First layer's gradient norm over the last layer's: far below 1 when gradients vanish,
    far above 1 when they explode."""
    values = list(norms.values()) if isinstance(norms, dict) else list(norms)
    if len(values) < 2:
        raise ValueError(f"a gradient ratio needs at least 2 layers, got {len(values)}")
    first, last = values[0], values[-1]
    if last == 0:
        return math.inf if first > 0 else math.nan
    return first / last


def hidden_activations(model: MLP, x: np.ndarray) -> list[np.ndarray]:
    """The output of every hidden layer's activation for the inputs ``x`` (no graph)."""
    kind = type(nn.activation.get(str(model.spec["activation"])))
    outputs: list[np.ndarray] = []
    layers = [m for m in model.modules() if isinstance(m, kind)]
    forward_with_hook(model, x, layers, lambda module, inputs, out: outputs.append(out.data.copy()))
    return outputs


def forward_with_hook(
    model: nn.Module, x: np.ndarray, modules: Sequence[nn.Module], hook: Callable[..., Any]
) -> None:
    """One forward pass of ``x`` without a graph, ``hook(module, inputs, output)`` called after
    each of ``modules`` (and removed afterwards, even on an error)."""
    handles = [m.register_forward_hook(hook) for m in modules]
    try:
        with no_grad():
            model(Tensor(x))
    finally:
        for handle in handles:
            handle.remove()


def flat_gradient(model: nn.Module, loss: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The loss gradient over all parameters, as one float64 vector, for the batch ``x, y``."""
    model.zero_grad()
    loss(model(Tensor(x)), y).backward()
    return np.concatenate([_grad(p).ravel() for p in model.parameters()]).astype(np.float64)


def numerical_gradient(
    model: nn.Module, loss: Any, x: np.ndarray, y: np.ndarray, *, h: float = 1e-6
) -> np.ndarray:
    """All parameters' gradients by central differences, as one flat vector."""
    numerical_gradients(model, loss, x, y, h=h)
    return np.concatenate([_grad(p).ravel() for p in model.parameters()])


def relative_difference(a: np.ndarray, b: np.ndarray, *, floor: float = 1e-12) -> float:
    """The largest element-wise relative difference :math:`|a_i - b_i| / \\max(|a_i|, |b_i|)`
    (elements where both are below ``floor`` count as equal)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def count_forward_passes(model: nn.Module, work: Callable[[], Any]) -> int:
    """How many times ``work()`` runs the model's forward pass."""
    calls = 0

    def count(module: Any, inputs: Any, out: Any) -> None:
        nonlocal calls
        calls += 1

    handle = model.register_forward_hook(count)
    try:
        work()
    finally:
        handle.remove()
    return calls


def median_time(work: Callable[[], Any], *, budget: float = 0.2, repeats: int = 7) -> float:
    """Median seconds of ``work()`` over up to ``repeats`` calls, stopping after ``budget`` s."""
    times: list[float] = []
    while len(times) < repeats and (len(times) < 1 or sum(times) < budget):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def flat_loss(
    model: nn.Module, loss: Any, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, Callable[[np.ndarray], float]]:
    """The model's parameters as one vector, and the loss as a function of such a vector."""
    params = list(model.parameters())
    theta = np.concatenate([p.data.ravel() for p in params])

    def f(vector: np.ndarray) -> float:
        offset = 0
        for p in params:
            p.data[...] = vector[offset : offset + p.data.size].reshape(p.data.shape)
            offset += p.data.size
        with no_grad():
            return float(loss(model(Tensor(x)), y).data)

    return theta, f


def _grad(p: Any) -> np.ndarray:
    return np.zeros_like(p.data) if p.grad is None else p.grad
