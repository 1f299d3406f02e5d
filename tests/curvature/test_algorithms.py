"""Lanczos, Hutchinson and SLQ on explicit symmetric matrices, against numpy.linalg.eigh."""

import numpy as np
import pytest

from kobai.curvature import (
    LinearOperator,
    hutchinson_trace,
    lanczos_tridiagonal,
    slq_density,
    top_eigenpairs,
)


def spectrum_matrix(eigenvalues, seed=0):
    """A dense symmetric matrix with the given eigenvalues in a random orthonormal basis."""
    n = len(eigenvalues)
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return (q * np.asarray(eigenvalues)) @ q.T


@pytest.fixture(scope="module")
def hessian_like():
    # A few outliers above a bulk near zero, with negative eigenvalues: the shape of a
    # network's Hessian.
    rng = np.random.default_rng(1)
    values = np.concatenate([[50.0, 31.0, 20.0, 12.0, 9.5], rng.normal(0, 0.5, 195)])
    return spectrum_matrix(values, seed=2)


def test_lanczos_basis_is_orthonormal_and_tridiagonalises(hessian_like):
    tri = lanczos_tridiagonal(hessian_like, np.ones(200), 60, rng=0)
    q = tri.basis
    np.testing.assert_allclose(q @ q.T, np.eye(60), atol=1e-12)
    np.testing.assert_allclose(q @ hessian_like @ q.T, tri.matrix(), atol=1e-10)


@pytest.mark.parametrize("which", ["LA", "SA", "LM"])
def test_top_eigenpairs_match_eigh(hessian_like, which):
    exact = np.linalg.eigh(hessian_like)[0]
    order = {"LA": -exact, "SA": exact, "LM": -np.abs(exact)}[which]
    want = exact[np.argsort(order)][:5]
    result = top_eigenpairs(hessian_like, k=5, rng=3, which=which, tol=1e-10)
    np.testing.assert_allclose(result.eigenvalues, want, rtol=1e-9)
    assert result.converged and result.iterations < 200
    assert result.residuals.max() < 1e-8 * np.abs(exact).max()
    v = result.eigenvectors
    np.testing.assert_allclose(
        hessian_like @ v, v * result.eigenvalues, atol=10 * result.residuals.max()
    )


def test_top_eigenpairs_is_reproducible_and_uses_the_rng(hessian_like):
    a = top_eigenpairs(hessian_like, k=2, rng=7)
    b = top_eigenpairs(hessian_like, k=2, rng=7)
    np.testing.assert_array_equal(a.eigenvectors, b.eigenvectors)
    c = top_eigenpairs(hessian_like, k=2, rng=8)
    assert not np.array_equal(a.eigenvectors, c.eigenvectors)


def test_repeated_eigenvalues_are_found_through_restarts():
    # Rank 3 with a double top eigenvalue: one start vector sees only one copy; the
    # Krylov space closes after a few steps and the restart finds the second.
    a = spectrum_matrix([5.0, 5.0, 2.0] + [0.0] * 17, seed=4)
    result = top_eigenpairs(a, k=3, rng=0, tol=1e-10)
    np.testing.assert_allclose(result.eigenvalues, [5.0, 5.0, 2.0], rtol=1e-9)


def test_small_matrix_is_solved_exactly():
    result = top_eigenpairs(np.diag([3.0, 1.0, 2.0]), k=3, rng=0)
    np.testing.assert_allclose(result.eigenvalues, [3.0, 2.0, 1.0], atol=1e-14)
    assert result.converged and result.iterations == 3


def test_hutchinson_is_within_three_standard_errors(hessian_like):
    est = hutchinson_trace(hessian_like, rng=0, probes=200)
    exact = np.trace(hessian_like)
    assert est.probes == 200 and est.samples.shape == (200,)
    assert est.stderr > 0
    assert abs(est.trace - exact) < 3 * est.stderr
    # The standard error is the spread of the samples, and the samples are v^T A v.
    np.testing.assert_allclose(est.stderr, est.samples.std(ddof=1) / np.sqrt(200))


