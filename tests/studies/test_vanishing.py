"""The numbers behind the vanishing-gradients study, on cases with known answers."""

import math
from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.models import MLP
from kobai.studies.gradients import (
    gradient_ratio,
    hidden_activations,
    layer_gradient_norms,
    linear_layer_names,
    max_derivative,
)


def test_sigmoid_derivative_is_at_most_a_quarter() -> None:
    assert max_derivative("sigmoid") == (pytest.approx(0.25, abs=1e-12), pytest.approx(0.0))
    assert max_derivative("tanh")[0] == pytest.approx(1.0, abs=1e-12)
    assert max_derivative("relu")[0] == 1.0
    # Ten sigmoid layers: at most 0.25**10 of the gradient gets through the derivatives.
    assert max_derivative("sigmoid")[0] ** 10 == pytest.approx(9.5367431640625e-07)


def _chain(weights: list[float]) -> nn.Sequential:
    layers = [nn.Linear(1, 1, bias=False, dtype=np.float64) for _ in weights]
    for layer, w in zip(layers, weights, strict=True):
        layer.weight.data[...] = w
    return nn.Sequential(*layers)


def test_gradient_norms_of_a_linear_chain_are_products_of_the_other_weights() -> None:
    # y = w4 w3 w2 w1 x: dy/dw_i is x times the product of every other weight.
    weights, x = [0.5, -2.0, 0.25, 3.0], 1.5
    model = _chain(weights)
    norms = layer_gradient_norms(model, np.array([[x]]), None, lambda out, _: out.sum())
    expected = [abs(x * math.prod(w for j, w in enumerate(weights) if j != i)) for i in range(4)]
    assert list(norms.values()) == pytest.approx(expected, rel=1e-15)
    assert list(norms) == linear_layer_names(model)
    # first / last = (w4 w3 w2) / (w3 w2 w1) = w4 / w1
    assert gradient_ratio(norms) == pytest.approx(abs(weights[-1] / weights[0]), rel=1e-15)


def test_gradient_ratio_edge_cases() -> None:
    assert gradient_ratio([2.0, 4.0, 8.0]) == 0.25
    assert gradient_ratio([1.0, 0.0]) == math.inf
    assert math.isnan(gradient_ratio([0.0, 0.0]))
    with pytest.raises(ValueError, match="at least 2 layers"):
        gradient_ratio([1.0])


def test_layer_gradient_norms_match_fit_grad_norms() -> None:
    # The study's norm of a layer is fit's grad_norm/<layer>: weight and bias together.
    model = MLP(4, [3], 2, rng=0)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    y = np.array([0, 1, 1, 0, 1])
    norms = layer_gradient_norms(model, x, y, nn.CrossEntropyLoss())
    for name, module in model.named_modules():
        if name in norms:
            squares = sum(
                float(np.sum(p.grad.astype(np.float64) ** 2)) for p in module.parameters()
            )
            assert norms[name] == pytest.approx(math.sqrt(squares), rel=1e-6)


def test_hidden_activations_are_the_outputs_of_each_activation() -> None:
    model = MLP(3, [4, 5], 2, activation="sigmoid", rng=1)
    x = np.random.default_rng(1).standard_normal((6, 3)).astype(np.float32)
    outs = hidden_activations(model, x)
    assert [o.shape for o in outs] == [(6, 4), (6, 5)]
    first = model[1](kb.Tensor(x)).data  # model[0] is Flatten
    np.testing.assert_allclose(outs[0], 1 / (1 + np.exp(-first)), rtol=1e-6)
    assert not model._forward_hooks and all(not m._forward_hooks for m in model.modules())


def test_headline_labels_read_in_the_language_they_are_shown_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kobai.i18n import language
    from kobai.studies import registry, vanishing
    from kobai.studies.base import Context, headline_label

    monkeypatch.setattr(vanishing, "_find", lambda *args: {"ratio_init": 1.0})
    ctx = Context(registry.get("vanishing-gradients"), out=tmp_path, seed=0, quick=True)
    with language("en"):  # recorded in English ...
        vanishing._headlines(ctx, [])
    labels = {h.key: h for h in ctx.headlines}
    sigmoid, bound = labels["max_derivative/sigmoid"], labels["bound/sigmoid"]
    with language("en"):
        assert headline_label("vanishing-gradients", sigmoid) == "max of sigmoid'(x)"
    with language("ja"):  # ... and shown in Japanese
        assert headline_label("vanishing-gradients", sigmoid) == "sigmoid'(x) の最大値"
        assert (
            headline_label("vanishing-gradients", bound)
            == "0.25^10: シグモイドの導関数 10 個の積の上限"
        )
