"""kobai.grad and create_graph: semantics of torch.autograd.grad, golden higher derivatives,
and one clear error for each misuse."""

import numpy as np
import pytest

import kobai as kb
import kobai.functional as F
from kobai.autograd.function import Function
from kobai.nn import functional as nnF


def _x(values, **kw):
    return kb.tensor(values, dtype="float64", requires_grad=True, **kw)


# -- golden values ----------------------------------------------------------------------------
def _tanh_derivatives(x: np.ndarray) -> list[np.ndarray]:
    t = np.tanh(x)
    s = 1 - t * t
    return [s, -2 * t * s, s * (6 * t * t - 2), 8 * t * s * (2 - 3 * t * t)]


def test_tanh_derivatives_up_to_order_4_match_closed_forms() -> None:
    points = np.array([-1.7, -0.4, 0.0, 0.3, 1.1])
    x = _x(points)
    y = F.tanh(x)
    for n, expected in enumerate(_tanh_derivatives(points), start=1):
        (y,) = kb.grad(y.sum(), x, create_graph=True)
        np.testing.assert_allclose(y.data, expected, rtol=1e-13, atol=1e-15, err_msg=f"n={n}")


def test_single_neuron_mse_hessian_matches_the_hand_derived_formula() -> None:
    # L(w, b) = 1/N sum (s(w x + b) - t)^2 with the sigmoid s; with y = s(z):
    # d2L/dw2 = 2/N sum (s'^2 + (y - t) s'') x^2, d2L/dwdb = ... x, d2L/db2 = ... 1.
    rng = np.random.default_rng(0)
    xs, ts = rng.uniform(-2, 2, 7), rng.uniform(0, 1, 7)
    w, b = _x(0.8), _x(-0.3)
    loss = nnF.mse_loss(F.sigmoid(w * xs + b), ts)
    gw, gb = kb.grad(loss, (w, b), create_graph=True)
    hww, hwb = kb.grad(gw, (w, b), retain_graph=True)
    hbw, hbb = kb.grad(gb, (w, b))
    y = 1 / (1 + np.exp(-(0.8 * xs - 0.3)))
    d1, d2 = y * (1 - y), y * (1 - y) * (1 - 2 * y)
    curvature = 2 / xs.size * (d1 * d1 + (y - ts) * d2)
    expected = [[np.sum(curvature * xs**2), np.sum(curvature * xs)],
                [np.sum(curvature * xs), np.sum(curvature)]]  # fmt: skip
    got = [[float(hww), float(hwb)], [float(hbw), float(hbb)]]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_gradient_of_a_gradient_of_x_cubed() -> None:
    x = _x(2.0)
    (dx,) = kb.grad(x**3, x, create_graph=True)
    (dxx,) = kb.grad(dx, x, create_graph=True)
    (dxxx,) = kb.grad(dxx, x)
    assert (float(dx), float(dxx), float(dxxx)) == (12.0, 12.0, 6.0)


def test_mixed_partial_derivatives_are_symmetric() -> None:
    a, b = _x([0.3, -0.8]), _x([1.2, 0.5])
    f = (F.exp(a * b) * F.tanh(a)).sum()
    ga, gb = kb.grad(f, (a, b), create_graph=True)
    (gab,) = kb.grad(ga.sum(), b, retain_graph=True)
    (gba,) = kb.grad(gb.sum(), a)
    np.testing.assert_allclose(gab.data, gba.data, rtol=1e-12)


# -- torch.autograd.grad semantics ------------------------------------------------------------
def test_grad_returns_a_tuple_and_leaves_dot_grad_alone() -> None:
    x, w = _x([1.0, 2.0]), _x([3.0, -1.0])
    out = kb.grad((x * w).sum(), [x, w])
    assert isinstance(out, tuple) and len(out) == 2
    np.testing.assert_array_equal(out[0].data, [3.0, -1.0])
    np.testing.assert_array_equal(out[1].data, [1.0, 2.0])
    assert x.grad is None and w.grad is None


