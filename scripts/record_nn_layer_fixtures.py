"""Record PyTorch reference values for kobai.nn's newer layers, options and corner cases.

Writes tests/fixtures/nn/layer_reference.npz. Run with the separate PyTorch environment
(never kobai's own):

    /work/torchvenv/bin/python scripts/record_nn_layer_fixtures.py

Each case draws its inputs with NumPy from a seed derived from its name (adding a case never
changes another), runs PyTorch in float64 and in float32 on those inputs, and stores the
output and the gradients of ``sum(out * r)`` for a random ``r`` (so every gradient entry
matters), plus the text of any warning PyTorch gave. A case is a function of
``torch.nn.functional`` (called with the same name from ``kobai.nn.functional``) or a module
of ``torch.nn`` whose parameters are copied from the stored arrays.
"""

from __future__ import annotations

import contextlib
import json
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "nn" / "layer_reference.npz"
DTYPES = {"f64": torch.float64, "f32": torch.float32}


# An argument: (how it is drawn, shape or values, parameters, differentiated?, keyword or "").
def normal(*shape: int, scale: float = 1.0, grad: bool = True, key: str = "") -> tuple:
    return ("normal", shape, scale, grad, key)


def uniform(
    shape: tuple[int, ...], low: float, high: float, grad: bool = True, key: str = ""
) -> tuple:
    return ("uniform", shape, (low, high), grad, key)


def const(values: Any, grad: bool = False, key: str = "") -> tuple:
    return ("const", np.asarray(values), None, grad, key)


def fn(name: str, args: list, **kwargs: Any) -> dict:
    """A case calling ``F.<name>(*args, **kwargs)``."""
    return {"kind": "function", "callable": name, "args": args, "kwargs": kwargs}


def module(
    name: str, args: list, ctor: dict | None = None, inputs: int = 1, **forward: Any
) -> dict:
    """A case calling ``torch.nn.<name>(**ctor)(*args[:inputs], **forward)``; the other args
    are the module's parameters in ``named_parameters`` order."""
    return {"kind": "module", "callable": name, "args": args, "ctor": ctor or {},
            "inputs": inputs, "kwargs": forward}  # fmt: skip


def pooled(shape: tuple[int, ...], seed: int, **kwargs: Any) -> tuple[tuple, tuple]:
    """``max_pool2d(x, return_indices=True)`` of a NumPy draw: (values, indices) specs."""
    x = torch.tensor(np.random.default_rng(seed).standard_normal(shape))
    y, indices = F.max_pool2d(x, return_indices=True, **kwargs)
    return const(y.numpy(), grad=True), const(indices.numpy())


GRID = const(np.linspace(-6.0, 6.0, 25), grad=True)  # kinks, ends and 0 on the grid
TAILS = const([-40.0, -21.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 21.0, 40.0], grad=True)
SATURATED = [[0.0, 1.0, 1e-13], [1 - 1e-13, 0.5, 1e-7]]

