"""Permutation symmetry of hidden units: how to permute a network, and how many copies of a
minimum it makes (source document 002, section 1.2).

Swapping two hidden units of a layer, together with their incoming weights and bias and their
outgoing weights, changes the parameters but not the function the network computes.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn
from kobai.autograd import Tensor, no_grad
from kobai.models import MLP
from kobai.train import evaluate


def pair_swap_count(sizes: Sequence[int]) -> int:
    """Source 002's count :math:`\\prod_l \\binom{d_l}{2}`: one swap of two units in every
    hidden layer at once.

    >>> pair_swap_count([4, 3])
    18
    """
    return math.prod(math.comb(int(d), 2) for d in _sizes(sizes))


def permutation_count(sizes: Sequence[int]) -> int:
    """All reorderings of the units of every hidden layer: :math:`\\prod_l d_l!` (the
    identity included), the number of equivalent parameter vectors of a network whose units
    are all different.

    >>> permutation_count([4, 3])
    144
    """
    return math.prod(math.factorial(int(d)) for d in _sizes(sizes))


def sign_flip_count(sizes: Sequence[int]) -> int:
    """With an odd activation such as tanh, flipping the signs of a unit's incoming and
    outgoing weights changes nothing either: :math:`\\prod_l 2^{d_l} d_l!` copies."""
    return permutation_count(sizes) * 2 ** sum(_sizes(sizes))


def _sizes(sizes: Sequence[int]) -> list[int]:
    out = [int(d) for d in sizes]
    if any(d < 1 for d in out):
        raise ValueError(f"layer sizes must be positive, got {list(sizes)}")
    return out


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The Linear layers of a model, from input to output."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def hidden_sizes(model: nn.Module) -> list[int]:
    """Units of each hidden layer (the outputs of every Linear layer but the last)."""
    return [layer.out_features for layer in linear_layers(model)[:-1]]


def permute_hidden_units(
    model: nn.Module, permutations: Sequence[np.ndarray], *, signs: Sequence[np.ndarray] = ()
) -> nn.Module:
    """A copy of a plain MLP with the units of each hidden layer reordered (and sign-flipped).

    Unit ``i`` of the new hidden layer ``l`` is unit ``permutations[l][i]`` of the old one: the
    rows of ``W_l`` and ``b_l`` and the columns of ``W_{l+1}`` move together, so the network
    computes the same function.

    Parameters
    ----------
    model : Module
        Linear layers with element-wise activations between them (``kobai.models.MLP``
        without batch normalisation); other layers with parameters are refused.
    permutations : sequence of int arrays
        One permutation of ``range(d_l)`` per hidden layer.
    signs : sequence of arrays of +1/-1, optional
        Sign of each unit after reordering (only an odd activation such as tanh keeps the
        function unchanged under a flip).

    Returns
    -------
    Module
        A new model; ``model`` is left as it was.
    """
    layers = linear_layers(model)
    owned = {id(p) for layer in layers for p in layer.parameters()}
    if any(id(p) not in owned for p in model.parameters()):
        raise ValueError("permute_hidden_units needs a network of Linear layers and activations")
    if len(permutations) != len(layers) - 1:
        raise ValueError(
            f"need one permutation per hidden layer ({len(layers) - 1}), got {len(permutations)}"
        )
    result = copy.deepcopy(model)
    new_layers = linear_layers(result)
    for l, order in enumerate(permutations):
        order = np.asarray(order)
        if sorted(order.tolist()) != list(range(new_layers[l].out_features)):
            raise ValueError(f"permutation {l} is not a permutation of range({len(order)})")
        sign = np.asarray(signs[l], dtype=new_layers[l].weight.data.dtype) if signs else 1
        inner, outer = new_layers[l], new_layers[l + 1]
        inner.weight.data[...] = inner.weight.data[order] * np.reshape(sign, (-1, 1))
        if inner.bias is not None:
            inner.bias.data[...] = inner.bias.data[order] * sign
        outer.weight.data[...] = outer.weight.data[:, order] * np.reshape(sign, (1, -1))
    return result


def flat_parameters(model: nn.Module) -> np.ndarray:
    """Every parameter of the model in one float64 vector."""
    return np.concatenate([p.data.ravel() for p in model.parameters()]).astype(np.float64)


def set_flat_parameters(model: nn.Module, vector: np.ndarray) -> None:
    """Load a vector made by :func:`flat_parameters` back into the model."""
    offset = 0
    for p in model.parameters():
        p.data[...] = vector[offset : offset + p.data.size].reshape(p.data.shape)
        offset += p.data.size


def outputs(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """The model's outputs for ``x``, without a graph."""
    with no_grad():
        return model(Tensor(x)).data


def loss_between(
    model: nn.Module, other: nn.Module, data: tuple[np.ndarray, Any], ts: np.ndarray
) -> np.ndarray:
    """The loss at :math:`(1 - t)\\,\\theta + t\\,\\theta'` for each ``t``: along the straight
    line from one network's parameters to the other's."""
    a, b = flat_parameters(model), flat_parameters(other)
    probe = copy.deepcopy(model)
    values = []
    for t in ts:
        set_flat_parameters(probe, (1 - t) * a + t * b)
        values.append(evaluate(probe, data, nn.CrossEntropyLoss())["loss"])
    return np.asarray(values)


def brute_force_copies(sizes: Sequence[int], *, rng: np.random.Generator) -> dict[str, int]:
    """Apply every permutation of every hidden layer of a small random network: how many give
    the same outputs, how many distinct parameter vectors they make, and how many of them
    swap exactly one pair in every layer."""
    model = MLP(3, list(sizes), 2, activation="tanh", rng=rng, dtype=np.float64)
    x = rng.standard_normal((16, 3))
    reference = outputs(model, x)
    same, vectors, single_swaps = 0, set(), 0
    for combo in itertools.product(*(itertools.permutations(range(d)) for d in sizes)):
        orders = [np.array(c) for c in combo]
        copy_ = permute_hidden_units(model, orders)
        same += bool(np.allclose(outputs(copy_, x), reference, rtol=0, atol=1e-12))
        vectors.add(flat_parameters(copy_).tobytes())
        single_swaps += all(int(np.sum(o != np.arange(len(o)))) == 2 for o in orders)
    return {"same_output": same, "distinct": len(vectors), "single_swaps": single_swaps}