def test_grad_with_respect_to_an_intermediate_tensor() -> None:
    x = _x([1.0, -2.0])
    h = x * 3
    (gh,) = kb.grad((h * h).sum(), h)
    np.testing.assert_array_equal(gh.data, [6.0, -12.0])


def test_grad_with_respect_to_a_leaf_and_a_tensor_computed_from_it() -> None:
    x = _x([1.0, -2.0])
    h = x * 3
    gh, gx = kb.grad((h * h).sum() + x.sum(), (h, x))
    np.testing.assert_array_equal(gh.data, [6.0, -12.0])
    np.testing.assert_array_equal(gx.data, [18.0 + 1.0, -36.0 + 1.0])  # through h and directly


def test_only_the_part_of_the_graph_that_leads_to_the_inputs_is_walked() -> None:
    x, w = _x([1.0, 2.0]), _x([3.0, 4.0])
    side = w * w  # leads only to w: its node is not walked for grad w.r.t. x
    (gx,) = kb.grad((x * 2).sum() + side.sum(), x)
    assert float(gx.sum()) == 4.0
    assert side.grad_fn.inputs is not None and w.grad is None


def test_grad_of_several_outputs_sums_their_vector_jacobian_products() -> None:
    x = _x([1.0, 2.0])
    (g,) = kb.grad([x * x, x.sum()], x, [np.array([1.0, 10.0]), None])
    np.testing.assert_array_equal(g.data, [2.0 + 1.0, 40.0 + 1.0])


def test_first_order_grads_own_their_arrays() -> None:
    a, b = _x([1.0, 2.0]), _x([3.0, 4.0])
    seed = np.array([1.0, 1.0])
    ga, gb = kb.grad(a + b, (a, b), seed)
    ga.data *= 10
    seed[:] = 7
    np.testing.assert_array_equal(gb.data, [1.0, 1.0])


