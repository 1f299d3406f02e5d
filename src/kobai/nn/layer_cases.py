"""Gradient-check cases of the normalisation, embedding and newer activation and loss layers
of kobai.nn (float64; loaded with :mod:`kobai.nn.cases`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd.registry import GradCase, normal, register
from kobai.nn.cases import Maker, bound
from kobai.nn.embedding import Embedding
from kobai.nn.normalization import GroupNorm, LayerNorm


def _layer(name: str, fn: Callable[..., Any], make: Maker) -> None:
    register(GradCase(name, fn, make, kind="layer"))


def _loss(
    name: str, fn: Callable[..., Any], make: Maker, wrt: tuple[int, ...] | None = None
) -> None:
    register(GradCase(name, fn, make, kind="loss", wrt=wrt))


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
