"""kobai.nn against values recorded once from PyTorch 2.13 (scripts/record_nn_fixtures.py).

The fixture holds the inputs (drawn with NumPy) and PyTorch's outputs and gradients in
float64; these tests need only NumPy.
"""

import math
from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F
from kobai.nn import init

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "nn" / "torch_reference.npz"


def _load() -> dict:
    with np.load(FIXTURE, allow_pickle=False) as data:
        values, names = data["values"], data["names"]
        shapes, offsets = data["shapes"], data["offsets"]
        ref = {k: data[k] for k in data.files if k not in ("values", "names", "shapes", "offsets")}
    for i, name in enumerate(names):
        shape = tuple(int(n) for n in shapes[i] if n >= 0)
        ref[str(name)] = values[offsets[i] : offsets[i + 1]].reshape(shape)
    return ref


REF = _load()


def run(fn, x, *args, **kwargs):
    """Value and gradient (of the sum) of ``fn`` at the float64 point ``x``."""
    t = kb.Tensor(np.array(x, dtype=np.float64), requires_grad=True)
    out = fn(t, *args, **kwargs)
    out.sum().backward()
    return out.data, t.grad


CE_SETTINGS = {
    "mean": {},
    "sum": {"reduction": "sum"},
    "none": {"reduction": "none"},
    "smooth": {"label_smoothing": 0.1},
    "weight_smooth": {"weight": "w", "label_smoothing": 0.2},
    "ignore": {"ignore_index": 1},
    "weight_ignore": {"weight": "w", "ignore_index": 3},
    "probs": {},
    "probs_smooth": {"label_smoothing": 0.15},
    "probs_weight_none": {"weight": "w", "reduction": "none"},
}


