"""PyTorch: the eight matrix products of one MLP training step (batch 128), as
:mod:`numpy_gemms` (``torch.mm`` through MKL). Config: ``threads``, ``timing``.
"""

from __future__ import annotations

import torch

from bench.workloads import _common as C


def main() -> None:
    config = C.read_config()
    torch.set_num_threads(int(config["threads"]))
    generator = torch.Generator().manual_seed(0)
    sizes, batch = C.MLP_SIZES, C.MLP_BATCH
    weights = [
        torch.rand(o, i, generator=generator) for i, o in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    acts = [torch.rand(batch, n, generator=generator) for n in sizes]

    def step() -> None:
        for k, w in enumerate(weights):
            acts[k] @ w.T
        for k, w in enumerate(weights):
            acts[k + 1].T @ acts[k]
            if k > 0:
                acts[k + 1] @ w

    seconds = C.time_variants({"torch": step}, config["timing"])
    C.emit({"torch": {"gemm_ms": seconds["torch"] * 1e3}}, torch=torch.__version__)


if __name__ == "__main__":
    main()
