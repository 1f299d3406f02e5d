"""Gradient-check cases of every layer and loss of kobai.nn (float64, run by ``kobai gradcheck``).

A layer is checked through its module (``forward`` as users call it), with respect to its
input and to each of its parameters: the parameters are bound, for the duration of the call,
to the tensors that the gradient check perturbs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kobai.autograd.registry import GradCase, normal, register
from kobai.autograd.tensor import Tensor
from kobai.nn import activation as A
from kobai.nn import functional as F
from kobai.nn import loss as L
from kobai.nn.dropout import Dropout
from kobai.nn.flatten import Flatten, Identity, Unflatten
from kobai.nn.linear import Linear
from kobai.nn.module import Module
from kobai.nn.normalization import BatchNorm1d, BatchNorm2d

Maker = Callable[[np.random.Generator], Sequence[Any]]


def bound(module: Module, *names: str) -> Callable[..., Tensor]:
    """``fn(x, *params)`` running ``module`` with its parameters ``names`` set to ``params``.

    The tensors are placed in the instance dict directly (the registry keeps the module's own
    Parameters), so the gradient reaches the tensors that the check perturbs.
    """
    module.double()

    def fn(x: Tensor, *params: Tensor) -> Tensor:
        saved = {name: module.__dict__[name] for name in names}
        module.__dict__.update(zip(names, params, strict=True))
        try:
            return module(x)
        finally:
            module.__dict__.update(saved)

    return fn


def _layer(
    name: str, fn: Callable[..., Any], make: Maker, wrt: tuple[int, ...] | None = None
) -> None:
    register(GradCase(name, fn, make, kind="layer", wrt=wrt))


def _loss(
    name: str, fn: Callable[..., Any], make: Maker, wrt: tuple[int, ...] | None = None
) -> None:
    register(GradCase(name, fn, make, kind="loss", wrt=wrt))


def _away_from_zero(*shapes: tuple[int, ...], gap: float = 0.1) -> Maker:
    """Normal draws pushed at least ``gap`` away from 0 (kinks of ReLU-like functions)."""

    def make(rng: np.random.Generator) -> list[np.ndarray]:
        out = []
        for shape in shapes:
            x = rng.standard_normal(shape)
            out.append(x + np.where(x >= 0, gap, -gap))
        return out

    return make


# -- layers -----------------------------------------------------------------------------------
_layer("Linear[batch]", bound(Linear(3, 2), "weight", "bias"), normal((4, 3), (2, 3), (2,)))
_layer("Linear[batch1]", bound(Linear(5, 3), "weight", "bias"), normal((1, 5), (3, 5), (3,)))
_layer("Linear[no-bias]", bound(Linear(3, 4, bias=False), "weight"), normal((2, 3), (4, 3)))
_layer("Linear[3d-input]", bound(Linear(4, 3), "weight", "bias"), normal((2, 3, 4), (3, 4), (3,)))
_layer(
    "Linear[input-only]",
    bound(Linear(3, 2), "weight", "bias"),
    normal((3, 3), (2, 3), (2,)),
    wrt=(0,),
)

_layer("BatchNorm1d[train]", bound(BatchNorm1d(3), "weight", "bias"), normal((5, 3), (3,), (3,)))
_layer(
    "BatchNorm1d[train-NCL]",
    bound(BatchNorm1d(2), "weight", "bias"),
    normal((3, 2, 4), (2,), (2,)),
)
_layer(
    "BatchNorm1d[train-no-running-stats]",
    bound(BatchNorm1d(3, track_running_stats=False).eval(), "weight", "bias"),
    normal((4, 3), (3,), (3,)),
)
_bn_eval = BatchNorm1d(3)
_bn_eval.load_state_dict(
    {**_bn_eval.state_dict(), "running_mean": [0.5, -1.0, 2.0], "running_var": [0.25, 4.0, 1.5]}
)
_layer("BatchNorm1d[eval]", bound(_bn_eval.eval(), "weight", "bias"), normal((4, 3), (3,), (3,)))
_layer(
    "BatchNorm2d[train]",
    bound(BatchNorm2d(3), "weight", "bias"),
    normal((2, 3, 2, 3), (3,), (3,)),
)
_layer(
    "BatchNorm2d[train-batch1]",
    bound(BatchNorm2d(2), "weight", "bias"),
    normal((1, 2, 3, 3), (2,), (2,)),
)

# A fresh layer with the same seed on every call: the same mask for every finite difference.
_layer("Dropout[train]", lambda x: Dropout(0.4, rng=3)(x), normal((4, 5)))
_layer("Dropout[eval]", lambda x: Dropout(0.4, rng=3).eval()(x), normal((3, 2)))
_layer("Flatten[default]", lambda x: Flatten()(x) * 1.5, normal((2, 3, 2)))
_layer("Unflatten[dim1]", lambda x: Unflatten(1, (2, 3))(x) * 1.5, normal((2, 6)))
_layer("Identity", lambda x: Identity()(x) * 1.5, normal((3,)))

# -- activations ------------------------------------------------------------------------------
_layer("Sigmoid", A.Sigmoid(), normal((3, 4), scale=2.0))
_layer("Tanh", A.Tanh(), normal((3, 4)))
_layer("ReLU", A.ReLU(), _away_from_zero((3, 4)))
_layer("LeakyReLU[0.2]", A.LeakyReLU(0.2), _away_from_zero((3, 4)))
_layer("PReLU[shared]", bound(A.PReLU(), "weight"), _away_from_zero((3, 4), (1,)))
_layer("PReLU[channels]", bound(A.PReLU(2, init=0.1), "weight"), _away_from_zero((3, 2, 3), (2,)))
_layer("ELU[alpha=1]", A.ELU(), _away_from_zero((3, 4)))
_layer("ELU[alpha=0.5]", A.ELU(0.5), _away_from_zero((5,)))
_layer("GELU[erf]", A.GELU(), normal((3, 4), scale=2.0))
_layer("GELU[tanh]", A.GELU("tanh"), normal((3, 4), scale=2.0))
_layer("Softplus[beta=1]", A.Softplus(), normal((3, 4), scale=2.0))
_layer("Softplus[beta=2,threshold=3]", A.Softplus(2.0, 3.0), _away_from_zero((3, 4), gap=0.3))
_layer("Softmax[dim=1]", A.Softmax(1), normal((3, 4)))
_layer("Softmax[dim=0]", A.Softmax(0), normal((3, 2)))
_layer("LogSoftmax[dim=-1]", A.LogSoftmax(-1), normal((2, 5)))


# -- losses -----------------------------------------------------------------------------------
def _classes(n: int, c: int, shape: tuple[int, ...] | None = None) -> Maker:
    def make(rng: np.random.Generator) -> list[np.ndarray]:
        return [rng.standard_normal(shape or (n, c)), rng.integers(0, c, (n,))]

    return make


def _probabilities(n: int, c: int) -> Maker:
    def make(rng: np.random.Generator) -> list[np.ndarray]:
        t = rng.uniform(0.1, 1.0, (n, c))
        return [rng.standard_normal((n, c)), t / t.sum(axis=1, keepdims=True)]

    return make


for reduction in ("mean", "sum", "none"):
    tag = f"[{reduction}]"
    _loss("MSELoss" + tag, L.MSELoss(reduction=reduction), normal((3, 2), (3, 2)))
    _loss("SSELoss" + tag, L.SSELoss(reduction=reduction), normal((3, 2), (3, 2)))
    _loss("L1Loss" + tag, L.L1Loss(reduction=reduction), _away_from_zero((3, 2), (3, 2)), (0,))
    _loss(
        "HuberLoss" + tag,
        L.HuberLoss(reduction=reduction, delta=0.7),
        lambda rng: [
            np.array([[0.1, -0.3], [1.5, -2.0], [0.2, 0.9]]),
            rng.uniform(-0.1, 0.1, (3, 2)),
        ],
    )
    _loss(
        "CrossEntropyLoss[index," + reduction + "]",
        L.CrossEntropyLoss(reduction=reduction),
        _classes(4, 3),
    )
    _loss(
        "CrossEntropyLoss[probs," + reduction + "]",
        L.CrossEntropyLoss(reduction=reduction),
        _probabilities(3, 4),
        (0,),
    )
    _loss(
        "NLLLoss" + tag,
        lambda x, t, r=reduction: L.NLLLoss(reduction=r)(F.log_softmax(x, 1), t),
        _classes(4, 3),
    )
    _loss(
        "BCELoss" + tag,
        L.BCELoss(reduction=reduction),
        lambda rng: [rng.uniform(0.1, 0.9, (3, 2)), rng.uniform(0, 1, (3, 2))],
    )
    _loss(
        "BCEWithLogitsLoss" + tag,
        L.BCEWithLogitsLoss(reduction=reduction),
        lambda rng: [2 * rng.standard_normal((3, 2)), rng.uniform(0, 1, (3, 2))],
    )

_loss("MSELoss[batch1-odd]", L.MSELoss(), normal((1, 5), (1, 5)))
_loss("SSELoss[1d]", L.SSELoss(), normal((5,), (5,)))
_loss("SSELoss[NCHW]", L.SSELoss(), normal((2, 1, 2, 3), (2, 1, 2, 3)))
_loss("CrossEntropyLoss[batch1]", L.CrossEntropyLoss(), _classes(1, 5))
_loss(
    "CrossEntropyLoss[unbatched]",
    L.CrossEntropyLoss(),
    lambda rng: [rng.standard_normal(4), np.array(2)],
)
_loss(
    "CrossEntropyLoss[NCd]",
    L.CrossEntropyLoss(),
    lambda rng: [rng.standard_normal((2, 3, 2)), rng.integers(0, 3, (2, 2))],
)
_loss("CrossEntropyLoss[smoothing]", L.CrossEntropyLoss(label_smoothing=0.2), _classes(4, 3))
_loss(
    "CrossEntropyLoss[probs,smoothing]",
    L.CrossEntropyLoss(label_smoothing=0.1),
    _probabilities(3, 4),
    (0,),
)
_loss(
    "CrossEntropyLoss[weight,smoothing]",
    L.CrossEntropyLoss(weight=np.array([0.2, 1.0, 3.0]), label_smoothing=0.3),
    _classes(5, 3),
)
_loss(
    "CrossEntropyLoss[ignore_index]",
    L.CrossEntropyLoss(ignore_index=1),
    lambda rng: [rng.standard_normal((4, 3)), np.array([0, 1, 2, 1])],
)
_loss(
    "CrossEntropyLoss[ignore,weight,none]",
    L.CrossEntropyLoss(weight=np.array([1.0, 2.0, 0.5]), ignore_index=0, reduction="none"),
    lambda rng: [rng.standard_normal((4, 3)), np.array([0, 1, 2, 1])],
)
_loss(
    "NLLLoss[weight,ignore]",
    lambda x, t: L.NLLLoss(weight=np.array([0.5, 2.0, 1.0]), ignore_index=2)(
        F.log_softmax(x, 1), t
    ),
    lambda rng: [rng.standard_normal((4, 3)), np.array([0, 2, 1, 1])],
)
_loss(
    "BCELoss[weight]",
    L.BCELoss(weight=np.array([0.5, 2.0])),
    lambda rng: [rng.uniform(0.1, 0.9, (3, 2)), rng.uniform(0, 1, (3, 2))],
)
_loss(
    "BCEWithLogitsLoss[pos_weight]",
    L.BCEWithLogitsLoss(pos_weight=np.array([3.0, 0.5])),
    lambda rng: [2 * rng.standard_normal((3, 2)), rng.uniform(0, 1, (3, 2))],
)
_loss(
    "BCEWithLogitsLoss[pos_weight,weight,none]",
    L.BCEWithLogitsLoss(
        weight=np.array([[2.0], [1.0], [0.5]]), pos_weight=np.array([2.0, 1.5]), reduction="none"
    ),
    lambda rng: [2 * rng.standard_normal((3, 2)), rng.uniform(0, 1, (3, 2))],
)

# The newer layers, activations and losses register from their own module.
import kobai.nn.layer_cases  # noqa: E402, F401
