"""kobai.autograd.functional against torch.autograd.functional (values recorded by
scripts/record_autograd_functional.py) and against finite differences."""

from pathlib import Path

import numpy as np
import pytest

import kobai as kb
import kobai.functional as F
from kobai.autograd import functional as AF
from kobai.nn import functional as nnF

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "autograd"
with np.load(FIXTURE / "functional_reference.npz", allow_pickle=False) as _data:
    REF = {k: _data[k] for k in _data.files}


def vector(x):
    return F.tanh(x) * x.sum() + x**3


def pair(x, y):
    return x @ y, F.sigmoid(x).sum(axis=0) * F.exp(y)


def scalar(x):
    return F.logsumexp(x, axis=0) + (x**4).mean()


def scalar_pair(x, y):
    return F.softplus(x @ y).sum() + (x**2).sum() * F.tanh(y).sum()


def classifier(w, b):
    rng = np.random.default_rng(7)
    data, targets = rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    return nnF.cross_entropy(nnF.linear(data, w, b), targets)


CASES = {"vector": (vector, False), "pair": (pair, False), "scalar": (scalar, True),
         "scalar_pair": (scalar_pair, True), "classifier": (classifier, True)}  # fmt: skip


def _arrays(name: str, kind: str) -> list[np.ndarray]:
    return [REF[f"{name}/{kind}/{i}"] for i in range(4) if f"{name}/{kind}/{i}" in REF]


def _tensors(arrays: list[np.ndarray]) -> tuple:
    return tuple(kb.tensor(a, dtype="float64") for a in arrays)


