"""Activations with their derivatives up to order N, by repeated kobai.grad."""

import struct
from pathlib import Path

import numpy as np
import pytest

from kobai.cli.main import main
from kobai.viz.derivatives import activation_derivatives, derivative_label


def test_tanh_and_sigmoid_derivatives_match_closed_forms() -> None:
    x = np.linspace(-3, 3, 13)
    t = np.tanh(x)
    s = 1 / (1 + np.exp(-x))
    tanh = activation_derivatives("tanh", x, 3)
    np.testing.assert_allclose(tanh[0], t, rtol=1e-14)
    np.testing.assert_allclose(tanh[1], 1 - t**2, rtol=1e-12)
    np.testing.assert_allclose(tanh[2], -2 * t * (1 - t**2), atol=1e-14)
    np.testing.assert_allclose(tanh[3], (1 - t**2) * (6 * t**2 - 2), rtol=1e-12)
    sigmoid = activation_derivatives("sigmoid", x, 2)
    np.testing.assert_allclose(sigmoid[2], s * (1 - s) * (1 - 2 * s), atol=1e-15)


def test_piecewise_linear_and_pairwise_activations() -> None:
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    relu = activation_derivatives("relu", x, 3)
    np.testing.assert_array_equal(relu[1], [0, 0, 1, 1])
    np.testing.assert_array_equal(relu[2], 0)
    np.testing.assert_array_equal(relu[3], 0)
    elu = activation_derivatives("elu", x, 3)  # alpha e^x on the left, at every order
    for k in (1, 2, 3):
        np.testing.assert_allclose(elu[k][:2], np.exp(x[:2]), rtol=1e-14)
    # softmax of (x, 0): the first output is sigmoid(x)
    s = 1 / (1 + np.exp(-x))
    soft = activation_derivatives("softmax", x, 2)
    np.testing.assert_allclose(soft[1], s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(soft[2], s * (1 - s) * (1 - 2 * s), atol=1e-15)


def test_labels_and_bad_order() -> None:
    assert [derivative_label(k) for k in range(6)] == ["f", "f′", "f″", "f‴", "f⁽⁴⁾", "f⁽⁵⁾"]
    with pytest.raises(ValueError, match="order must be an integer >= 0, got -1"):
        activation_derivatives("tanh", np.zeros(2), -1)


def test_cli_order_writes_its_own_figure(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["activations", "--order", "3", "--only", "tanh,gelu", "--formats", "png",
                 "--out", str(tmp_path)]) == 0  # fmt: skip
    data = (tmp_path / "activations_order3.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 500 and height > 300
    assert not (tmp_path / "activations.png").exists()
    assert f"wrote {tmp_path / 'activations_order3.png'}" in capsys.readouterr().out
    assert main(["activations", "--order", "0"]) == 2
    assert "--order must be between 1 and 8, got 0" in capsys.readouterr().err
