"""PyTorch: the single-neuron loss grid of :mod:`kobai_grid`, vectorised the same way.

Config: ``threads``, ``timing``, ``data``.
"""

from __future__ import annotations

import torch

from bench.workloads import _common as C


def loss_grid_torch(
    x: torch.Tensor, t: torch.Tensor, ws: torch.Tensor, bs: torch.Tensor
) -> torch.Tensor:
    """``L[i, j] = mean_k (sigmoid(ws[i] x_k + bs[j]) - t_k)^2``, in row chunks."""
    out = torch.empty(len(ws), len(bs))
    for start in range(0, len(ws), C.GRID_CHUNK):
        w = ws[start : start + C.GRID_CHUNK]
        z = torch.outer(w, x)[:, None, :] + bs[None, :, None]
        torch.sigmoid_(z)
        z -= t
        z.square_()
        torch.mean(z, dim=2, out=out[start : start + len(w)])
    return out


def main() -> None:
    config = C.read_config()
    torch.set_num_threads(int(config["threads"]))
    xn, tn = C.load_neuron(config)
    x, t = torch.from_numpy(xn), torch.from_numpy(tn)
    ws = torch.linspace(-C.GRID_LIMIT, C.GRID_LIMIT, C.GRID)
    bs = torch.linspace(-C.GRID_LIMIT, C.GRID_LIMIT, C.GRID)
    result: dict[str, torch.Tensor] = {}

    def step() -> None:
        result["loss"] = loss_grid_torch(x, t, ws, bs)

    seconds = C.time_variants({"torch": step}, config["timing"])
    loss = result["loss"]
    flat = int(torch.argmin(loss))
    i, j = divmod(flat, loss.shape[1])
    C.emit(
        {"torch": {"grid_s": seconds["torch"]}},
        argmin_w=float(ws[i]),
        argmin_b=float(bs[j]),
        min_loss=float(loss[i, j]),
        torch=torch.__version__,
    )


if __name__ == "__main__":
    main()
