"""PyTorch's semantics in the corners: implicit softmax axes, deprecated loss arguments by
position, 0-d PReLU. The numbers themselves are checked against PyTorch in
test_nn_layer_torch_reference.py."""

import warnings

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import activation
from kobai.nn import functional as F

X4 = np.random.default_rng(0).standard_normal((2, 3, 2, 2, 2))


@pytest.mark.parametrize("ndim, axis", [(1, 0), (2, 1), (3, 0), (4, 1), (5, 1)])
def test_softmax_without_dim_takes_pytorchs_axis_and_warns(ndim, axis):
    x = X4.reshape(-1)[: 2**ndim].reshape((2,) * ndim)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = nn.Softmax()(x)
    np.testing.assert_allclose(y.data.sum(axis=axis), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(y.data, F.softmax(x, axis).data)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        np.testing.assert_array_equal(F.log_softmax(x).data, F.log_softmax(x, axis).data)


def test_explicit_dim_is_silent_and_repr_shows_none():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.Softmax(dim=-1)(X4)
        F.log_softmax(X4, 1)
    assert repr(nn.Softmax()) == "Softmax(dim=None)"
    with pytest.warns(UserWarning):
        assert nn.LogSoftmax().derivative(np.zeros((2, 3))).shape == (2, 3, 3)


def test_softmax_by_name_takes_the_last_axis_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert activation.get("softmax").dim == -1 and activation.get("log_softmax").dim == -1
    assert activation.get("softmax", dim=0).dim == 0


def test_softmax_of_a_scalar_is_one():
    x = kb.tensor(2.0, dtype="float64", requires_grad=True)
    y = F.softmax(x, 0)
    y.backward()
    assert y.shape == () and y.item() == 1.0 and x.grad == 0.0
    with pytest.raises(ValueError, match="dim 1 is out of range for an input of shape"):
        F.softmax(np.zeros(3), 1)


def test_loss_hyper_parameters_by_position_in_pytorchs_order():
    x = np.random.default_rng(1).standard_normal((4, 3))
    t = np.array([0, 2, 1, 2])
    w = np.array([0.5, 2.0, 1.0])
    expected = F.cross_entropy(x, t, weight=w, ignore_index=2).item()
    assert nn.CrossEntropyLoss(w, None, 2).weight is not None
    assert nn.CrossEntropyLoss(w, None, 2)(x, t).item() == expected
    assert F.cross_entropy(x, t, w, None, 2).item() == expected
    assert nn.NLLLoss(w, None, 2)(x, t).item() == F.nll_loss(x, t, weight=w, ignore_index=2).item()
    assert nn.HuberLoss("sum", 0.5).delta == 0.5
    assert nn.SSELoss("sum").reduction == "sum"  # kobai's own loss has no deprecated arguments
    assert nn.BCEWithLogitsLoss(None, None, None, "sum", np.ones(3)).reduction == "sum"


@pytest.mark.parametrize(
    "size_average, reduce, reduction", [(None, None, "mean"), (False, None, "sum"),
                                        (True, False, "none"), (None, True, "mean")]
)  # fmt: skip
def test_deprecated_size_average_and_reduce_map_as_in_pytorch(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert nn.MSELoss(size_average, reduce).reduction == reduction
        return
    message = f"please use reduction='{reduction}' instead"
    with pytest.warns(UserWarning, match=message):
        assert nn.MSELoss(size_average, reduce).reduction == reduction
    with pytest.warns(UserWarning, match=message):
        out = F.l1_loss(np.ones((2, 2)), np.zeros((2, 2)), size_average, reduce)
    assert out.shape == ((2, 2) if reduction == "none" else ())


def test_prelu_keeps_a_0d_input_0d():
    layer = nn.PReLU()
    y = layer(kb.tensor(-2.0))
    assert y.shape == () and y.item() == pytest.approx(-0.5)
    assert layer.derivative(np.float64(-1.0)).shape == ()
