"""kobai.nn's newer layers, options and corner cases against PyTorch 2.13, in float64 and float32.

scripts/record_nn_layer_fixtures.py stored each case's inputs (drawn with NumPy), PyTorch's
output and the gradients of ``sum(out * r)`` in both dtypes, and the text of any warning
PyTorch gave; replaying them needs only NumPy. Modules get the recorded parameters.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F
from kobai.nn import init

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "nn" / "layer_reference.npz"


def _load() -> dict:
    """The recording script packs every number into one vector and every string into one JSON
    text; unpack them by name, in their own dtypes."""
    with np.load(FIXTURE, allow_pickle=False) as data:
        values, names, dtypes = data["values"], data["names"], data["dtypes"]
        shapes, offsets = data["shapes"], data["offsets"]
        ref = {k: np.array(v) for k, v in json.loads(str(data["strings"])).items()}
    for i, name in enumerate(names):
        shape = tuple(int(n) for n in shapes[i] if n >= 0)
        chunk = values[offsets[i] : offsets[i + 1]].astype(np.dtype(str(dtypes[i])))
        ref[str(name)] = chunk.reshape(shape)
    return ref


REF = _load()
NAMES = sorted(key.split("/")[0] for key in REF if key.endswith("/kind"))
TOLERANCE = {"f64": (np.float64, 1e-10, 1e-12), "f32": (np.float32, 1e-6, 1e-6)}


def _arguments(name: str, dtype: type, tag: str) -> list:
    count = sum(1 for key in REF if key.startswith(f"{name}/arg"))
    args = []
    for i in range(count):
        a = REF[f"{name}/arg{i}"]
        if a.dtype.kind in "iu":
            args.append(a.astype(np.int64))
        else:
            args.append(kb.tensor(a, dtype=dtype, requires_grad=f"{name}/{tag}/grad{i}" in REF))
    return args


def _run(name: str, dtype: type, tag: str) -> tuple:
    """kobai's output and the tensors whose gradients PyTorch recorded, in its order."""
    args = _arguments(name, dtype, tag)
    kwargs = json.loads(str(REF[f"{name}/kwargs"]))
    if str(REF[f"{name}/kind"]) == "function":
        keys = json.loads(str(REF[f"{name}/keys"]))
        positional = [a for a, k in zip(args, keys, strict=True) if not k]
        kwargs.update({k: a for a, k in zip(args, keys, strict=True) if k})
        return getattr(F, str(REF[f"{name}/callable"]))(*positional, **kwargs), args
    layer = getattr(nn, str(REF[f"{name}/callable"]))(**json.loads(str(REF[f"{name}/ctor"])))
    layer.to(dtype)
    params = list(layer.parameters())
    n = int(REF[f"{name}/inputs"])
    for param, value in zip(params, args[n:], strict=True):
        param.data[...] = value.data
    return layer(*args[:n], **kwargs), [*args[:n], *params]


@pytest.mark.parametrize("tag", ["f64", "f32"])
@pytest.mark.parametrize("name", NAMES)
def test_forward_gradients_and_warnings_match_pytorch(name, tag):
    dtype, rtol, atol = TOLERANCE[tag]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, differentiated = _run(name, dtype, tag)
    messages = [str(w.message) for w in caught if w.category is UserWarning]
    assert (messages[0] if messages else "") == str(REF[f"{name}/warning"])
    assert not [w for w in caught if w.category is RuntimeWarning]
    if isinstance(out, tuple):
        out, extra = out
        np.testing.assert_array_equal(extra.data, REF[f"{name}/{tag}/extra"])
    assert out.dtype == dtype and out.shape == REF[f"{name}/{tag}/out"].shape
    np.testing.assert_allclose(out.data, REF[f"{name}/{tag}/out"], rtol=rtol, atol=atol)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        (out * REF[f"{name}/r"].astype(dtype)).sum().backward()
    for i, t in enumerate(differentiated):
        key = f"{name}/{tag}/grad{i}"
        if key in REF:
            assert t.grad is not None and t.grad.dtype == dtype, key
            np.testing.assert_allclose(t.grad, REF[key], rtol=rtol, atol=atol, err_msg=key)


class Replay(np.random.Generator):
    """A generator that hands out PyTorch's recorded draws, in order, checking that each is
    asked for with PyTorch's shape and arguments."""

    def __init__(self, *draws: np.ndarray) -> None:
        super().__init__(np.random.PCG64(0))
        self.draws = list(draws)

    def _next(self, size, low, high):  # noqa: ANN001, ANN202
        draw = self.draws.pop(0)
        assert tuple(size) == draw.shape
        if low is not None:
            assert low <= draw.min() and draw.max() <= high
        return draw

    def standard_normal(self, size=None, dtype=np.float64, out=None):  # noqa: ANN001
        return self._next(size, None, None)

    def normal(self, loc=0.0, scale=1.0, size=None):  # noqa: ANN001
        return self._next(size, None, None)

    def uniform(self, low=0.0, high=1.0, size=None):  # noqa: ANN001
        return self._next(size, low, high)


@pytest.mark.parametrize("i", range(3))
def test_orthogonal_matches_pytorch_on_its_draw(i):
    ref = {k.split("/")[-1]: v for k, v in REF.items() if k.startswith(f"init/orthogonal{i}/")}
    w = np.empty(ref["out"].shape)
    init.orthogonal_(w, gain=float(ref["gain"]), rng=Replay(ref["draw"]))
    np.testing.assert_allclose(w, ref["out"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("i", range(3))
def test_trunc_normal_takes_pytorchs_draws_and_gives_its_values(i):
    ref = {k.split("/")[-1]: v for k, v in REF.items() if k.startswith(f"init/trunc{i}/")}
    mean, std, a, b = ref["args"]
    w = np.empty(ref["out"].shape)
    replay = Replay(*ref["draws"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        init.trunc_normal_(w, mean, std, a, b, rng=replay)
    assert replay.draws == []  # every draw PyTorch made, and no other
    np.testing.assert_array_equal(w, ref["out"])
