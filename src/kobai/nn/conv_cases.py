"""Gradient-check cases of convolution and pooling (float64, run by ``kobai gradcheck``).

Odd sizes, stride 2, padding, dilation, groups and ``ceil_mode`` are all covered, through the
functions (input, weight and bias are checked) and through the modules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kobai.autograd.registry import GradCase, normal, register
from kobai.nn._conv_ops import conv2d, conv_transpose2d
from kobai.nn._pool_ops import avg_pool2d, max_pool2d
from kobai.nn.cases import bound
from kobai.nn.conv import Conv2d, ConvTranspose2d
from kobai.nn.pooling import AvgPool2d, MaxPool2d

Maker = Callable[[np.random.Generator], Sequence[Any]]
CASES: list[GradCase] = []


def _layer(name: str, fn: Callable[..., Any], make: Maker) -> None:
    CASES.append(register(GradCase(name, fn, make, kind="layer")))


def _distinct(shape: tuple[int, ...]) -> Maker:
    """Values at least 0.1 apart: no window maximum changes within a finite-difference step."""

    def make(rng: np.random.Generator) -> list[np.ndarray]:
        n = int(np.prod(shape))
        return [(rng.permutation(n) * 0.1 - n * 0.05).reshape(shape)]

    return make


# -- convolution ------------------------------------------------------------------------------
_layer(
    "conv2d[stride2-pad1-odd]",
    lambda x, w, b: conv2d(x, w, b, stride=2, padding=1),
    normal((2, 3, 7, 5), (4, 3, 3, 3), (4,)),
)
_layer(
    "conv2d[dilation-asymmetric]",
    lambda x, w, b: conv2d(x, w, b, stride=(1, 2), padding=(2, 0), dilation=(2, 1)),
    normal((1, 2, 6, 7), (3, 2, 3, 2), (3,)),
)
_layer(
    "conv2d[groups2]",
    lambda x, w, b: conv2d(x, w, b, padding=1, groups=2),
    normal((2, 4, 5, 4), (6, 2, 3, 3), (6,)),
)
_layer(
    "conv2d[depthwise-stride2]",
    lambda x, w: conv2d(x, w, stride=2, groups=3),
    normal((2, 3, 5, 6), (3, 1, 3, 3)),
)
_layer(
    "conv2d[same-even-kernel]",
    lambda x, w, b: conv2d(x, w, b, padding="same"),
    normal((1, 2, 5, 4), (2, 2, 2, 4), (2,)),
)
_layer(
    "conv2d[unbatched]",
    lambda x, w, b: conv2d(x, w, b, stride=2),
    normal((2, 5, 5), (3, 2, 2, 2), (3,)),
)
_layer(
    "conv_transpose2d[stride2-pad1-outpad1]",
    lambda x, w, b: conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
    normal((2, 3, 3, 4), (3, 2, 3, 3), (2,)),
)
_layer(
    "conv_transpose2d[groups-dilation]",
    lambda x, w, b: conv_transpose2d(
        x, w, b, stride=(1, 2), padding=(1, 0), output_padding=(0, 1), groups=2, dilation=2
    ),
    normal((1, 4, 4, 3), (4, 2, 2, 3), (4,)),
)
_layer(
    "conv_transpose2d[unbatched-odd]",
    lambda x, w: conv_transpose2d(x, w, stride=3, padding=2),
    normal((2, 3, 2), (2, 3, 3, 2)),
)
_layer(
    "Conv2d[stride2-pad1]",
    bound(Conv2d(2, 3, 3, stride=2, padding=1, rng=0), "weight", "bias"),
    normal((2, 2, 5, 6), (3, 2, 3, 3), (3,)),
)
_layer(
    "ConvTranspose2d[stride2-outpad1]",
    bound(ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1, rng=0), "weight", "bias"),
    normal((2, 3, 3, 2), (3, 2, 3, 3), (2,)),
)

# -- pooling ----------------------------------------------------------------------------------
_layer("max_pool2d[k2]", lambda x: max_pool2d(x, 2), _distinct((2, 2, 5, 4)))
_layer(
    "max_pool2d[k3-s2-p1-ceil]",
    lambda x: max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
    _distinct((2, 2, 7, 6)),
)
_layer(
    "max_pool2d[dilation-overlap]",
    lambda x: max_pool2d(x, (3, 2), stride=1, padding=(1, 0), dilation=(2, 1)),
    _distinct((1, 2, 6, 5)),
)
_layer("MaxPool2d[unbatched]", MaxPool2d(2, stride=1), _distinct((2, 3, 4)))
_layer("avg_pool2d[k2]", lambda x: avg_pool2d(x, 2), normal((2, 2, 5, 4)))
_layer(
    "avg_pool2d[k3-s2-p1-ceil]",
    lambda x: avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
    normal((2, 2, 6, 7)),
)
_layer(
    "avg_pool2d[exclude-pad-ceil]",
    lambda x: avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    normal((1, 2, 6, 5)),
)
_layer(
    "avg_pool2d[divisor-override]",
    lambda x: avg_pool2d(x, (2, 3), stride=(1, 2), padding=(1, 1), divisor_override=4),
    normal((1, 2, 4, 5)),
)
_layer("AvgPool2d[unbatched]", AvgPool2d(3, stride=2, padding=1), normal((2, 5, 5)))
