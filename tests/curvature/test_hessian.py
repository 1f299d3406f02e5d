"""The Hessian of a model's loss: exact products against the full matrix, finite differences
and numpy.linalg.eigh, on an MLP of about 1,000 parameters in float64."""

import numpy as np
import pytest

from kobai import nn
from kobai.curvature import Hessian, hessian_matrix, hvp, select_parameters
from kobai.data import DataLoader
from kobai.models import MLP


def mlp(sizes, dtype=np.float64):
    return MLP(sizes[0], list(sizes[1:-1]), sizes[-1], activation="tanh", rng=0, dtype=dtype)


def make_problem(sizes, n):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], n)
    model = mlp(sizes)
    hessian = Hessian(model, nn.CrossEntropyLoss(), (x, y))
    return model, x, y, hessian, hessian.matrix()


@pytest.fixture(scope="module")
def problem():
    # 10*30+30 + 30*20+20 + 20*4+4 = 1,034 parameters: its full Hessian is 1,034 products.
    return make_problem((10, 30, 20, 4), 80)


@pytest.fixture(scope="module")
def small():
    # 4*6+6 + 6*5+5 + 5*3+3 = 83 parameters, the same layout.
    return make_problem((4, 6, 5, 3), 40)


@pytest.mark.slow
def test_size_names_and_symmetry(problem):
    model, _, _, hessian, matrix = problem
    assert hessian.size == 1034 and matrix.shape == (1034, 1034)
    assert hessian.names[:2] == ["1.weight", "1.bias"]  # 0 is the MLP's Flatten
    assert hessian.hvp_count >= 1034
    # The products themselves are symmetric to rounding, before matrix() symmetrises.
    rng = np.random.default_rng(1)
    u, v = rng.standard_normal((2, 1034))
    assert abs(u @ hessian.hvp(v) - v @ hessian.hvp(u)) < 1e-12 * np.linalg.norm(matrix)


def test_hvp_matches_the_matrix_and_finite_differences(small):
    model, x, y, hessian, matrix = small
    v = np.random.default_rng(2).standard_normal(hessian.size)
    exact = hessian.hvp(v)
    np.testing.assert_allclose(exact, matrix @ v, atol=1e-12 * np.abs(exact).max())
    difference = Hessian(model, nn.CrossEntropyLoss(), (x, y), method="finite-difference")
    np.testing.assert_allclose(difference.hvp(v), exact, atol=1e-7 * np.abs(exact).max())
    # The function form gives the same numbers.
    np.testing.assert_array_equal(hvp(model, nn.CrossEntropyLoss(), (x, y), v), exact)


@pytest.mark.slow
def test_top_five_eigenvalues_match_eigh(problem):
    _, _, _, hessian, matrix = problem
    exact = np.linalg.eigh(matrix)[0][::-1][:5]
    found = hessian.eigenvalues(5, rng=0, tol=1e-6)
    np.testing.assert_allclose(found.eigenvalues, exact, rtol=1e-6)
    assert found.converged and found.iterations < hessian.size
    assert found.residuals.max() < 1e-6 * exact[0]
    v = found.eigenvectors
    np.testing.assert_allclose(matrix @ v, v * found.eigenvalues, atol=1e-6 * exact[0])


@pytest.mark.slow
def test_hutchinson_trace_is_within_three_standard_errors(problem):
    _, _, _, hessian, matrix = problem
    est = hessian.trace(rng=0, probes=100)
    assert abs(est.trace - np.trace(matrix)) < 3 * est.stderr


@pytest.mark.slow
def test_slq_density_integrates_to_one_with_the_right_moments(problem):
    _, _, _, hessian, matrix = problem
    n = hessian.size
    density = hessian.density(rng=0, probes=12, steps=15)
    dx = np.diff(density.grid)
    mass = np.sum(0.5 * (density.density[1:] + density.density[:-1]) * dx)
    assert abs(mass - 1.0) < 1e-6
    for p, exact in ((1, np.trace(matrix) / n), (2, np.sum(matrix * matrix) / n)):
        samples = density.moment_samples(p)
        assert abs(samples.mean() - exact) < 3 * samples.std(ddof=1) / np.sqrt(samples.size)


def test_a_loader_averages_batches_weighted_by_their_size(small):
    model, x, y, hessian, matrix = small
    v = np.random.default_rng(3).standard_normal(hessian.size)
    # Batches of 16, 16 and 8: an unweighted mean of batch Hessians would differ.
    loader = DataLoader(x, y, batch_size=16, shuffle=False)
    batched = Hessian(model, nn.CrossEntropyLoss(), loader)
    assert len(batched.batches) == 3
    np.testing.assert_allclose(batched.hvp(v), matrix @ v, atol=1e-12 * np.abs(matrix @ v).max())
    generator = ((x[i : i + 25], y[i : i + 25]) for i in range(0, 40, 25))
    once = Hessian(model, nn.CrossEntropyLoss(), generator)
    np.testing.assert_allclose(once.hvp(v), once.hvp(v))  # read once, kept
    np.testing.assert_allclose(once.hvp(v), matrix @ v, atol=1e-12 * np.abs(matrix @ v).max())