@pytest.mark.parametrize("name", CE_SETTINGS)
def test_cross_entropy_matches_torch(name):
    kwargs = {k: REF["ce_weight"] if v == "w" else v for k, v in CE_SETTINGS[name].items()}
    target = (
        REF["ce_target_probs"] if name.startswith("probs") else REF["ce_index"].astype(np.int64)
    )
    value, grad = run(nn.CrossEntropyLoss(**kwargs), REF["ce_logits"], target)
    np.testing.assert_allclose(value, REF[f"ce_{name}"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad, REF[f"ce_{name}_grad"], rtol=1e-10, atol=1e-14)


def test_nll_with_weights_matches_torch():
    loss = nn.NLLLoss(weight=REF["ce_weight"])
    value, grad = run(
        lambda x: loss(F.log_softmax(x, 1), REF["ce_index"].astype(np.int64)), REF["ce_logits"]
    )
    np.testing.assert_allclose(value, REF["nll_weight"], rtol=1e-12)
    np.testing.assert_allclose(grad, REF["nll_weight_grad"], rtol=1e-10, atol=1e-14)


def test_bce_matches_torch_including_clamped_logs():
    none = nn.BCELoss(reduction="none")(REF["bce_p"], REF["bce_t"]).data
    np.testing.assert_allclose(none, REF["bce_none"], rtol=1e-12)
    value, grad = run(nn.BCELoss(weight=REF["bce_weight"]), REF["bce_inner"], REF["bce_t"])
    np.testing.assert_allclose(value, REF["bce_mean"], rtol=1e-12)
    np.testing.assert_allclose(grad, REF["bce_mean_grad"], rtol=1e-10)


def test_bce_with_logits_matches_torch():
    value, grad = run(nn.BCEWithLogitsLoss(), REF["bcel_x"], REF["bce_t"])
    np.testing.assert_allclose(value, REF["bcel_mean"], rtol=1e-12)
    np.testing.assert_allclose(grad, REF["bcel_mean_grad"], rtol=1e-10, atol=1e-16)
    loss = nn.BCEWithLogitsLoss(reduction="none", pos_weight=REF["bcel_pos_weight"])
    value, grad = run(loss, REF["bcel_x"], REF["bce_t"])
    np.testing.assert_allclose(value, REF["bcel_none_pw"], rtol=1e-12)
    np.testing.assert_allclose(grad, REF["bcel_none_pw_grad"], rtol=1e-10, atol=1e-16)


@pytest.mark.parametrize(
    "name, loss",
    [
        ("mse", nn.MSELoss()),
        ("l1_sum", nn.L1Loss(reduction="sum")),
        ("huber", nn.HuberLoss(delta=0.5, reduction="none")),
    ],
)
def test_regression_losses_match_torch(name, loss):
    value, grad = run(loss, REF["reg_a"], REF["reg_b"])
    np.testing.assert_allclose(value, REF[name], rtol=1e-12)
    np.testing.assert_allclose(grad, REF[f"{name}_grad"], rtol=1e-12)


@pytest.mark.parametrize(
    "name, module",
    [
        ("gelu", nn.GELU()),
        ("gelu_tanh", nn.GELU("tanh")),
        ("elu", nn.ELU(0.7)),
        ("softplus", nn.Softplus(beta=2.0, threshold=5.0)),
    ],
)
def test_activations_match_torch(name, module):
    value, grad = run(module, REF["act_x"])
    np.testing.assert_allclose(value, REF[name], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grad, REF[f"{name}_grad"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(module.derivative(REF["act_x"]), REF[f"{name}_grad"], rtol=1e-12,
                               atol=1e-15)  # fmt: skip


def test_prelu_per_channel_matches_torch():
    layer = nn.PReLU(2).double()
    layer.weight.data[:] = REF["prelu_w"]
    x = kb.Tensor(REF["prelu_x"].copy(), requires_grad=True)
    y = layer(x)
    y.backward(REF["prelu_up"])
    np.testing.assert_allclose(y.data, REF["prelu"], rtol=1e-14)
    np.testing.assert_allclose(x.grad, REF["prelu_grad_x"], rtol=1e-14)
    np.testing.assert_allclose(layer.weight.grad, REF["prelu_grad_w"], rtol=1e-12)


@pytest.mark.parametrize("name", ["bn1", "bn1l", "bn2"])
def test_batchnorm_after_three_batches_matches_torch(name):
    batches = REF[f"{name}_batches"]
    layer = (nn.BatchNorm2d(3) if batches.ndim == 5 else nn.BatchNorm1d(3)).double()
    layer.weight.data[:] = REF[f"{name}_gamma"]
    layer.bias.data[:] = REF[f"{name}_beta"]
    for batch in batches[:-1]:
        layer(batch)
    x = kb.Tensor(batches[-1].copy(), requires_grad=True)
    y = layer(x)
    y.backward(REF[f"{name}_up"])
    np.testing.assert_allclose(y.data, REF[f"{name}_y"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad, REF[f"{name}_grad_x"], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(layer.weight.grad, REF[f"{name}_grad_gamma"], rtol=1e-10)
    np.testing.assert_allclose(layer.bias.grad, REF[f"{name}_grad_beta"], rtol=1e-10)
    np.testing.assert_allclose(layer.running_mean, REF[f"{name}_running_mean"], rtol=1e-12)
    np.testing.assert_allclose(layer.running_var, REF[f"{name}_running_var"], rtol=1e-12)
    layer.eval()
    np.testing.assert_allclose(layer(REF[f"{name}_test"]).data, REF[f"{name}_eval"], rtol=1e-10,
                               atol=1e-12)  # fmt: skip


def test_gains_and_fans_match_torch():
    for name, gain in zip(REF["gain_names"], REF["gains"], strict=True):
        assert init.calculate_gain(str(name)) == pytest.approx(gain, rel=1e-15)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(REF["gain_leaky_0.2"], rel=1e-15)
    assert init.calculate_fan_in_and_fan_out(np.empty((16, 8, 3, 5))) == tuple(REF["conv_fans"])


def test_default_and_named_init_statistics_match_torch():
    layer = nn.Linear(784, 256, rng=0)
    w, b = layer.weight.data, layer.bias.data
    assert np.abs(w).max() == pytest.approx(REF["linear_weight_absmax"], rel=1e-3)
    assert w.std() == pytest.approx(REF["linear_weight_std"], rel=0.01)
    assert np.abs(b).max() == pytest.approx(REF["linear_bias_absmax"], rel=0.02)
    k = init.kaiming_normal_(np.empty((512, 300)), mode="fan_out", nonlinearity="relu", rng=0)
    assert k.std() == pytest.approx(REF["kaiming_normal_fan_out_std"], rel=0.02)
    x = init.xavier_uniform_(np.empty((512, 300)), gain=math.sqrt(2), rng=0)
    assert np.abs(x).max() == pytest.approx(REF["xavier_uniform_absmax"], rel=1e-3)
