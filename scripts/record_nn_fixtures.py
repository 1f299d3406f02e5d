"""Record PyTorch reference values for kobai.nn's tests (tests/fixtures/nn/torch_reference.npz).

Run with the separate PyTorch environment (never kobai's own):

    /work/torchenv/bin/python scripts/record_nn_fixtures.py

Inputs are drawn with NumPy from a fixed seed and stored next to PyTorch's outputs and
gradients (float64), so the tests need only NumPy.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "nn" / "torch_reference.npz"


class Record(dict):
    """A dict that refuses to overwrite a key (an output must never replace an input)."""

    def __setitem__(self, key: str, value: object) -> None:
        if key in self:
            raise KeyError(f"{key!r} recorded twice")
        super().__setitem__(key, value)

    def update(self, *args: dict, **kwargs: object) -> None:  # type: ignore[override]
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


def t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def record_cross_entropy(rng: np.random.Generator, out: dict) -> None:
    logits = rng.standard_normal((5, 4)) * 2
    index = np.array([0, 3, 1, 1, 2])
    probs = rng.uniform(0.05, 1.0, (5, 4))
    probs /= probs.sum(axis=1, keepdims=True)
    weight = np.array([0.5, 2.0, 1.0, 0.25])
    out.update(ce_logits=logits, ce_index=index, ce_target_probs=probs, ce_weight=weight)
    settings = {
        "mean": {},
        "sum": {"reduction": "sum"},
        "none": {"reduction": "none"},
        "smooth": {"label_smoothing": 0.1},
        "weight_smooth": {"weight": t(weight), "label_smoothing": 0.2},
        "ignore": {"ignore_index": 1},
        "weight_ignore": {"weight": t(weight), "ignore_index": 3},
    }
    for name, kwargs in settings.items():
        x = t(logits, True)
        loss = F.cross_entropy(x, torch.tensor(index), **kwargs)
        loss.sum().backward()
        out[f"ce_{name}"], out[f"ce_{name}_grad"] = loss.detach().numpy(), x.grad.numpy()
    for name, kwargs in {
        "probs": {},
        "probs_smooth": {"label_smoothing": 0.15},
        "probs_weight_none": {"weight": t(weight), "reduction": "none"},
    }.items():
        x = t(logits, True)
        loss = F.cross_entropy(x, t(probs), **kwargs)
        loss.sum().backward()
        out[f"ce_{name}"], out[f"ce_{name}_grad"] = loss.detach().numpy(), x.grad.numpy()
    x = t(logits, True)
    loss = F.nll_loss(F.log_softmax(x, 1), torch.tensor(index), weight=t(weight))
    loss.backward()
    out["nll_weight"], out["nll_weight_grad"] = loss.detach().numpy(), x.grad.numpy()


def record_binary(rng: np.random.Generator, out: dict) -> None:
    p = np.array([[0.0, 0.3, 0.9], [1.0, 0.5, 1e-50], [0.2, 0.999, 0.6]])
    target = np.array([[0.0, 1.0, 1.0], [1.0, 0.2, 1.0], [0.0, 0.0, 0.7]])
    out.update(bce_p=p, bce_t=target)
    out["bce_none"] = F.binary_cross_entropy(t(p), t(target), reduction="none").numpy()
    inner = rng.uniform(0.05, 0.95, (3, 3))
    x = t(inner, True)
    weight = np.array([1.0, 2.0, 0.5])
    loss = F.binary_cross_entropy(x, t(target), weight=t(weight))
    loss.backward()
    out.update(bce_inner=inner, bce_weight=weight, bce_mean=loss.detach().numpy())
    out["bce_mean_grad"] = x.grad.numpy()
    logits = np.array([[-60.0, -2.0, 0.0], [0.5, 3.0, 60.0], [-1.5, 7.0, -0.25]])
    pos_weight = np.array([2.0, 0.5, 1.0])
    out.update(bcel_x=logits, bcel_pos_weight=pos_weight)
    for name, kwargs in {
        "mean": {},
        "none_pw": {"reduction": "none", "pos_weight": t(pos_weight)},
    }.items():
        x = t(logits, True)
        loss = F.binary_cross_entropy_with_logits(x, t(target), **kwargs)
        loss.sum().backward()
        out[f"bcel_{name}"], out[f"bcel_{name}_grad"] = loss.detach().numpy(), x.grad.numpy()


def record_regression(rng: np.random.Generator, out: dict) -> None:
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    out.update(reg_a=a, reg_b=b)
    for name, fn in {
        "mse": lambda x: F.mse_loss(x, t(b)),
        "l1_sum": lambda x: F.l1_loss(x, t(b), reduction="sum"),
        "huber": lambda x: F.huber_loss(x, t(b), delta=0.5, reduction="none"),
    }.items():
        x = t(a, True)
        loss = fn(x)
        loss.sum().backward()
        out[name], out[f"{name}_grad"] = loss.detach().numpy(), x.grad.numpy()


def record_activations(rng: np.random.Generator, out: dict) -> None:
    grid = np.linspace(-6, 6, 25)
    out["act_x"] = grid
    for name, fn in {
        "gelu": lambda x: F.gelu(x),
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "elu": lambda x: F.elu(x, alpha=0.7),
        "softplus": lambda x: F.softplus(x, beta=2.0, threshold=5.0),
    }.items():
        x = t(grid, True)
        y = fn(x)
        y.sum().backward()
        out[name], out[f"{name}_grad"] = y.detach().numpy(), x.grad.numpy()
    xp, wp = rng.standard_normal((3, 2, 4)), np.array([0.1, -0.3])
    x, w = t(xp, True), t(wp, True)
    upstream = rng.standard_normal((3, 2, 4))
    y = F.prelu(x, w)
    y.backward(t(upstream))
    out.update(prelu_x=xp, prelu_w=wp, prelu_up=upstream, prelu=y.detach().numpy())
    out.update(prelu_grad_x=x.grad.numpy(), prelu_grad_w=w.grad.numpy())


def record_batch_norm(rng: np.random.Generator, out: dict) -> None:
    for name, shape in {"bn1": (6, 3), "bn1l": (3, 3, 2), "bn2": (2, 3, 2, 2)}.items():
        layer = (torch.nn.BatchNorm2d(3) if len(shape) == 4 else torch.nn.BatchNorm1d(3)).double()
        gamma, beta = rng.uniform(0.5, 1.5, 3), rng.standard_normal(3)
        with torch.no_grad():
            layer.weight.copy_(t(gamma))
            layer.bias.copy_(t(beta))
        batches = [rng.standard_normal(shape) * 2 + 1 for _ in range(3)]
        for batch in batches[:-1]:
            layer(t(batch))
        x = t(batches[-1], True)
        upstream = rng.standard_normal(shape)
        y = layer(x)
        y.backward(t(upstream))
        test = rng.standard_normal(shape)
        layer.eval()
        out.update({
            f"{name}_gamma": gamma, f"{name}_beta": beta, f"{name}_batches": np.stack(batches),
            f"{name}_up": upstream, f"{name}_y": y.detach().numpy(),
            f"{name}_grad_x": x.grad.numpy(), f"{name}_grad_gamma": layer.weight.grad.numpy(),
            f"{name}_grad_beta": layer.bias.grad.numpy(),
            f"{name}_running_mean": layer.running_mean.numpy(),
            f"{name}_running_var": layer.running_var.numpy(),
            f"{name}_test": test, f"{name}_eval": layer(t(test)).detach().numpy(),
        })  # fmt: skip


def record_init(out: dict) -> None:
    torch.manual_seed(0)
    layer = torch.nn.Linear(784, 256)
    out["linear_weight_absmax"] = layer.weight.abs().max().detach().numpy()
    out["linear_weight_std"] = layer.weight.std().detach().numpy()
    out["linear_bias_absmax"] = layer.bias.abs().max().detach().numpy()
    names = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu", "conv2d"]
    out["gain_names"] = np.array(names)
    out["gains"] = np.array([torch.nn.init.calculate_gain(n) for n in names])
    out["gain_leaky_0.2"] = np.array(torch.nn.init.calculate_gain("leaky_relu", 0.2))
    conv = torch.empty(16, 8, 3, 5)
    fans = torch.nn.init._calculate_fan_in_and_fan_out(conv)
    out["conv_fans"] = np.array(fans)
    w = torch.empty(512, 300)
    torch.nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    out["kaiming_normal_fan_out_std"] = w.std().numpy()
    torch.nn.init.xavier_uniform_(w, gain=math.sqrt(2))
    out["xavier_uniform_absmax"] = w.abs().max().numpy()


def pack(arrays: dict) -> dict:
    """All numeric arrays in one float64 vector (one zip entry, not a hundred), plus the
    names, shapes and offsets that unpack them; tests/nn/reference.py reads it back."""
    names = sorted(k for k in arrays if np.asarray(arrays[k]).dtype.kind in "biuf")
    values = [np.asarray(arrays[k], dtype=np.float64).reshape(-1) for k in names]
    shapes = np.zeros((len(names), 6), dtype=np.int64) - 1
    for i, k in enumerate(names):
        shape = np.shape(arrays[k])
        shapes[i, : len(shape)] = shape
    offsets = np.cumsum([0] + [v.size for v in values])
    strings = {k: np.asarray(v) for k, v in arrays.items() if k not in names}
    return {
        "values": np.concatenate(values),
        "names": np.array(names),
        "shapes": shapes,
        "offsets": offsets,
        **strings,
    }


def main() -> None:
    rng = np.random.default_rng(20240501)
    out = Record()
    record_cross_entropy(rng, out)
    record_binary(rng, out)
    record_regression(rng, out)
    record_activations(rng, out)
    record_batch_norm(rng, out)
    record_init(out)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **pack(out))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
