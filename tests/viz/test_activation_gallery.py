"""The activation gallery draws every activation of kobai.nn with its analytic derivative."""

from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai.nn import activation
from kobai.viz.activations import activation_curve, activation_names, plot_activations

NEW = ["silu", "mish", "selu", "hardtanh", "relu6", "log_sigmoid", "softsign"]


def test_every_activation_is_in_the_gallery():
    assert set(NEW) <= set(activation_names())
    assert set(activation_names()) == set(activation.ACTIVATIONS) - {"linear"}


@pytest.mark.parametrize("name", NEW)
def test_gallery_curves_are_the_function_and_its_derivative(name):
    x = np.linspace(-7, 7, 57) + 0.013  # no point on a kink
    y, dy = activation_curve(name, x)
    module = activation.get(name).double()
    np.testing.assert_allclose(y, module(x).data, rtol=1e-12)
    numerical = kb.numerical_grad(lambda v: module(v).sum(), x, h=1e-6)
    np.testing.assert_allclose(dy, numerical, rtol=1e-6, atol=1e-8)


def test_gallery_of_the_new_activations_is_written(tmp_path: Path):
    paths = plot_activations(tmp_path / "act", names=NEW, formats=("png",))
    assert [p.suffix for p in paths] == [".png"] and paths[0].stat().st_size > 10_000
