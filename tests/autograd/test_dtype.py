"""float32 stays float32 through the forward and the backward of every op."""

import numpy as np
import pytest

import kobai as kb
from kobai.autograd import registry

OPS = [c for c in registry.all_cases("op") if c.name != "cast"]


@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
def test_float32_is_kept(case: registry.GradCase) -> None:
    raw = case.make_inputs(np.random.default_rng(0))
    inputs = [
        kb.Tensor(np.asarray(x, dtype=np.float32), requires_grad=True)
        if np.asarray(x).dtype.kind == "f"
        else x
        for x in raw
    ]
    out = case.fn(*inputs)
    assert out.dtype == np.float32, f"{case.name} forward gave {out.dtype}"
    out.backward(np.ones(out.shape, dtype=np.float32))
    for x in inputs:
        if isinstance(x, kb.Tensor):
            assert x.grad is not None and x.grad.dtype == np.float32, case.name


def test_float64_is_kept() -> None:
    x = kb.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = (x * 0.5 + 1).exp().sum()
    y.backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float64


def test_python_data_is_float32_and_ndarrays_keep_their_dtype() -> None:
    assert kb.tensor([1, 2, 3]).dtype == np.float32
    assert kb.tensor(2.5).dtype == np.float32
    assert kb.tensor(np.arange(3)).dtype == np.int64
    assert kb.tensor(np.zeros(2)).dtype == np.float64
    assert kb.tensor([1, 2], dtype="float64").dtype == np.float64


def test_constants_take_the_tensor_dtype() -> None:
    x = kb.tensor([1.0, 2.0])
    assert (x + np.ones(2)).dtype == np.float32
    assert (np.ones(2) * x).dtype == np.float32
    assert (x / np.float64(3.0)).dtype == np.float32
    assert (2**x).dtype == np.float32


def test_integer_tensors_cannot_require_grad() -> None:
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        kb.tensor(np.arange(3), requires_grad=True)
