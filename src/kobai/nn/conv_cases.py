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
from kobai.nn._pad_ops import pad
from kobai.nn._pool_ops import avg_pool2d, max_pool2d
from kobai.nn._unpool_ops import max_unpool2d
from kobai.nn.cases import bound
from kobai.nn.conv import Conv2d, ConvTranspose2d
from kobai.nn.pooling import AvgPool2d, MaxPool2d, MaxUnpool2d

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

# -- padding modes and unpooling --------------------------------------------------------------
_layer("pad[reflect]", lambda x: pad(x, (2, 1, 1, 3), mode="reflect"), normal((2, 1, 4, 5)))
_layer("pad[replicate]", lambda x: pad(x, (3, 0, 1, 2), mode="replicate"), normal((1, 2, 3, 4)))
_layer("pad[circular]", lambda x: pad(x, (4, 1, 3, 2), mode="circular"), normal((1, 1, 3, 4)))
_layer("pad[constant-crop]", lambda x: pad(x, (-1, 2, 1, 0), value=0.5), normal((2, 3, 4)))
_layer(
    "Conv2d[padding_mode=reflect]",
    bound(Conv2d(2, 3, 3, padding=(1, 2), padding_mode="reflect"), "weight", "bias"),
    normal((2, 2, 4, 5), (3, 2, 3, 3), (3,)),
)
_layer(
    "Conv2d[padding_mode=circular-same]",
    bound(Conv2d(1, 2, (2, 3), padding="same", padding_mode="circular"), "weight"),
    normal((2, 1, 4, 4), (2, 1, 2, 3)),
)
_layer(
    "Conv2d[padding_mode=replicate-stride2]",
    bound(Conv2d(2, 2, 3, stride=2, padding=2, padding_mode="replicate"), "weight", "bias"),
    normal((1, 2, 5, 4), (2, 2, 3, 3), (2,)),
)
# Indices of real poolings as constants of the cases; windows that do not overlap, so that no
# two inputs share an output (where they do, only one value is kept, as in PyTorch, and finite
# differences see only that one).
_UNPOOL = max_pool2d(np.arange(48.0).reshape(1, 3, 4, 4) % 7, 2, return_indices=True)[1].data
_PADDED = max_pool2d(
    np.arange(70.0).reshape(1, 2, 7, 5) % 11, 3, stride=3, padding=1, return_indices=True
)[1].data
_layer("max_unpool2d[k2]", lambda x: max_unpool2d(x, _UNPOOL, 2), normal((1, 3, 2, 2)))
_layer(
    "max_unpool2d[padding-output_size]",
    lambda x: max_unpool2d(x, _PADDED, 3, stride=3, padding=1, output_size=(7, 5)),
    normal((1, 2, 3, 2)),
)
_layer("MaxUnpool2d[k2]", lambda x: MaxUnpool2d(2)(x, _UNPOOL[0]), normal((3, 2, 2)))
