"""Record torch.autograd.functional's values for kobai.autograd.functional's tests.

Writes tests/fixtures/autograd/functional_reference.npz. Run with the separate PyTorch
environment (never kobai's own):

    /work/torchvenv/bin/python scripts/record_autograd_functional.py

Every input and direction is drawn with NumPy from a fixed seed and stored next to PyTorch's
jacobian, hessian, vjp, jvp and hvp (float64), so the tests need only NumPy. Keys are
``case/quantity`` with ``/i`` (and ``/i/j``) appended for tuple results; the test module
defines the same functions with kobai's ops.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.autograd import functional as AF

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "autograd"


def vector(x):
    return torch.tanh(x) * x.sum() + x**3


def pair(x, y):
    return x @ y, torch.sigmoid(x).sum(dim=0) * torch.exp(y)


def scalar(x):
    return torch.logsumexp(x, dim=0) + (x**4).mean()


def scalar_pair(x, y):
    return F.softplus(x @ y).sum() + (x**2).sum() * torch.tanh(y).sum()


def classifier(w, b):
    # A linear classifier's cross-entropy over fixed data: the Hessian over (w, b).
    rng = np.random.default_rng(7)
    data = torch.tensor(rng.standard_normal((5, 3)))
    targets = torch.tensor(rng.integers(0, 2, 5))
    return F.cross_entropy(F.linear(data, w, b), targets)


# name -> (function, input shapes, scalar output)
CASES = {
    "vector": (vector, [(3,)], False),
    "pair": (pair, [(2, 3), (3,)], False),
    "scalar": (scalar, [(4,)], True),
    "scalar_pair": (scalar_pair, [(2, 3), (3,)], True),
    "classifier": (classifier, [(2, 3), (2,)], True),
}


def _put(store: dict, key: str, value) -> None:
    if isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            _put(store, f"{key}/{i}", item)
    else:
        store[key] = value.detach().numpy()


def record() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    store: dict[str, np.ndarray] = {}
    for name, (fn, shapes, is_scalar) in CASES.items():
        xs = [rng.standard_normal(s) for s in shapes]
        inputs = tuple(torch.tensor(x) for x in xs)
        outputs = fn(*inputs)
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        v_in = tuple(torch.tensor(rng.standard_normal(x.shape)) for x in xs)
        v_out = tuple(torch.tensor(rng.standard_normal(tuple(o.shape))) for o in outs)
        for i, x in enumerate(xs):
            store[f"{name}/input/{i}"] = x
            store[f"{name}/v_in/{i}"] = v_in[i].numpy()
        for i, v in enumerate(v_out):
            store[f"{name}/v_out/{i}"] = v.numpy()
        _put(store, f"{name}/jacobian", AF.jacobian(fn, inputs))
        _put(store, f"{name}/vjp", AF.vjp(fn, inputs, v_out)[1])
        _put(store, f"{name}/jvp", AF.jvp(fn, inputs, v_in)[1])
        if is_scalar:
            _put(store, f"{name}/hessian", AF.hessian(fn, inputs))
            _put(store, f"{name}/hvp", AF.hvp(fn, inputs, v_in)[1])
    return store


def main() -> None:
    torch.set_default_dtype(torch.float64)
    store = record()
    OUT.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, torch_version=np.array(torch.__version__), **store)
    path = OUT / "functional_reference.npz"
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        f.write(buffer.getvalue())
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    print(f"wrote {len(store)} arrays to {path} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
