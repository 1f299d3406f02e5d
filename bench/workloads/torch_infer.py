"""PyTorch: inference throughput of the MLP 784-256-256-10 (batch 1024).

Timed under ``torch.no_grad()`` and under ``torch.inference_mode()``; the runner takes the
faster. Config: ``threads``, ``timing``, ``data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from bench.workloads import _common as C
from bench.workloads.torch_mlp import mlp

MODES: dict[str, Callable[[], Any]] = {
    "no_grad": torch.no_grad,
    "inference_mode": torch.inference_mode,
}


def main() -> None:
    config = C.read_config()
    torch.set_num_threads(int(config["threads"]))
    x, y = C.load_mnist(config)
    torch.manual_seed(0)
    model = mlp().eval()

    def runner(mode: Callable[[], Any]) -> Callable[[], None]:
        next_batch = C.batches(torch.from_numpy(x), torch.from_numpy(y), C.INFER_BATCH)

        def step() -> None:
            xb, _ = next_batch()
            with mode():
                model(xb)

        return step

    seconds = C.time_variants({n: runner(m) for n, m in MODES.items()}, config["timing"])
    C.emit(
        {name: {"samples_per_s": C.INFER_BATCH / s} for name, s in seconds.items()},
        torch=torch.__version__,
    )


if __name__ == "__main__":
    main()