def test_a_layer_or_a_subset_gives_the_diagonal_block(small):
    model, x, y, _, matrix = small
    loss = nn.CrossEntropyLoss()
    # Flatten (0), Linear (1), Tanh (2), Linear (3), Tanh (4), Linear (5): 30, 35, 18 values.
    assert [n for n, _ in select_parameters(model, "3")] == ["3.weight", "3.bias"]
    block = hessian_matrix(model, loss, (x, y), params="3")
    np.testing.assert_allclose(block, matrix[30:65, 30:65], atol=1e-13)
    last = hessian_matrix(model, loss, (x, y), params=model[5])
    np.testing.assert_allclose(last, matrix[65:, 65:], atol=1e-13)
    chosen = [model[1].bias, "5.bias"]
    pick = np.r_[24:30, 80:83]
    subset = hessian_matrix(model, loss, (x, y), params=chosen)
    np.testing.assert_allclose(subset, matrix[np.ix_(pick, pick)], atol=1e-13)
    with pytest.raises(ValueError, match="no parameter is named '2' or starts with '2.'"):
        select_parameters(model, "2")


def test_the_hessian_of_a_linear_model_is_known_exactly():
    # L = mean((w x + b - y)^2): H = 2/N [x 1]^T [x 1], whatever y and the parameters are.
    model = nn.Linear(2, 1).double()
    x = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    y = np.array([[0.5], [-1.0], [2.0]])
    features = np.hstack([x, np.ones((3, 1))])
    matrix = Hessian(model, nn.MSELoss(), (x, y)).matrix()
    np.testing.assert_allclose(matrix, 2 / 3 * features.T @ features, atol=1e-15)


def test_float32_products_agree_with_float64(small):
    _, x, y, hessian, matrix = small
    model32 = mlp((4, 6, 5, 3), np.float32)
    h32 = Hessian(model32, nn.CrossEntropyLoss(), (x.astype(np.float32), y))
    v = np.random.default_rng(4).standard_normal(h32.size)
    out = h32.hvp(v)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, matrix @ v, atol=1e-4 * np.abs(matrix @ v).max())


def test_the_model_keeps_its_mode_and_gradients(small):
    model, x, y, hessian, _ = small
    model.train()
    marker = np.full(model[1].weight.shape, 7.0)
    model[1].weight.grad = marker
    hessian.gradient()
    hessian.hvp(np.ones(hessian.size))
    assert model.training and model[1].weight.grad is marker
    # A Hessian over the last layer only leaves the first layer's .grad alone too.
    last = Hessian(model, nn.CrossEntropyLoss(), (x, y), params="5")
    last.gradient()
    last.hvp(np.ones(last.size))
    assert model[1].weight.grad is marker and model[5].weight.grad is None
    model[1].weight.grad = None


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda h, d: h.eigenvalues(84),
            "k must be <= the number of parameters (83), got k = 84",
        ),
        (lambda h, d: h.hvp(np.full(83, np.nan)), "v has 83 non-finite entries"),
        (lambda h, d: h.hvp(np.ones(3)), "v must have shape (83,), got shape (3,)"),
        (
            lambda h, d: Hessian(d[0], nn.MSELoss(), []),
            "data yielded no batches (got an empty list)",
        ),
        (
            lambda h, d: Hessian(d[0], nn.MSELoss(), iter([])),
            "data yielded no batches (got an empty list_iterator)",
        ),
        (
            lambda h, d: Hessian(d[0], nn.MSELoss(), (d[1], d[2][:5])),
            "x and y must have the same length >= 1, got 40, 5",
        ),
        (
            lambda h, d: Hessian(d[0], nn.MSELoss(), (d[1], d[2]), params="9"),
            "no parameter is named '9'",
        ),
        (
            lambda h, d: Hessian(d[0], nn.MSELoss(), (d[1], d[2]), method="fd"),
            "method must be one of",
        ),
        (lambda h, d: h.matrix(max_params=50), "the limit is max_params = 50"),
    ],
)
def test_bad_input_is_one_clear_error(small, make, message):
    model, x, y, hessian, _ = small
    with pytest.raises(ValueError) as info:
        make(hessian, (model, x, y))
    assert message in str(info.value)


def test_loss_and_gradient_are_those_of_the_mean_over_batches(small):
    model, x, y, hessian, _ = small
    from kobai import Tensor

    loader = DataLoader(x, y, batch_size=16, shuffle=False)
    batched = Hessian(model, nn.CrossEntropyLoss(), loader)
    expected = float(nn.CrossEntropyLoss()(model(Tensor(x)), y).data)
    assert batched.loss() == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(batched.gradient(), hessian.gradient(), atol=1e-15)
    assert "83 parameters, 3 batches, 40 samples, float64" in repr(batched)


def test_float32_eigenvalues_converge_with_the_default_tolerance(small):
    _, x, y, _, matrix = small
    h32 = Hessian(mlp((4, 6, 5, 3), np.float32), nn.CrossEntropyLoss(), (x.astype(np.float32), y))
    found = h32.eigenvalues(2, rng=0)
    assert found.converged and found.iterations < 60
    np.testing.assert_allclose(found.eigenvalues, np.linalg.eigvalsh(matrix)[::-1][:2], rtol=1e-4)
