"""kobai: inference throughput of the MLP 784-256-256-10 (batch 1024, no graph).

Config: ``timing``, ``data``.
"""

from __future__ import annotations

import kobai as kb
from bench.workloads import _common as C
from bench.workloads._kobai import setup
from bench.workloads.kobai_mlp import mlp


def main() -> None:
    config = C.read_config()
    setup()
    x, y = C.load_mnist(config)
    next_batch = C.batches(x, y, C.INFER_BATCH)
    model = mlp()
    model.eval()

    def step() -> None:
        xb, _ = next_batch()
        with kb.no_grad():
            model(kb.Tensor(xb))

    seconds = C.time_variants({"kobai": step}, config["timing"])
    C.emit({"kobai": {"samples_per_s": C.INFER_BATCH / seconds["kobai"]}})


if __name__ == "__main__":
    main()
