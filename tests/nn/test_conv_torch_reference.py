"""Convolution and pooling against values recorded once from PyTorch 2.13.

scripts/record_conv_fixtures.py stored each case's inputs (drawn with NumPy), PyTorch's output
and the gradients of ``sum(out * r)``, in float64; replaying them needs only NumPy.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai.nn import functional as F

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "nn" / "conv_reference.npz"

with np.load(FIXTURE, allow_pickle=False) as _data:
    REF = {key: _data[key] for key in _data.files}
NAMES = sorted({key.split("/")[0] for key in REF})


@pytest.mark.parametrize("name", NAMES)
def test_forward_and_gradients_match_pytorch(name):
    fn = getattr(F, str(REF[f"{name}/function"]))
    kwargs = json.loads(str(REF[f"{name}/kwargs"]))
    count = sum(1 for key in REF if key.startswith(f"{name}/arg"))
    args = [kb.tensor(REF[f"{name}/arg{i}"], requires_grad=True) for i in range(count)]
    out = fn(*args, **kwargs)
    np.testing.assert_allclose(out.numpy(), REF[f"{name}/out"], rtol=1e-12, atol=1e-12)
    (out * REF[f"{name}/r"]).sum().backward()
    for i, arg in enumerate(args):
        np.testing.assert_allclose(arg.grad, REF[f"{name}/grad{i}"], rtol=1e-12, atol=1e-12)


def test_fixture_covers_every_op():
    functions = {str(REF[f"{name}/function"]) for name in NAMES}
    assert functions == {"conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d"}