CASES: dict[str, dict] = {
    # -- softmax without dim: PyTorch's implicit axis and its warning ---------------------------
    "softmax_implicit_0d": fn("softmax", [normal()]),
    "softmax_implicit_1d": fn("softmax", [normal(4)]),
    "softmax_implicit_2d": fn("softmax", [normal(3, 4)]),
    "softmax_implicit_3d": fn("softmax", [normal(2, 3, 4)]),
    "log_softmax_implicit_4d": fn("log_softmax", [normal(2, 3, 2, 2)]),
    "Softmax_implicit_4d": module("Softmax", [normal(2, 3, 2, 2)]),
    "LogSoftmax_implicit_3d": module("LogSoftmax", [normal(2, 3, 4)]),
    # -- every target ignored: NaN loss, zero gradient ----------------------------------------
    "cross_entropy_all_ignored": fn(
        "cross_entropy", [normal(3, 4), const([1, 1, 1])], ignore_index=1
    ),
    "cross_entropy_all_ignored_weight": fn(
        "cross_entropy", [normal(3, 4), const([2, 2, 2]), const([1.0, 2.0, 0.5, 1.5])],
        ignore_index=2,
    ),
    "cross_entropy_all_ignored_smooth": fn(
        "cross_entropy", [normal(3, 4), const([0, 0, 0])], ignore_index=0, label_smoothing=0.1
    ),
    "nll_loss_all_ignored": fn("nll_loss", [normal(3, 4), const([3, 3, 3])], ignore_index=3),
    "nll_loss_some_ignored_positional_weight": fn(
        "nll_loss", [normal(4, 3), const([0, 2, 1, 2]), const([0.5, 2.0, 1.0])], ignore_index=2
    ),
    # -- BCE where p (1 - p) falls below 1e-12 ------------------------------------------------
    "binary_cross_entropy_saturated_sum": fn(
        "binary_cross_entropy", [const(SATURATED, grad=True), uniform((2, 3), 0.05, 0.95)],
        reduction="sum",
    ),
    "binary_cross_entropy_saturated_mean_weight": fn(
        "binary_cross_entropy",
        [const(SATURATED, grad=True), uniform((2, 3), 0.05, 0.95), const([0.5, 2.0, 1.0])],
    ),
    # -- PReLU keeps a 0-d input 0-d --------------------------------------------------------
    "PReLU_0d": module("PReLU", [const(-1.5, grad=True), const([0.2], grad=True)]),
    "PReLU_1d": module("PReLU", [normal(5), const([0.3], grad=True)]),
    # -- padding modes, for F.pad and Conv2d(padding_mode=...) -------------------------------
    "pad_reflect": fn("pad", [normal(2, 3, 4, 5)], pad=[2, 1, 1, 3], mode="reflect"),
    "pad_reflect_1axis": fn("pad", [normal(2, 3, 4)], pad=[3, 0], mode="reflect"),
    "pad_replicate": fn("pad", [normal(2, 3, 4, 5)], pad=[3, 1, 0, 2], mode="replicate"),
    "pad_circular": fn("pad", [normal(1, 2, 4, 5)], pad=[5, 2, 4, 1], mode="circular"),
    "pad_constant_crop": fn("pad", [normal(2, 3, 4)], pad=[-1, 2, 1, -2], value=0.5),
    "Conv2d_reflect": module(
        "Conv2d", [normal(2, 2, 5, 6), normal(3, 2, 3, 3), normal(3)],
        {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "padding": [1, 2],
         "padding_mode": "reflect"},
    ),
    "Conv2d_replicate_stride": module(
        "Conv2d", [normal(2, 2, 6, 5), normal(4, 1, 2, 3), normal(4)],
        {"in_channels": 2, "out_channels": 4, "kernel_size": [2, 3], "stride": 2, "padding": 2,
         "groups": 2, "padding_mode": "replicate"},
    ),
    "Conv2d_circular_same": module(
        "Conv2d", [normal(1, 3, 5, 6), normal(2, 3, 3, 2)],
        {"in_channels": 3, "out_channels": 2, "kernel_size": [3, 2], "padding": "same",
         "dilation": [1, 2], "bias": False, "padding_mode": "circular"},
    ),
    # -- ConvTranspose2d to a requested size -------------------------------------------------
    "ConvTranspose2d_output_size": module(
        "ConvTranspose2d", [normal(2, 4, 3, 3), normal(4, 2, 3, 3), normal(2)],
        {"in_channels": 4, "out_channels": 2, "kernel_size": 3, "stride": 2, "padding": 1},
        output_size=[6, 5],
    ),
    "ConvTranspose2d_output_size_nchw": module(
        "ConvTranspose2d", [normal(1, 2, 4, 3), normal(2, 3, 2, 3), normal(3)],
        {"in_channels": 2, "out_channels": 3, "kernel_size": [2, 3], "stride": [3, 2],
         "dilation": [2, 1]},
        output_size=[1, 3, 13, 8],
    ),
    # -- max pooling with indices, and unpooling ----------------------------------------------
    "max_pool2d_indices": fn(
        "max_pool2d", [normal(2, 3, 6, 7)], kernel_size=3, stride=2, padding=1,
        return_indices=True,
    ),
    "max_pool2d_indices_dilation_ceil": fn(
        "max_pool2d", [normal(1, 2, 7, 9)], kernel_size=[2, 3], stride=[2, 1], dilation=[1, 2],
        ceil_mode=True, return_indices=True,
    ),
    "max_pool2d_indices_unbatched": fn(
        "max_pool2d", [normal(3, 5, 5)], kernel_size=2, return_indices=True
    ),
    "MaxPool2d_indices": module(
        "MaxPool2d", [normal(2, 2, 4, 6)], {"kernel_size": 2, "return_indices": True}
    ),
    "max_unpool2d": fn("max_unpool2d", [*pooled((2, 3, 6, 8), 1, kernel_size=2)], kernel_size=2),
    "max_unpool2d_output_size": fn(
        "max_unpool2d", [*pooled((2, 3, 7, 9), 2, kernel_size=2)], kernel_size=2,
        output_size=[7, 9],
    ),
    "max_unpool2d_overlapping": fn(
        "max_unpool2d", [*pooled((1, 2, 7, 6), 3, kernel_size=3, stride=2, padding=1)],
        kernel_size=3, stride=2, padding=1, output_size=[7, 6],
    ),
    # -- layer and group normalisation ------------------------------------------------------
    "layer_norm": fn(
        "layer_norm", [normal(3, 4, 5, scale=2.0), normal(4, 5, key="weight"),
                       normal(4, 5, key="bias")], normalized_shape=[4, 5],
    ),
    "layer_norm_plain_eps": fn("layer_norm", [normal(2, 6)], normalized_shape=[6], eps=1e-3),
    "LayerNorm": module(
        "LayerNorm", [normal(2, 3, 4), normal(4), normal(4)], {"normalized_shape": 4}
    ),
    "LayerNorm_no_bias": module(
        "LayerNorm", [normal(2, 2, 3), normal(2, 3)], {"normalized_shape": [2, 3], "bias": False}
    ),
    "group_norm": fn(
        "group_norm", [normal(2, 6, 3, 2), normal(6, key="weight"), normal(6, key="bias")],
        num_groups=3,
    ),
    "group_norm_plain": fn("group_norm", [normal(3, 4, 5)], num_groups=1, eps=1e-2),
    "GroupNorm": module(
        "GroupNorm", [normal(2, 4, 3, 3), normal(4), normal(4)],
        {"num_groups": 2, "num_channels": 4},
    ),
    "GroupNorm_instance": module(
        "GroupNorm", [normal(3, 2, 5), normal(2), normal(2)], {"num_groups": 2, "num_channels": 2}
    ),
    # -- embedding --------------------------------------------------------------------------
    "embedding": fn("embedding", [const([[1, 3, 0], [3, 3, 4]]), normal(5, 3)]),
    "embedding_padding_idx": fn(
        "embedding", [const([[1, 3, 0], [3, 3, 4]]), normal(5, 3)], padding_idx=3
    ),
    "embedding_max_norm": fn(
        "embedding", [const([0, 2, 2, 4]), normal(5, 4, scale=2.0)], max_norm=1.5
    ),
    "embedding_max_norm_l1": fn(
        "embedding", [const([[1], [3]]), normal(4, 3)], max_norm=1.0, norm_type=1.0
    ),
    "embedding_scale_grad_by_freq": fn(
        "embedding", [const([[1, 3, 1], [3, 3, 0]]), normal(5, 3)], padding_idx=0,
        scale_grad_by_freq=True,
    ),
    "Embedding_scale_grad_by_freq": module(
        "Embedding", [const([2, 2, 2, 4, 0]), normal(5, 2)],
        {"num_embeddings": 5, "embedding_dim": 2, "scale_grad_by_freq": True},
    ),
    "Embedding_padding_negative": module(
        "Embedding", [const([[0, 1], [4, 1]]), normal(5, 2)],
        {"num_embeddings": 5, "embedding_dim": 2, "padding_idx": -4},
    ),
    # -- activations ------------------------------------------------------------------------
    "silu": fn("silu", [GRID]),
    "mish": fn("mish", [GRID]),
    "mish_tails": fn("mish", [TAILS]),
    "selu": fn("selu", [GRID]),
    "hardtanh": fn("hardtanh", [GRID]),
    "hardtanh_range": fn("hardtanh", [GRID], min_val=-0.5, max_val=2.0),
    "relu6": fn("relu6", [GRID]),
    "logsigmoid": fn("logsigmoid", [GRID]),
    "logsigmoid_tails": fn("logsigmoid", [TAILS]),
    "softsign": fn("softsign", [GRID]),
    "SiLU": module("SiLU", [normal(3, 4, scale=3.0)]),
    "Mish": module("Mish", [normal(3, 4, scale=3.0)]),
    "SELU": module("SELU", [normal(3, 4, scale=3.0)]),
    "Hardtanh": module("Hardtanh", [normal(3, 4, scale=3.0)], {"min_val": -2.0, "max_val": 0.5}),
    "ReLU6": module("ReLU6", [normal(3, 4, scale=5.0)]),
    "LogSigmoid": module("LogSigmoid", [normal(3, 4, scale=3.0)]),
    "Softsign": module("Softsign", [normal(3, 4, scale=3.0)]),
    # -- smooth L1 and Kullback-Leibler losses ------------------------------------------------
    "smooth_l1_loss": fn("smooth_l1_loss", [normal(4, 3), normal(4, 3)]),
    "smooth_l1_loss_sum_beta": fn(
        "smooth_l1_loss", [normal(4, 3), normal(4, 3)], reduction="sum", beta=0.5
    ),
    "smooth_l1_loss_none_beta0": fn(
        "smooth_l1_loss", [normal(3, 2), normal(3, 2)], reduction="none", beta=0.0
    ),
    "SmoothL1Loss": module(
        "SmoothL1Loss", [normal(2, 5), normal(2, 5)], {"beta": 2.0, "reduction": "sum"}, inputs=2
    ),
    "kl_div_batchmean": fn(
        "kl_div", [normal(3, 4), uniform((3, 4), 0.05, 1.0)], reduction="batchmean"
    ),
    "kl_div_mean_warns": fn("kl_div", [normal(3, 4), uniform((3, 4), 0.05, 1.0)]),
    "kl_div_none_zero_targets": fn(
        "kl_div", [normal(2, 3), const([[0.0, 0.3, 0.7], [0.5, 0.0, 0.5]])], reduction="none"
    ),
    "kl_div_sum_log_target": fn(
        "kl_div", [normal(3, 4), normal(3, 4)], reduction="sum", log_target=True
    ),
    "KLDivLoss_batchmean_log_target": module(
        "KLDivLoss", [normal(2, 3), normal(2, 3)],
        {"reduction": "batchmean", "log_target": True}, inputs=2,
    ),
    # -- the earlier layers and losses, now in float32 as well ------------------------------
    "linear": fn("linear", [normal(4, 5), normal(3, 5), normal(3)]),
    "batch_norm_train": fn(
        "batch_norm", [normal(6, 3, scale=2.0), normal(3, key="weight"), normal(3, key="bias")],
        running_mean=None, running_var=None, training=True,
    ),
    "conv2d": fn(
        "conv2d", [normal(2, 3, 7, 6), normal(4, 3, 3, 3), normal(4)], stride=2, padding=1
    ),
    "conv_transpose2d": fn(
        "conv_transpose2d", [normal(2, 4, 4, 3), normal(4, 3, 3, 3), normal(3)], stride=2,
        padding=1, output_padding=1,
    ),
    "max_pool2d": fn(
        "max_pool2d", [normal(2, 3, 8, 7)], kernel_size=3, stride=2, padding=1, ceil_mode=True
    ),
    "avg_pool2d": fn(
        "avg_pool2d", [normal(2, 2, 7, 8)], kernel_size=3, stride=2, padding=1, ceil_mode=True,
        count_include_pad=False,
    ),
    "cross_entropy_smooth": fn(
        "cross_entropy", [normal(5, 4, scale=2.0), const([0, 3, 1, 1, 2])], label_smoothing=0.1
    ),
    "cross_entropy_probs": fn(
        "cross_entropy", [normal(3, 4, scale=2.0), const([[0.1, 0.2, 0.3, 0.4]] * 3)]
    ),
    "mse_loss": fn("mse_loss", [normal(4, 3), normal(4, 3)]),
    "l1_loss_sum": fn("l1_loss", [normal(4, 3), normal(4, 3)], reduction="sum"),
    "huber_loss": fn("huber_loss", [normal(4, 3), normal(4, 3)], delta=0.5, reduction="none"),
    "binary_cross_entropy_with_logits": fn(
        "binary_cross_entropy_with_logits",
        [normal(3, 2, scale=3.0), uniform((3, 2), 0.0, 1.0), const([2.0, 0.5], key="pos_weight")],
    ),
    "gelu": fn("gelu", [GRID]),
    "gelu_tanh": fn("gelu", [GRID], approximate="tanh"),
    "elu": fn("elu", [GRID], alpha=0.7),
    "softplus": fn("softplus", [GRID], beta=2.0, threshold=5.0),
    "leaky_relu": fn("leaky_relu", [GRID], negative_slope=0.2),
    "prelu": fn("prelu", [normal(3, 2, 4), normal(2)]),
    "sigmoid": fn("sigmoid", [GRID]),
    "tanh": fn("tanh", [GRID]),
    "relu": fn("relu", [GRID]),
    "log_softmax_dim1": fn("log_softmax", [normal(3, 5, scale=3.0)], dim=1),
    "softmax_dim0": fn("softmax", [normal(3, 5, scale=3.0)], dim=0),
    # -- corners of the earlier ones: ties, thresholds, ignored entries per element ----------
    "cross_entropy_NCd_ignore_none": fn(
        "cross_entropy", [normal(2, 3, 4), const([[0, 1, 2, 1], [1, 1, 0, 2]])], ignore_index=1,
        reduction="none",
    ),
    "nll_loss_ignore_none": fn(
        "nll_loss", [normal(4, 3), const([0, 2, 1, 2])], ignore_index=2, reduction="none"
    ),
    "huber_loss_at_delta": fn(
        "huber_loss", [const([[0.5, -0.5, 1.0, 0.0]], grad=True), const([[0.0] * 4], grad=True)],
        delta=0.5,
    ),
    "l1_loss_ties": fn("l1_loss", [const([1.0, 2.0, -1.0], grad=True), const([1.0, 0.0, -1.0])]),
    "softplus_threshold": fn("softplus", [TAILS]),
    "gelu_tails": fn("gelu", [TAILS]),
    "max_pool2d_ties": fn(
        "max_pool2d", [const(np.ones((1, 1, 4, 4)), grad=True)], kernel_size=2, stride=1
    ),
}  # fmt: skip


