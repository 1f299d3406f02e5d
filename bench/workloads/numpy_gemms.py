"""NumPy alone: the eight matrix products of one MLP training step (batch 128).

Forward ``x W^T`` for the three layers, and backward ``g^T x`` (weights) for all three and
``g W`` (inputs) for the upper two, in the form kobai's Linear computes them: the part of a
training step that only the BLAS library decides. Config: ``timing``.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common as C
from bench.workloads.numpy_mlp import product


def main() -> None:
    config = C.read_config()
    rng = np.random.default_rng(0)
    sizes, batch = C.MLP_SIZES, C.MLP_BATCH
    weights = [
        rng.random((o, i), dtype=np.float32) for i, o in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    acts = [rng.random((batch, n), dtype=np.float32) for n in sizes]

    def step() -> None:
        for k, w in enumerate(weights):
            product(acts[k], w.T)
        for k, w in enumerate(weights):
            acts[k + 1].T @ acts[k]
            if k > 0:
                product(acts[k + 1], w)

    seconds = C.time_variants({"kobai": step}, config["timing"])
    C.emit({"kobai": {"gemm_ms": seconds["kobai"] * 1e3}})


if __name__ == "__main__":
    main()
