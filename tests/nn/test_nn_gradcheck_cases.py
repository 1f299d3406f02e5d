"""The gradient-check registry covers every layer and loss of kobai.nn, in the situations the
issue names, and every case passes (float64, central differences)."""

import numpy as np
import pytest

from kobai import nn
from kobai.autograd import registry
from kobai.autograd.numerical import gradcheck

LAYERS = ["Linear", "BatchNorm1d", "BatchNorm2d", "Dropout", "Flatten", "Unflatten", "Identity",
          "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "ELU", "GELU", "Softplus", "Softmax",
          "LogSoftmax", "LayerNorm", "GroupNorm", "Embedding", "SiLU", "Mish", "SELU", "Hardtanh",
          "ReLU6", "LogSigmoid", "Softsign"]  # fmt: skip
LOSSES = ["MSELoss", "SSELoss", "L1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
          "BCEWithLogitsLoss", "SmoothL1Loss", "KLDivLoss"]  # fmt: skip
OURS = [c for c in registry.all_cases() if c.name.split("[")[0] in LAYERS + LOSSES]


def test_every_layer_and_loss_class_has_a_case():
    names = {c.name.split("[")[0] for c in OURS}
    assert set(LAYERS) <= names and set(LOSSES) <= names
    exported = {n for n in nn.__all__ if isinstance(getattr(nn, n), type)}
    exported -= {"Module", "ModuleList", "Sequential", "Parameter", "ModuleDict", "ParameterList"}
    exported -= {"Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "MaxUnpool2d"}  # conv_cases
    assert exported <= set(LAYERS + LOSSES)
    kinds = {c.name.split("[")[0]: c.kind for c in OURS}
    assert all(kinds[n] == "layer" for n in LAYERS) and all(kinds[n] == "loss" for n in LOSSES)


def test_cases_cover_the_required_situations():
    names = {c.name for c in OURS}
    for needed in [
        "Linear[batch1]", "BatchNorm1d[train]", "BatchNorm2d[train]", "PReLU[channels]",
        "CrossEntropyLoss[index,mean]", "CrossEntropyLoss[probs,none]",
        "CrossEntropyLoss[smoothing]", "CrossEntropyLoss[probs,smoothing]",
        "CrossEntropyLoss[batch1]",
    ]:  # fmt: skip
        assert needed in names
    for loss in LOSSES:
        for reduction in ("mean", "sum", "none"):
            assert any(n.startswith(loss + "[") and reduction in n for n in names), (
                loss,
                reduction,
            )
    bn = next(c for c in OURS if c.name == "BatchNorm1d[train]")
    assert bn.wrt is None and len(bn.make_inputs(np.random.default_rng(0))) == 3  # x, gamma, beta


@pytest.mark.parametrize("case", OURS, ids=[c.name for c in OURS])
def test_case_passes(case):
    assert gradcheck(case.fn, *registry.case_inputs(case, np.random.default_rng(0)))
