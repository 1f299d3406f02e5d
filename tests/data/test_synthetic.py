"""Synthetic data sets: shapes, dtypes, seeds, and the geometry each one promises."""

import numpy as np
import pytest

from kobai.data import (
    make_blobs,
    make_circles,
    make_moons,
    make_sine,
    make_single_neuron,
    make_spiral,
    make_xor,
)

CLASSIFIERS = {
    "moons": lambda rng: make_moons(101, noise=0.1, rng=rng),
    "circles": lambda rng: make_circles(101, factor=0.5, noise=0.1, rng=rng),
    "spiral": lambda rng: make_spiral(101, n_arms=4, noise=0.1, rng=rng),
    "xor": lambda rng: make_xor(101, noise=0.1, rng=rng),
    "blobs": lambda rng: make_blobs(101, centers=3, rng=rng),
}
REGRESSIONS = {
    "sine": lambda rng: make_sine(101, noise=0.1, rng=rng),
    "single_neuron": lambda rng: make_single_neuron(101, noise=0.1, rng=rng),
}
ALL = {**CLASSIFIERS, **REGRESSIONS}


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classification_shapes_and_dtypes(name):
    X, y = CLASSIFIERS[name](0)
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64


@pytest.mark.parametrize("name", REGRESSIONS)
def test_regression_shapes_and_dtypes(name):
    x, t = REGRESSIONS[name](0)
    assert x.shape == (101, 1) and t.shape == (101, 1)
    assert x.dtype == np.float32 and t.dtype == np.float32


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_data_other_seed_other_data(name):
    make = ALL[name]
    a, b, c = make(3), make(3), make(4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    # A Generator is used as given (and advanced); global state is never touched.
    state = np.random.get_state()[1].copy()
    gen = np.random.default_rng(3)
    np.testing.assert_array_equal(make(gen)[0], a[0])
    assert not np.array_equal(make(gen)[0], a[0])
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_moons_are_two_interleaving_half_circles_of_radius_1():
    X, y = make_moons(200, rng=0)
    upper, lower = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    assert len(upper) == len(lower) == 100
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(*(lower - [1.0, 0.5]).T), 1.0, atol=1e-6)
    assert upper[:, 1].min() >= -1e-6 and lower[:, 1].max() <= 0.5 + 1e-6
    # Interleaved: each moon's tip reaches into the other's hollow.
    assert upper[:, 0].min() == pytest.approx(-1) and upper[:, 0].max() == pytest.approx(1)
    assert lower[:, 0].min() == pytest.approx(0) and lower[:, 0].max() == pytest.approx(2)
    # Noise spreads the radii by about its standard deviation.
    X, y = make_moons(4000, noise=0.05, rng=1)
    radii = np.hypot(*X[y == 0].T)
    assert abs(radii.mean() - 1) < 0.01 and 0.04 < radii.std() < 0.06


def test_circles_radii_ratio_is_factor():
    X, y = make_circles(301, factor=0.3, rng=0)
    radius = np.hypot(*X.T.astype(np.float64))
    assert (y == 0).sum() == 151 and (y == 1).sum() == 150
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(radius[y == 1], 0.3, atol=1e-6)
    # Evenly spread angles: the mean point of each circle is the centre.
    np.testing.assert_allclose(X[y == 1].mean(axis=0), 0.0, atol=1e-6)


def test_spiral_arms_follow_their_curve():
    X, y = make_spiral(300, n_arms=3, turns=1.25, rng=0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    X = X.astype(np.float64)
    r = np.hypot(*X.T)
    assert r.min() > 0 and r.max() == pytest.approx(1.0)
    expected = 2 * np.pi * y / 3 + 2 * np.pi * 1.25 * r
    wrapped = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(wrapped, 0.0, atol=1e-5)
    X, y = make_spiral(10, n_arms=4, rng=0)
    assert np.bincount(y).tolist() == [3, 3, 2, 2]


def test_xor_labels_follow_the_sign_rule():
    X, y = make_xor(500, rng=0)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) * np.sign(X[:, 1]) < 0).astype(int))
    assert np.abs(X).max() <= 1 and 200 < y.sum() < 300
    # With noise the labels stay those of the clean points, so a few cross the axes.
    X, y = make_xor(2000, noise=0.1, rng=0)
    agree = (np.sign(X[:, 0]) * np.sign(X[:, 1]) < 0) == (y == 1)
    assert 0.8 < agree.mean() < 1.0


def test_blobs_means_near_centres():
    centres = np.array([[0.0, 0.0], [5.0, -5.0], [-3.0, 8.0]])
    X, y = make_blobs(3000, centers=centres, cluster_std=0.5, rng=0)
    assert np.bincount(y).tolist() == [1000, 1000, 1000]
    for k, centre in enumerate(centres):
        # Standard error of each mean is 0.5 / sqrt(1000) ~ 0.016.
        np.testing.assert_allclose(X[y == k].mean(axis=0), centre, atol=0.06)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, atol=0.05)


