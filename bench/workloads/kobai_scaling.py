"""kobai: training steps/s of an MLP 784-width-width-10 (Adam) over widths and batch sizes.

Each cell of the grid (:data:`~bench.workloads._common.SCALING_WIDTHS` x
:data:`~bench.workloads._common.SCALING_BATCHES`) is a fresh model and optimizer trained on
the bundled MNIST subset, batches gathered as ``x[idx]``, timed for about 0.15 s of
consecutive steps (wall time). Config: ``timing``, ``data``.
"""

from __future__ import annotations

import kobai as kb
from bench.workloads import _common as C
from bench.workloads._kobai import setup
from bench.workloads.kobai_mlp import make_optimizer, mlp
from kobai import nn


def main() -> None:
    config = C.read_config()
    setup()
    x, y = C.load_mnist(config)
    results: dict[str, float] = {}
    for width, batch in C.scaling_cells(config):
        model = mlp(sizes=(784, width, width, 10))
        opt = make_optimizer("adam", model.parameters())
        next_batch = C.gathered_batches(x, y, batch, take=lambda a, idx: a[idx])
        losses: list[float] = []
        step = C.training_step(model, opt, nn.CrossEntropyLoss(), next_batch, losses,
                               wrap=kb.Tensor)  # fmt: skip
        results[C.cell_key(width, batch)] = 1.0 / C.time_cell(step, config["timing"])
    C.emit({"kobai": results})


if __name__ == "__main__":
    main()