def _close(got, key: str) -> None:
    if isinstance(got, tuple):
        for i, item in enumerate(got):
            _close(item, f"{key}/{i}")
        return
    assert isinstance(got, kb.Tensor) and got.grad_fn is None, key
    np.testing.assert_allclose(got.data, REF[key], rtol=1e-10, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch_autograd_functional(name: str) -> None:
    fn, is_scalar = CASES[name]
    xs = _tensors(_arrays(name, "input"))
    v_in, v_out = _tensors(_arrays(name, "v_in")), _tensors(_arrays(name, "v_out"))
    _close(AF.jacobian(fn, xs), f"{name}/jacobian")
    _close(AF.vjp(fn, xs, v_out)[1], f"{name}/vjp")
    _close(AF.jvp(fn, xs, v_in)[1], f"{name}/jvp")
    if is_scalar:
        _close(AF.hessian(fn, xs), f"{name}/hessian")
        _close(AF.hvp(fn, xs, v_in)[1], f"{name}/hvp")
        _close(AF.vhp(fn, xs, v_in)[1], f"{name}/hvp")  # the Hessian is symmetric


def test_fixture_covers_every_case() -> None:
    recorded = {key.split("/")[0] for key in REF if "/" in key}
    assert recorded == set(CASES)


def _numerical_jacobian(fn, xs: list[np.ndarray], eps: float = 1e-6) -> list[np.ndarray]:
    """d fn / d x_i by central differences, shape (output size, x_i size)."""

    def flat(*arrays):
        with kb.no_grad():
            return np.asarray(fn(*[kb.tensor(a, dtype="float64") for a in arrays]).data).ravel()

    blocks = []
    for i, x in enumerate(xs):
        columns = []
        for k in range(x.size):
            step = np.zeros(x.size)
            step[k] = eps
            up = [a if j != i else a + step.reshape(a.shape) for j, a in enumerate(xs)]
            down = [a if j != i else a - step.reshape(a.shape) for j, a in enumerate(xs)]
            columns.append((flat(*up) - flat(*down)) / (2 * eps))
        blocks.append(np.stack(columns, axis=1))
    return blocks


def test_jacobian_vjp_jvp_match_finite_differences() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(4)
    (numeric,) = _numerical_jacobian(vector, [x])
    jac = AF.jacobian(vector, kb.tensor(x, dtype="float64"))
    assert jac.shape == (4, 4)
    np.testing.assert_allclose(jac.data, numeric, rtol=1e-6, atol=1e-8)
    v, u = rng.standard_normal(4), rng.standard_normal(4)
    _, vjp = AF.vjp(vector, kb.tensor(x, dtype="float64"), kb.tensor(v, dtype="float64"))
    _, jvp = AF.jvp(vector, kb.tensor(x, dtype="float64"), kb.tensor(u, dtype="float64"))
    np.testing.assert_allclose(vjp.data, v @ numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(jvp.data, numeric @ u, rtol=1e-6, atol=1e-8)


def test_hessian_and_hvp_match_finite_differences_of_the_gradient() -> None:
    rng = np.random.default_rng(4)
    w, b = rng.standard_normal((2, 3)), rng.standard_normal(2)

    def gradient(w_, b_):
        with kb.enable_grad():
            gw, gb = kb.grad(classifier(w_.requires_grad_(), b_.requires_grad_()), (w_, b_))
        return kb.tensor(np.concatenate([gw.data.ravel(), gb.data]), dtype="float64")

    numeric = np.concatenate(_numerical_jacobian(gradient, [w, b]), axis=1)  # (8, 8)
    (hww, hwb), (hbw, hbb) = AF.hessian(classifier, _tensors([w, b]))
    assert (hww.shape, hwb.shape, hbw.shape, hbb.shape) == (
        (2, 3, 2, 3),
        (2, 3, 2),
        (2, 2, 3),
        (2, 2),
    )
    full = np.block([[hww.data.reshape(6, 6), hwb.data.reshape(6, 2)],
                     [hbw.data.reshape(2, 6), hbb.data.reshape(2, 2)]])  # fmt: skip
    np.testing.assert_allclose(full, numeric, rtol=1e-5, atol=1e-8)
    v = (rng.standard_normal((2, 3)), rng.standard_normal(2))
    _, (hv_w, hv_b) = AF.hvp(classifier, _tensors([w, b]), _tensors(list(v)))
    expected = numeric @ np.concatenate([v[0].ravel(), v[1]])
    np.testing.assert_allclose(np.concatenate([hv_w.data.ravel(), hv_b.data]), expected,
                               rtol=1e-5, atol=1e-8)  # fmt: skip


# -- structure, create_graph, strict, misuse ----------------------------------------------------
def test_results_follow_the_structure_of_inputs_and_outputs() -> None:
    x, y = kb.tensor([1.0, 2.0, 3.0], dtype="float64"), kb.tensor([0.5, -1.0, 2.0], dtype="float64")
    assert isinstance(AF.jacobian(lambda a: a * 2, x), kb.Tensor)
    single_out = AF.jacobian(lambda a, b: a * b, (x, y))
    assert isinstance(single_out, tuple) and len(single_out) == 2
    tuple_out = AF.jacobian(lambda a: (a * 2, a.sum()), x)
    assert [t.shape for t in tuple_out] == [(3, 3), (3,)]
    both = AF.jacobian(lambda a, b: (a * b, (a + b).sum()), (x, y))
    assert [[t.shape for t in row] for row in both] == [[(3, 3), (3, 3)], [(3,), (3,)]]
    out, _ = AF.vjp(lambda a: a * 2, x, x)
    assert out.grad_fn is None


def test_create_graph_keeps_results_differentiable() -> None:
    x = kb.tensor([0.3, -0.7], dtype="float64", requires_grad=True)
    h = AF.hessian(lambda a: (a**4).sum(), x, create_graph=True)
    (third,) = kb.grad(h.sum(), x)  # d/dx of diag(12 x^2) summed
    np.testing.assert_allclose(third.data, 24 * x.data)
    _, jv = AF.jvp(lambda a: F.exp(a), x, kb.tensor([1.0, 1.0], dtype="float64"), create_graph=True)
    (again,) = kb.grad(jv.sum(), x)
    np.testing.assert_allclose(again.data, np.exp(x.data))


def test_independent_inputs_give_zeros_or_a_strict_error() -> None:
    x, y = kb.tensor([1.0, 2.0], dtype="float64"), kb.tensor([3.0], dtype="float64")
    jx, jy = AF.jacobian(lambda a, b: a * 2, (x, y))
    np.testing.assert_array_equal(jy.data, np.zeros((2, 1)))
    with pytest.raises(RuntimeError, match="independent of input 1, which strict=True forbids"):
        AF.jacobian(lambda a, b: a * 2, (x, y), strict=True)
    hb = AF.hessian(lambda a, b: (a * a).sum() + b.sum(), (x, y))[1][1]
    np.testing.assert_array_equal(hb.data, np.zeros((1, 1)))


def test_misuse_is_refused_with_a_clear_message() -> None:
    x = kb.tensor([1.0, 2.0], dtype="float64")
    with pytest.raises(ValueError, match=r"vjp: v can be None only when every output has a single"):
        AF.vjp(lambda a: a * 2, x)
    with pytest.raises(
        ValueError, match=r"jvp: v\[0\] must have the shape \(2,\) of input 0, got \(3,\)"
    ):
        AF.jvp(lambda a: a * 2, x, kb.tensor([1.0, 2.0, 3.0], dtype="float64"))
    with pytest.raises(
        ValueError, match=r"hessian: func must return a single-element Tensor, got shape \(2,\)"
    ):
        AF.hessian(lambda a: a * 2, x)
    with pytest.raises(TypeError, match=r"jacobian: inputs must be a Tensor or a non-empty tuple"):
        AF.jacobian(lambda a: a, [np.ones(2)])