def test_hutchinson_of_a_diagonal_matrix_is_exact():
    # Rademacher probes: v^T D v = sum of the diagonal for every v.
    est = hutchinson_trace(np.diag([1.0, -2.0, 7.5]), rng=0, probes=5)
    assert est.trace == 6.5 and est.stderr == 0.0


def test_slq_density_integrates_to_one_and_has_the_right_moments(hessian_like):
    n = hessian_like.shape[0]
    density = slq_density(hessian_like, rng=0, probes=30, steps=40)
    dx = np.diff(density.grid)
    mass = np.sum(0.5 * (density.density[1:] + density.density[:-1]) * dx)
    assert abs(mass - 1.0) < 1e-6
    np.testing.assert_allclose(density.weights.sum(axis=1), 1.0, atol=1e-12)
    traces = {1: np.trace(hessian_like) / n, 2: np.trace(hessian_like @ hessian_like) / n}
    for p, exact in traces.items():
        samples = density.moment_samples(p)
        stderr = samples.std(ddof=1) / np.sqrt(samples.size)
        assert abs(density.moment(p) - exact) < 3 * stderr + 1e-12
        # The broadened density keeps the quadrature's mean and adds sigma^2 to its
        # second moment.
        integrand = density.grid**p * density.density
        numeric = np.sum(0.5 * (integrand[1:] + integrand[:-1]) * dx)
        expected = density.moment(p) + (density.sigma**2 if p == 2 else 0.0)
        assert abs(numeric - expected) < 1e-5 * max(1.0, abs(expected))


def test_slq_quadrature_is_exact_per_probe():
    # With n steps the quadrature of every polynomial is exact for that probe.
    a = spectrum_matrix([4.0, 1.0, -1.0, 0.5, 2.0], seed=5)
    density = slq_density(a, rng=1, probes=1, steps=5)
    rng = np.random.default_rng(1)
    v = rng.integers(0, 2, size=5) * 2.0 - 1.0
    np.testing.assert_allclose(density.moment(3), v @ a @ a @ a @ v / 5, rtol=1e-10)


def test_linear_operator_is_accepted():
    op = LinearOperator(lambda v: np.array([2.0, 3.0]) * v, 2)
    assert top_eigenpairs(op, k=1, rng=0).eigenvalues[0] == pytest.approx(3.0)
    assert hutchinson_trace(op, rng=0, probes=3).trace == pytest.approx(5.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda a: top_eigenpairs(a, k=4), "between 1 and the matrix size n = 3, got k = 4"),
        (lambda a: top_eigenpairs(a, k=0), "got k = 0"),
        (
            lambda a: top_eigenpairs(a, which="XX"),
            "which must be one of 'LA', 'SA', 'LM', got 'XX'",
        ),
        (lambda a: hutchinson_trace(a, probes=0), "probes must be an integer >= 1, got 0"),
        (lambda a: slq_density(a, steps=0), "steps must be an integer >= 1, got 0"),
        (lambda a: slq_density(a, sigma=-1.0), "sigma must be a finite number > 0, got -1.0"),
        (lambda a: lanczos_tridiagonal(a, np.zeros(3), 2), "start vector must not be zero"),
        (
            lambda a: lanczos_tridiagonal(a, np.array([1.0, np.nan, 0.0]), 2),
            "start has 1 non-finite entries",
        ),
        (lambda a: top_eigenpairs(np.ones((2, 3))), "square and non-empty, got shape (2, 3)"),
        (lambda a: top_eigenpairs(np.triu(np.ones((3, 3)))), "must be symmetric"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError) as info:
        call(np.eye(3))
    assert message in str(info.value)


def test_non_finite_products_are_reported():
    op = LinearOperator(lambda v: v * np.inf, 3)
    with pytest.raises(FloatingPointError, match="not finite"):
        top_eigenpairs(op, rng=0)
