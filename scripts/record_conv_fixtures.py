"""Record PyTorch reference values for kobai's convolution and pooling tests.

Writes tests/fixtures/nn/conv_reference.npz. Run with the separate PyTorch environment
(never kobai's own):

    /work/torchenv/bin/python scripts/record_conv_fixtures.py

Every input, weight and output weighting is drawn with NumPy from a fixed seed and stored
next to PyTorch's output and gradients (float64), so the tests need only NumPy. Each case
differentiates ``sum(out * r)`` with a random ``r``, so that every gradient entry matters. The
function's name and its keyword arguments (JSON) are stored with each case.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "nn" / "conv_reference.npz"

# name -> (function, input shapes (the first is the input), keyword arguments)
CASES = {
    "conv2d_stride2_pad1": (
        F.conv2d,
        [(2, 3, 7, 6), (4, 3, 3, 3), (4,)],
        {"stride": 2, "padding": 1},
    ),
    "conv2d_groups_dilation": (
        F.conv2d,
        [(2, 4, 9, 8), (6, 2, 3, 2), (6,)],
        {"stride": (2, 1), "padding": (2, 1), "dilation": (2, 3), "groups": 2},
    ),
    "conv2d_same": (F.conv2d, [(1, 2, 6, 5), (3, 2, 4, 3), (3,)], {"padding": "same"}),
    "conv_transpose2d_stride2": (
        F.conv_transpose2d,
        [(2, 4, 4, 3), (4, 3, 3, 3), (3,)],
        {"stride": 2, "padding": 1, "output_padding": 1},
    ),
    "conv_transpose2d_groups_dilation": (
        F.conv_transpose2d,
        [(1, 4, 3, 4), (4, 2, 3, 2), (4,)],
        {"stride": (3, 2), "padding": (2, 1), "output_padding": (1, 0), "groups": 2, "dilation": 2},
    ),
    "max_pool2d_k3s2p1_ceil": (
        F.max_pool2d,
        [(2, 3, 8, 7)],
        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    ),
    "max_pool2d_dilation": (
        F.max_pool2d,
        [(1, 2, 9, 8)],
        {"kernel_size": (3, 2), "stride": (2, 1), "padding": 1, "dilation": (2, 1)},
    ),
    "avg_pool2d_exclude_pad_ceil": (
        F.avg_pool2d,
        [(2, 2, 7, 8)],
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    "avg_pool2d_include_pad_ceil": (
        F.avg_pool2d,
        [(1, 3, 6, 7)],
        {"kernel_size": (2, 3), "stride": (2, 2), "padding": (1, 1), "ceil_mode": True},
    ),
}


def record(name: str, rng: np.random.Generator, out: dict[str, np.ndarray]) -> None:
    fn, shapes, kwargs = CASES[name]
    arrays = [rng.standard_normal(shape) for shape in shapes]
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    y = fn(*tensors, **kwargs)
    r = rng.standard_normal(tuple(y.shape))
    (y * torch.tensor(r)).sum().backward()
    out[f"{name}/function"] = np.array(fn.__name__)
    out[f"{name}/kwargs"] = np.array(json.dumps(kwargs))
    out[f"{name}/r"] = r
    out[f"{name}/out"] = y.detach().numpy()
    for i, (a, t) in enumerate(zip(arrays, tensors, strict=True)):
        out[f"{name}/arg{i}"] = a
        out[f"{name}/grad{i}"] = t.grad.numpy()


def main() -> None:
    rng = np.random.default_rng(20260523)
    out: dict[str, np.ndarray] = {}
    for name in CASES:
        record(name, rng, out)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
