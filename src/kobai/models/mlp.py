"""Multilayer perceptrons, built from a short spec such as ``"mlp:256,128"``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn
from kobai.backend import as_rng
from kobai.train.config import parse_spec as parse_spec  # the spec language of run configs
from kobai.validation import check_int


class MLP(nn.Sequential):
    """A fully connected network: ``Linear -> [BatchNorm1d] -> activation -> [Dropout]`` per
    hidden layer, then a final ``Linear``.

    Parameters
    ----------
    in_features : int
        Size of each input row (inputs of shape (N, ...) are flattened to (N, in_features)).
    hidden : sequence of int
        Hidden layer sizes; empty for a single linear layer (logistic/linear regression).
    out_features : int
        Size of the output (classes for a classifier: the outputs are logits).
    activation : str, default "relu"
        Any name of :func:`kobai.nn.activation.get`.
    init : str, default "default"
        Weight initialiser by name (:func:`kobai.nn.init.get`): ``"default"`` keeps PyTorch's
        default initialisation; any other name re-initialises every weight and zeroes biases.
    batchnorm : bool, default False
        Insert ``BatchNorm1d`` after every hidden ``Linear``.
    dropout : float, default 0
        Dropout probability after every hidden activation.
    rng : Generator or int, optional
        Draws the initial weights (and drives dropout): same seed, same network.
    dtype : dtype, default float32

    Examples
    --------
    >>> model = MLP(784, [256, 128], 10, rng=0)
    >>> sum(p.numel() for p in model.parameters())
    235146
    """

    def __init__(
        self,
        in_features: int,
        hidden: Sequence[int],
        out_features: int,
        *,
        activation: str = "relu",
        init: str = "default",
        batchnorm: bool = False,
        dropout: float = 0.0,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float32,
    ) -> None:
        generator = as_rng(rng)
        sizes = [_positive("in_features", in_features)]
        sizes += [_positive("hidden size", h) for h in hidden]
        sizes.append(_positive("out_features", out_features))
        layers: list[nn.Module] = [nn.Flatten()]
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(nn.Linear(fan_in, fan_out, rng=generator, dtype=dtype))
            if i == len(sizes) - 2:
                break
            if batchnorm:
                layers.append(nn.BatchNorm1d(fan_out, dtype=dtype))
            layers.append(nn.activation.get(activation))
            if dropout:
                layers.append(nn.Dropout(dropout, rng=generator))
        super().__init__(*layers)
        if init != "default":
            nn.init.initialize_(self, weight=init, bias="zeros", rng=generator)
        self.spec = {
            "in_features": int(in_features),
            "hidden": [int(h) for h in hidden],
            "out_features": int(out_features),
            "activation": activation,
            "init": init,
            "batchnorm": bool(batchnorm),
            "dropout": float(dropout),
        }


def _positive(name: str, value: Any) -> int:
    return check_int(name, value, low=1)
