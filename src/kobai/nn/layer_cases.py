"""Gradient-check cases of the normalisation, embedding and newer activation and loss layers
of kobai.nn (float64; loaded with :mod:`kobai.nn.cases`)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd.registry import GradCase, normal, register
from kobai.nn.cases import Maker, _away_from_zero, bound
from kobai.nn.composed_activation import SELU, Hardtanh, LogSigmoid, Mish, ReLU6, SiLU, Softsign
from kobai.nn.embedding import Embedding
from kobai.nn.loss import KLDivLoss, SmoothL1Loss
from kobai.nn.normalization import GroupNorm, LayerNorm


def _layer(name: str, fn: Callable[..., Any], make: Maker) -> None:
    register(GradCase(name, fn, make, kind="layer"))


def _loss(
    name: str, fn: Callable[..., Any], make: Maker, wrt: tuple[int, ...] | None = None
) -> None:
    register(GradCase(name, fn, make, kind="loss", wrt=wrt))


def _away_from(shape: tuple[int, ...], *kinks: float, scale: float) -> Maker:
    """Normal draws (times ``scale``) at least 0.1 away from each kink."""

    def make(rng: np.random.Generator) -> list[np.ndarray]:
        x = scale * rng.standard_normal(shape)
        for kink in kinks:
            near = np.abs(x - kink) < 0.1
            x = np.where(near, kink + np.where(x >= kink, 0.1, -0.1), x)
        return [x]

    return make


def _quiet(loss: Any, x: Any, t: Any) -> Any:
    """The loss without PyTorch's warning about KLDivLoss's "mean" (raised at every call)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return loss(x, t)


# -- normalisation ----------------------------------------------------------------------------
_layer("LayerNorm[last]", bound(LayerNorm(4), "weight", "bias"), normal((3, 4), (4,), (4,)))
_layer(
    "LayerNorm[two-axes]",
    bound(LayerNorm((2, 3)), "weight", "bias"),
    normal((2, 4, 2, 3), (2, 3), (2, 3)),
)
_layer("LayerNorm[plain]", LayerNorm(5, elementwise_affine=False).double(), normal((2, 5)))
_layer(
    "GroupNorm[2-groups]",
    bound(GroupNorm(2, 4), "weight", "bias"),
    normal((2, 4, 3, 2), (4,), (4,)),
)
_layer("GroupNorm[instance-NCL]", bound(GroupNorm(3, 3), "weight"), normal((2, 3, 4), (3,)))
_layer("GroupNorm[one-group]", GroupNorm(1, 2, affine=False).double(), normal((3, 2, 3)))

# -- embedding: the gradient of the table, repeated and padding indices included --------------
_INDICES = np.array([[0, 2, 2], [4, 1, 0]])
_TABLE = bound(Embedding(5, 3, rng=0), "weight")
_PADDED = bound(Embedding(5, 3, padding_idx=2, rng=0), "weight")
_layer("Embedding[repeats]", lambda w: _TABLE(_INDICES, w), normal((5, 3)))
# The padding row gets no gradient although the output reads it (as in PyTorch): the case
# holds that row at 0, so that finite differences see no dependence on it either.
_NOT_ROW_2 = (np.arange(5) != 2)[:, None].astype(np.float64)
_layer("Embedding[padding_idx]", lambda w: _PADDED(_INDICES, w * _NOT_ROW_2), normal((5, 3)))

# -- activations made of ops ------------------------------------------------------------------
_layer("SiLU", SiLU(), normal((3, 4), scale=2.0))
_layer("Mish", Mish(), normal((3, 4), scale=2.0))
_layer("SELU", SELU(), _away_from_zero((3, 4)))
_layer("Hardtanh[-1,1]", Hardtanh(), _away_from((3, 4), -1.0, 1.0, scale=1.5))
_layer("Hardtanh[-0.5,2]", Hardtanh(-0.5, 2.0), _away_from((3, 4), -0.5, 2.0, scale=2.0))
_layer("ReLU6", ReLU6(), _away_from((3, 4), 0.0, 6.0, scale=4.0))
_layer("LogSigmoid", LogSigmoid(), normal((3, 4), scale=3.0))
_layer("Softsign", Softsign(), _away_from_zero((3, 4)))


# -- smooth L1 and Kullback-Leibler losses ----------------------------------------------------
def _log_probs_and_probs(rng: np.random.Generator) -> list[np.ndarray]:
    p = rng.uniform(0.1, 1.0, (3, 4))
    return [np.log(rng.dirichlet(np.ones(4), 3)), p / p.sum(axis=1, keepdims=True)]


for reduction in ("mean", "sum", "none"):
    _loss(
        f"SmoothL1Loss[{reduction}]",
        SmoothL1Loss(reduction=reduction, beta=0.8),
        lambda rng: [rng.standard_normal((3, 2)), rng.uniform(-0.1, 0.1, (3, 2)) + 0.35],
    )
    _loss(
        f"KLDivLoss[{reduction}]",
        lambda x, t, r=reduction: _quiet(KLDivLoss(reduction=r), x, t),
        _log_probs_and_probs,
    )
_loss("SmoothL1Loss[beta=0]", SmoothL1Loss(beta=0.0), _away_from_zero((4,), (4,)))
_loss("KLDivLoss[batchmean]", KLDivLoss(reduction="batchmean"), _log_probs_and_probs)
_loss(
    "KLDivLoss[log_target,batchmean]",
    KLDivLoss(reduction="batchmean", log_target=True),
    normal((2, 3), (2, 3)),
)