def _materialise(spec: tuple, rng: np.random.Generator) -> np.ndarray:
    kind, shape, extra, _, _ = spec
    if kind == "normal":
        return rng.standard_normal(shape) * extra
    if kind == "uniform":
        return rng.uniform(extra[0], extra[1], shape)
    return shape  # const: the values themselves


def _tensor(a: np.ndarray, dtype: torch.dtype, grad: bool) -> torch.Tensor:
    if a.dtype.kind in "iu":
        return torch.tensor(a, dtype=torch.int64)
    return torch.tensor(a, dtype=dtype, requires_grad=grad)


def _call(case: dict, tensors: list[torch.Tensor], dtype: torch.dtype) -> tuple[Any, list]:
    """The output and the tensors whose gradients are recorded (inputs, then parameters)."""
    if case["kind"] == "function":
        keys = [spec[4] for spec in case["args"]]
        args = [t for t, k in zip(tensors, keys, strict=True) if not k]
        named = {k: t for t, k in zip(tensors, keys, strict=True) if k}
        return getattr(F, case["callable"])(*args, **named, **case["kwargs"]), tensors
    layer = getattr(torch.nn, case["callable"])(**case["ctor"]).to(dtype)
    params = list(layer.parameters())
    n = case["inputs"]
    with torch.no_grad():
        for p, t in zip(params, tensors[n:], strict=True):
            p.copy_(t)
    return layer(*tensors[:n], **case["kwargs"]), [*tensors[:n], *params]


