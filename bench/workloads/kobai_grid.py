"""kobai: the loss of a single neuron over a 201x201 grid of (w, b) (source document 000).

The neuron ``y = sigmoid(w x + b)`` on 1,000 points; the loss is the mean squared error
``L(w, b) = mean_i (y_i - t_i)^2`` at each of the 40,401 grid points, w and b in [-5, 5].
The library's :func:`kobai.landscape.neuron.loss_grid` is timed when it exists; otherwise the
vectorised NumPy formulation below (:func:`loss_grid_numpy`). Config: ``timing``, ``data``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bench.workloads import _common as C
from bench.workloads._kobai import setup


def loss_grid_numpy(x: np.ndarray, t: np.ndarray, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
    """``L[i, j] = mean_k (sigmoid(ws[i] x_k + bs[j]) - t_k)^2``, float32, in row chunks."""
    out = np.empty((len(ws), len(bs)), dtype=np.float32)
    buf = np.empty((C.GRID_CHUNK, len(bs), len(x)), dtype=np.float32)
    neg_b = -bs.astype(np.float32)[:, None]
    with np.errstate(over="ignore"):
        for start in range(0, len(ws), C.GRID_CHUNK):
            w = ws[start : start + C.GRID_CHUNK].astype(np.float32)
            z = buf[: len(w)]
            # exp(-(w x + b)) built directly, then sigmoid = 1 / (1 + exp(-z)) in place.
            np.add(np.multiply.outer(-w, x)[:, None, :], neg_b, out=z)
            np.exp(z, out=z)
            z += 1
            np.reciprocal(z, out=z)
            z -= t
            np.square(z, out=z)
            np.mean(z, axis=2, out=out[start : start + len(w)])
    return out


def library_function() -> Callable[..., Any] | None:
    try:
        from kobai.landscape.neuron import loss_grid
    except ImportError:
        return None
    return loss_grid


def main() -> None:
    config = C.read_config()
    setup()
    x, t = C.load_neuron(config)
    ws = np.linspace(-C.GRID_LIMIT, C.GRID_LIMIT, C.GRID, dtype=np.float32)
    bs = np.linspace(-C.GRID_LIMIT, C.GRID_LIMIT, C.GRID, dtype=np.float32)
    result: dict[str, np.ndarray] = {}
    library = library_function()

    def step() -> None:
        if library is not None:
            # The library lays the grid out as numpy.meshgrid does: rows along b.
            result["loss"] = library(x, t, ws, bs).T
        else:
            result["loss"] = loss_grid_numpy(x, t, ws, bs)

    seconds = C.time_variants({"kobai": step}, config["timing"])
    loss = result["loss"]
    i, j = np.unravel_index(np.argmin(loss), loss.shape)
    C.emit(
        {"kobai": {"grid_s": seconds["kobai"]}},
        implementation=(
            "kobai.landscape.neuron.loss_grid" if library else "bench NumPy formulation"
        ),
        argmin_w=float(ws[i]),
        argmin_b=float(bs[j]),
        min_loss=float(loss[i, j]),
    )


if __name__ == "__main__":
    main()
