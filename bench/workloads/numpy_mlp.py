"""NumPy alone: the MLP's SGD training step written out by hand, the floor for kobai.

The same network, data, batches and update as :mod:`kobai_mlp` with SGD (lr 0.1), as a
hand-written NumPy program: the matrix products in the same form kobai's Linear uses, the
element-wise work in place, no graph. What kobai adds on top of this is its own overhead;
what separates this from PyTorch is NumPy (and its BLAS). Config: ``timing``, ``data``.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common as C


def init(rng: np.random.Generator, fan_out: int, fan_in: int) -> tuple[np.ndarray, np.ndarray]:
    bound = 1.0 / np.sqrt(fan_in)
    w = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
    return w, rng.uniform(-bound, bound, fan_out).astype(np.float32)


def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b``, computed transposed when the batch is the smaller side (as kobai does)."""
    return np.matmul(b.T, a.T).T if a.shape[0] < b.shape[1] else np.matmul(a, b)


def main() -> None:
    config = C.read_config()
    x, y = C.load_mnist(config)
    next_batch = C.batches(x, y, C.MLP_BATCH)
    rng = np.random.default_rng(0)
    sizes = C.MLP_SIZES
    layers = [init(rng, o, i) for i, o in zip(sizes[:-1], sizes[1:], strict=True)]
    lr = np.float32(0.1)
    losses: list[float] = []

    def step() -> None:
        xb, yb = next_batch()
        acts = [xb]
        for k, (w, b) in enumerate(layers):
            h = product(acts[-1], w.T)
            h += b
            if k < len(layers) - 1:
                np.maximum(h, 0, out=h)
            acts.append(h)
        z = acts[-1]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        total = z.sum(axis=1, keepdims=True)
        rows = np.arange(len(yb))
        losses.append(float(np.mean(np.log(total[:, 0]) - np.log(z[rows, yb]))))
        z /= total
        z[rows, yb] -= 1
        g = z / np.float32(len(yb))
        for k in range(len(layers) - 1, -1, -1):
            w, b = layers[k]
            gw = g.T @ acts[k]
            gb = g.sum(axis=0)
            if k > 0:
                g = product(g, w)
                g *= acts[k] > 0
            gw *= lr
            w -= gw
            gb *= lr
            b -= gb

    seconds = C.time_variants({"kobai": step}, config["timing"])
    C.emit_training(seconds, losses, key=C.steps_key(config))


if __name__ == "__main__":
    main()