def test_unused_input_raises_or_gives_none_with_allow_unused() -> None:
    x, unused = _x([1.0]), _x([2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"inputs\[1\] \(shape \(2,\)\) was not used"):
        kb.grad((x * 2).sum(), (x, unused))
    gx, gu = kb.grad((x * 2).sum(), (x, unused), allow_unused=True)
    assert gu is None and float(gx) == 2.0


def test_retain_graph_defaults_to_create_graph() -> None:
    x = _x(1.5)
    y = x * x
    kb.grad(y, x)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        kb.grad(y, x)
    z = x * x
    kb.grad(z, x, create_graph=True)
    (again,) = kb.grad(z, x)  # the graph was kept
    assert float(again) == 3.0


def test_backward_with_create_graph_leaves_a_differentiable_grad() -> None:
    x = _x([0.5, -1.0])
    (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, kb.Tensor) and x.grad.grad_fn is not None
    np.testing.assert_allclose(x.grad.data, 3 * x.data**2)
    (hess_diag,) = kb.grad(x.grad.sum(), x)
    np.testing.assert_allclose(hess_diag.data, 6 * x.data)


def test_backward_keeps_its_first_order_path_and_positional_arguments() -> None:
    x = _x([1.0, 2.0])
    y = x * x
    y.backward(np.array([1.0, 1.0]), True)  # gradient, retain_graph
    y.backward(gradient=np.array([0.5, 0.5]))
    np.testing.assert_array_equal(x.grad, [3.0, 6.0])
    assert type(x.grad) is np.ndarray


# -- misuse: one clear error each --------------------------------------------------------------
def test_create_graph_under_no_grad_is_refused() -> None:
    x = _x(2.0)
    y = x * x
    with kb.no_grad():
        with pytest.raises(RuntimeError, match=r"grad\(create_graph=True\) was called under "):
            kb.grad(y, x, create_graph=True)
        with pytest.raises(RuntimeError, match=r"backward\(create_graph=True\) was called under"):
            y.backward(create_graph=True)
    with kb.no_grad(), kb.enable_grad():
        (g,) = kb.grad(y, x, create_graph=True)
    assert float(g) == 4.0


def test_output_that_does_not_depend_on_any_input_is_refused() -> None:
    x = _x(1.0)
    with pytest.raises(RuntimeError, match=r"outputs\[0\] \(shape \(2,\)\) does not require grad"):
        kb.grad(kb.tensor([1.0, 2.0]), x)


def test_non_scalar_output_without_grad_outputs_is_refused() -> None:
    x = _x([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"output of shape \(2,\) is not a scalar: give "):
        kb.grad(x * 2, x)


def test_grad_outputs_of_the_wrong_shape_are_refused() -> None:
    x = _x([1.0, 2.0])
    with pytest.raises(ValueError, match=r"grad_outputs\[0\] must have the output's shape \(2,\), "
                       r"got shape \(3,\)"):  # fmt: skip
        kb.grad(x * 2, x, np.ones(3))
    with pytest.raises(ValueError, match=r"one gradient per output \(1\), got 2"):
        kb.grad(x * 2, x, [np.ones(2), np.ones(2)])


def test_input_that_does_not_require_grad_is_refused() -> None:
    x, c = _x(1.0), kb.tensor(2.0)
    with pytest.raises(RuntimeError, match=r"inputs\[1\] \(shape \(\)\) does not require grad"):
        kb.grad(x * c, (x, c))


def test_inputs_must_be_tensors() -> None:
    x = _x(1.0)
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a Tensor, got ndarray"):
        kb.grad(x * 2, [np.ones(1)])


class _FirstOrderOnly(Function):
    def forward(self, a: np.ndarray) -> np.ndarray:
        self.a = a
        return a * a

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (2 * grad * self.a,)


def test_an_op_without_a_differentiable_backward_names_itself() -> None:
    x = _x([1.0, 2.0])
    y = _FirstOrderOnly()(x).sum()
    (g,) = kb.grad(y, x, retain_graph=True)  # first order works
    np.testing.assert_array_equal(g.data, [2.0, 4.0])
    with pytest.raises(NotImplementedError, match="_FirstOrderOnly has no differentiable backward"):
        kb.grad(y, x, create_graph=True)


def test_landscape_trigonometric_ops_have_second_derivatives() -> None:
    from kobai.landscape import _math

    x = np.array([0.3, -1.1, 0.7])
    for fn in (_math.sin, _math.cos, _math.tan, _math.arctan):
        assert kb.gradgradcheck(fn, x)


def test_gradient_penalty_training_step_through_a_network() -> None:
    # loss + |d loss / d params|^2, backpropagated to the parameters (double backward), then
    # one optimizer step: the penalty's gradient matches central differences.
    from kobai import nn, optim

    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    params = list(model.parameters())

    def objective() -> kb.Tensor:
        loss = nn.CrossEntropyLoss()(model(x), t)
        grads = kb.grad(loss, params, create_graph=True)
        return loss + sum((g * g).sum() for g in grads)

    objective().backward()
    w = params[0]
    analytic = w.grad[1, 2]
    original = w.data[1, 2]
    values = []
    for step in (1e-6, -1e-6):
        w.data[1, 2] = original + step
        values.append(float(objective().data))
    w.data[1, 2] = original
    assert analytic == pytest.approx((values[0] - values[1]) / 2e-6, rel=1e-6)
    before = w.data.copy()
    optim.SGD(params, lr=0.1).step()
    np.testing.assert_allclose(w.data, before - 0.1 * w.grad)


def test_plain_backward_never_takes_the_graph_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # The training step's backward stays the NumPy engine walk; the general walk (the only
    # caller of backward_graph) is out of its way.
    from kobai.autograd import backprop

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the first-order backward took the create_graph path")

    monkeypatch.setattr(backprop, "backpropagate", refuse)
    x = _x([0.5, -1.5])
    (F.tanh(x) * x).sum().backward()
    np.testing.assert_allclose(x.grad, np.tanh(x.data) + x.data * (1 - np.tanh(x.data) ** 2))
