"""PyTorch: the scaling sweep of :mod:`kobai_scaling` (MLP 784-width-width-10, Adam).

Adam with ``fused=True``, PyTorch's fastest setting on the MLP workloads. Config:
``threads``, ``timing``, ``data``.
"""

from __future__ import annotations

import torch

from bench.workloads import _common as C
from bench.workloads._torch import setup_training
from bench.workloads.torch_mlp import make_optimizer, mlp, take


def main() -> None:
    config = C.read_config()
    setup_training(config)
    xn, yn = C.load_mnist(config)
    x, y = torch.from_numpy(xn), torch.from_numpy(yn)
    results: dict[str, float] = {}
    for width, batch in C.scaling_cells(config):
        torch.manual_seed(0)
        model = mlp((784, width, width, 10))
        opt = make_optimizer("adam", model.parameters(), {"fused": True})
        next_batch = C.gathered_batches(x, y, batch, take=take)
        losses: list[float] = []
        step = C.training_step(model, opt, torch.nn.CrossEntropyLoss(), next_batch, losses)
        results[C.cell_key(width, batch)] = 1.0 / C.time_cell(step, config["timing"])
    C.emit({"torch": results}, torch=torch.__version__)


if __name__ == "__main__":
    main()