def test_blobs_random_centres_in_the_box():
    X, y = make_blobs(50, centers=4, n_features=3, cluster_std=0.0, center_box=(-2, 2), rng=0)
    assert X.shape == (50, 3) and np.bincount(y).tolist() == [13, 13, 12, 12]
    centres = np.array([X[y == k][0] for k in range(4)])
    assert np.abs(centres).max() <= 2
    for k in range(4):
        np.testing.assert_array_equal(X[y == k], np.broadcast_to(centres[k], X[y == k].shape))


def test_sine_targets_follow_sin():
    x, t = make_sine(500, frequency=2.0, x_range=(-1.0, 3.0), rng=0)
    assert x.min() >= -1 and x.max() <= 3
    np.testing.assert_allclose(t, np.sin(2.0 * x.astype(np.float64)), atol=1e-6)
    x, t = make_sine(5000, noise=0.2, rng=0)
    residual = t - np.sin(x)
    assert abs(residual.mean()) < 0.01 and residual.std() == pytest.approx(0.2, abs=0.01)


def test_single_neuron_least_squares_recovers_w_and_b():
    # Without noise the sigmoid inverts exactly: logit(t) = w x + b is a straight line.
    x, t = make_single_neuron(200, w=1.5, b=-0.5, rng=0)
    x, t = x[:, 0].astype(np.float64), t[:, 0].astype(np.float64)
    slope, intercept = np.polyfit(x, np.log(t / (1 - t)), 1)
    assert slope == pytest.approx(1.5, abs=1e-4) and intercept == pytest.approx(-0.5, abs=1e-4)


def _gauss_newton_sigmoid(x, t, w, b, steps=30):
    for _ in range(steps):
        y = 1 / (1 + np.exp(-(w * x + b)))
        d = y * (1 - y)
        J = np.stack([d * x, d], axis=1)
        step, *_ = np.linalg.lstsq(J, t - y, rcond=None)
        w, b = w + step[0], b + step[1]
    return w, b


def test_single_neuron_with_noise_has_its_mse_minimum_near_the_truth():
    x, t = make_single_neuron(4000, w=2.0, b=-1.0, noise=0.05, rng=0)
    x, t = x[:, 0].astype(np.float64), t[:, 0].astype(np.float64)
    w, b = _gauss_newton_sigmoid(x, t, 0.5, 0.0)
    assert w == pytest.approx(2.0, abs=0.05) and b == pytest.approx(-1.0, abs=0.05)


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
def test_single_neuron_loss_is_zero_at_the_true_parameters(activation):
    x, t = make_single_neuron(100, w=-1.2, b=0.7, activation=activation, rng=1)
    x, t = x.astype(np.float64), t.astype(np.float64)
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z}[activation]

    def loss(w, b):
        return np.mean((f(w * x + b) - t) ** 2)

    assert loss(-1.2, 0.7) < 1e-12
    for dw, db in [(0.1, 0), (-0.1, 0), (0, 0.1), (0, -0.1)]:
        assert loss(-1.2 + dw, 0.7 + db) > 1e-4
    if activation == "identity":
        x, t = make_single_neuron(3000, w=-1.2, b=0.7, activation="identity", noise=0.3, rng=2)
        slope, intercept = np.polyfit(x[:, 0], t[:, 0], 1)
        assert slope == pytest.approx(-1.2, abs=0.03) and intercept == pytest.approx(0.7, abs=0.03)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"factor must be in \(0, 1\), got 1.5"):
        make_circles(factor=1.5)
    with pytest.raises(ValueError, match=r"noise must be a finite number >= 0, got -0\.1"):
        make_moons(noise=-0.1)
    with pytest.raises(
        TypeError, match=r"n_samples must be an integer in \[1, 10000000\], got 10\.0"
    ):
        make_xor(10.0)
    with pytest.raises(ValueError, match=r"n_samples must be an integer in \[1, 10000000\], got 0"):
        make_sine(0)
    with pytest.raises(
        ValueError, match="activation must be one of 'sigmoid', 'tanh', 'relu', 'identity'"
    ):
        make_single_neuron(activation="softplus")
    with pytest.raises(ValueError, match=r"n_samples must be >= n_arms \(5\), got 3"):
        make_spiral(3, n_arms=5)
    with pytest.raises(
        ValueError, match=r"centers must have shape \(n_centers, n_features\), got \(3,\)"
    ):
        make_blobs(centers=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="x_range must be .low, high. with low < high"):
        make_sine(x_range=(1.0, 0.0))
    with pytest.raises(TypeError, match="rng must be a numpy Generator"):
        make_moons(rng="seed")