def record(name: str, case: dict, out: dict[str, np.ndarray]) -> None:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    arrays = [_materialise(spec, rng) for spec in case["args"]]
    grads = [spec[3] for spec in case["args"]]
    r = None
    for tag, dtype in DTYPES.items():
        tensors = [_tensor(a, dtype, g) for a, g in zip(arrays, grads, strict=True)]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y, differentiated = _call(case, tensors, dtype)
        if isinstance(y, tuple):  # (output, indices) of max pooling
            y, extra = y
            out[f"{name}/{tag}/extra"] = extra.numpy()
        if r is None:
            r = rng.standard_normal(tuple(y.shape))
            messages = [str(w.message) for w in caught if w.category is UserWarning]
            out[f"{name}/warning"] = np.array(messages[0] if messages else "")
        (y * torch.tensor(r, dtype=dtype)).sum().backward()
        out[f"{name}/{tag}/out"] = y.detach().numpy()
        for i, t in enumerate(differentiated):
            if t.grad is not None:
                out[f"{name}/{tag}/grad{i}"] = t.grad.numpy()
    out[f"{name}/r"] = r
    out[f"{name}/kind"] = np.array(case["kind"])
    out[f"{name}/callable"] = np.array(case["callable"])
    out[f"{name}/kwargs"] = np.array(json.dumps(case["kwargs"]))
    out[f"{name}/ctor"] = np.array(json.dumps(case.get("ctor", {})))
    out[f"{name}/keys"] = np.array(json.dumps([spec[4] for spec in case["args"]]))
    out[f"{name}/inputs"] = np.array(case.get("inputs", 0))
    for i, a in enumerate(arrays):
        out[f"{name}/arg{i}"] = a


