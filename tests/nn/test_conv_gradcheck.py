"""Every convolution and pooling case of kobai.nn.conv_cases passes the float64 gradient check."""

import numpy as np
import pytest

from kobai.autograd import registry
from kobai.autograd.numerical import gradcheck
from kobai.nn import conv_cases


@pytest.mark.parametrize("case", conv_cases.CASES, ids=[c.name for c in conv_cases.CASES])
def test_gradient_matches_finite_differences(case):
    inputs = registry.case_inputs(case, np.random.default_rng(0))
    assert case.kind == "layer"
    assert gradcheck(case.fn, *inputs)


def test_cases_are_registered_and_cover_every_op():
    names = {c.name for c in registry.all_cases("layer")}
    assert {c.name for c in conv_cases.CASES} <= names
    ops = {c.name.split("[")[0] for c in conv_cases.CASES}
    assert {"conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d"} <= ops
    assert {"Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d"} <= ops