def record_init(out: dict[str, np.ndarray]) -> None:
    """orthogonal_ and trunc_normal_ with the random draws they consumed (replayed by the test
    through the generator it passes), and erfinv on a grid."""
    for i, (shape, gain) in enumerate([((4, 6), 1.0), ((6, 4), 0.5), ((3, 2, 2), 2.0)]):
        rows = shape[0]
        torch.manual_seed(i)
        draw = torch.empty((rows, int(np.prod(shape)) // rows), dtype=torch.float64).normal_()
        torch.manual_seed(i)
        w = torch.nn.init.orthogonal_(torch.empty(shape, dtype=torch.float64), gain=gain)
        out.update({f"init/orthogonal{i}/draw": draw.numpy(), f"init/orthogonal{i}/out": w.numpy(),
                    f"init/orthogonal{i}/gain": np.array(gain)})  # fmt: skip
    for i, (mean, std, a, b) in enumerate([(0.0, 1.0, -2.0, 2.0), (0.5, 0.2, 0.0, 0.6),
                                            (3.0, 1.0, -1.0, 0.5)]):  # fmt: skip
        draws = []
        with recording_draws(draws), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the third is far from [a, b], as intended
            torch.manual_seed(10 + i)
            w = torch.nn.init.trunc_normal_(
                torch.empty((8, 6), dtype=torch.float64), mean, std, a, b
            )
        out.update({f"init/trunc{i}/draws": np.stack(draws), f"init/trunc{i}/out": w.numpy(),
                    f"init/trunc{i}/args": np.array([mean, std, a, b])})  # fmt: skip


@contextlib.contextmanager
def recording_draws(draws: list) -> Any:
    """Record every ``normal_``/``uniform_`` draw PyTorch makes, in order."""
    originals = {name: getattr(torch.Tensor, name) for name in ("normal_", "uniform_")}

    def recorder(original: Any) -> Any:
        def draw(self: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
            result = original(self, *args, **kwargs)
            draws.append(result.detach().clone().numpy())
            return result

        return draw

    for name, original in originals.items():
        setattr(torch.Tensor, name, recorder(original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(torch.Tensor, name, original)


def pack(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every numeric array in one float64 vector (exact for float32 and small ints), with the
    names, dtypes, shapes and offsets that unpack it, and every string in one JSON text: a
    few zip entries instead of a thousand."""
    names = sorted(k for k in arrays if arrays[k].dtype.kind in "biuf")
    strings = {k: str(v) for k, v in arrays.items() if k not in names}
    values = [np.asarray(arrays[k], dtype=np.float64).reshape(-1) for k in names]
    shapes = np.full((len(names), 6), -1, dtype=np.int64)
    for i, k in enumerate(names):
        shapes[i, : arrays[k].ndim] = arrays[k].shape
    return {
        "values": np.concatenate(values),
        "names": np.array(names),
        "dtypes": np.array([arrays[k].dtype.str for k in names]),
        "shapes": shapes,
        "offsets": np.cumsum([0] + [v.size for v in values]),
        "strings": np.array(json.dumps(strings, sort_keys=True)),
    }


def main() -> None:
    out: dict[str, np.ndarray] = {}
    for name, case in CASES.items():
        record(name, case, out)
    record_init(out)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **pack({k: np.asarray(v) for k, v in out.items()}))
    size = OUT.stat().st_size
    print(f"wrote {OUT} ({size} bytes, {len(CASES)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
