"""The single neuron of source 000: the loss grid, the analytic gradient, descent in 3 modes."""

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.data import make_single_neuron
from kobai.landscape import neuron

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity", "leaky_relu", "elu", "softplus", "gelu"]


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return make_single_neuron(300, w=2.0, b=-1.0, noise=0.05, rng=1)


def loss_by_autograd(x, t, w, b, activation):  # type: ignore[no-untyped-def]
    """The MSE and its gradient through kobai's own layer and loss (an independent path)."""
    wt = kb.tensor([w], dtype="float64", requires_grad=True)
    bt = kb.tensor([b], dtype="float64", requires_grad=True)
    f = nn.activation.get(activation)
    y = f(kb.tensor(x.astype(np.float64)) * wt + bt)
    loss = nn.MSELoss()(y, kb.tensor(t.astype(np.float64)))
    loss.backward()
    return loss.item(), np.array([wt.grad[0], bt.grad[0]])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_grid_equals_the_loss_point_by_point(data, activation: str) -> None:  # type: ignore[no-untyped-def]
    x, t = data
    w_values, b_values = np.linspace(-2, 6, 9), np.linspace(-5, 3, 7)
    grid = neuron.loss_grid(x, t, w_values, b_values, activation)
    assert grid.shape == (7, 9) and grid.dtype == np.float32
    for i, b in enumerate(b_values):
        for j, w in enumerate(w_values):
            expected, _ = loss_by_autograd(x, t, w, b, activation)
            assert grid[i, j] == pytest.approx(expected, rel=2e-5, abs=1e-7)
            assert neuron.loss(x, t, w, b, activation) == pytest.approx(expected, rel=2e-5)


def test_grid_is_chunked_without_changing_the_numbers(data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    x, t = data
    w_values, b_values = np.linspace(-2, 6, 31), np.linspace(-5, 3, 29)
    whole = neuron.loss_grid(x, t, w_values, b_values)
    monkeypatch.setattr(neuron, "_CHUNK_BYTES", 31 * 29 * 4 * 7)  # 7 samples per chunk
    chunked = neuron.loss_grid(x, t, w_values, b_values)
    np.testing.assert_allclose(chunked, whole, rtol=1e-6)


def test_true_parameters_are_the_minimum_without_noise() -> None:
    x, t = make_single_neuron(100, w=2.0, b=-1.0, rng=0)
    assert neuron.loss(x, t, 2.0, -1.0) == pytest.approx(0.0, abs=1e-12)
    assert np.abs(neuron.gradient(x, t, 2.0, -1.0)).max() < 1e-6
    grid = neuron.loss_grid(x, t, np.linspace(0, 4, 41), np.linspace(-3, 1, 41))
    i, j = np.unravel_index(np.argmin(grid), grid.shape)
    assert (np.linspace(0, 4, 41)[j], np.linspace(-3, 1, 41)[i]) == pytest.approx((2.0, -1.0))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_analytic_gradient_of_source_000(data, activation: str) -> None:  # type: ignore[no-untyped-def]
    x, t = data
    for w, b in [(0.5, 0.3), (-1.0, 2.0), (3.0, -2.5)]:
        _, expected = loss_by_autograd(x, t, w, b, activation)
        assert neuron.gradient(x, t, w, b, activation) == pytest.approx(
            expected, rel=1e-5, abs=1e-9
        )


def test_gradient_formula_by_hand_on_two_points() -> None:
    # x = (1, -1), t = (1, 0), sigmoid at w = b = 0: y = 0.5 for both, f' = 0.25.
    # dL/dw = (2/2) [(0.5 - 1) 0.25 * 1 + (0.5 - 0) 0.25 * (-1)] = -0.25
    # dL/db = (2/2) [(0.5 - 1) 0.25 + 0.5 * 0.25] = 0
    g = neuron.gradient(np.array([1.0, -1.0]), np.array([1.0, 0.0]), 0.0, 0.0)
    assert g.tolist() == pytest.approx([-0.25, 0.0])


def contour_tangent(w_values, b_values, grid, point):  # type: ignore[no-untyped-def]
    """Unit tangent of the contour line through ``point``, from matplotlib's contour tracer."""
    import contourpy

    W, B = np.meshgrid(w_values, b_values)
    gen = contourpy.contour_generator(W, B, grid)
    level = _bilinear(w_values, b_values, grid, point)
    best = None
    for line in gen.lines(level):
        d = np.linalg.norm(line - point, axis=1)
        k = int(np.argmin(d))
        if best is None or d[k] < best[0]:
            best = (d[k], line, k)
    assert best is not None and best[0] < 0.02, "the contour passes through the point"
    _, line, k = best
    k = min(max(k, 1), len(line) - 2)
    tangent = line[k + 1] - line[k - 1]
    return tangent / np.linalg.norm(tangent)


def _bilinear(w_values, b_values, grid, point):  # type: ignore[no-untyped-def]
    from scipy.interpolate import RegularGridInterpolator

    return float(RegularGridInterpolator((b_values, w_values), grid)([point[1], point[0]])[0])


def test_gradient_arrows_are_orthogonal_to_the_contours(data) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("scipy")
    x, t = data
    w_values, b_values = np.linspace(-2, 6, 401), np.linspace(-5, 3, 401)
    grid = neuron.loss_grid(x, t, w_values, b_values).astype(np.float64)
    points, grads = neuron.gradient_arrows(x, t, [(0.0, 1.5), (1.0, -2.0), (3.0, 0.0), (4.0, -3.0)])
    for point, grad in zip(points, grads, strict=True):
        tangent = contour_tangent(w_values, b_values, grid, point)
        cosine = float(tangent @ grad) / np.linalg.norm(grad)
        assert abs(cosine) < 0.02


def test_full_batch_descent_follows_the_update_rule(data) -> None:  # type: ignore[no-untyped-def]
    x, t = data
    run = neuron.descend_neuron(x, t, (-1.5, 2.5), 2.0, 5)
    assert run.points.shape == (6, 2) and run.losses.shape == (6,)
    assert run.label == "full batch" and run.batch_size is None
    p = np.array([-1.5, 2.5])
    for k in range(5):
        p = p - 2.0 * neuron.gradient(x, t, *p)
        np.testing.assert_allclose(run.points[k + 1], p, rtol=1e-12)
    assert run.losses[0] == pytest.approx(neuron.loss(x, t, -1.5, 2.5))
    long = neuron.descend_neuron(x, t, (-1.5, 2.5), 2.0, 200)
    assert long.losses[-1] < 0.01 * long.losses[0]


def test_mini_batches_reshuffle_every_epoch_and_use_every_sample(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    x = np.arange(6, dtype=np.float64)
    t = np.zeros(6)
    seen = []
    original = neuron.gradient

    def spy(xb, tb, w, b, activation="sigmoid"):  # type: ignore[no-untyped-def]
        seen.append(sorted(np.asarray(xb).tolist()))
        return original(xb, tb, w, b, activation)

    monkeypatch.setattr(neuron, "gradient", spy)
    run = neuron.descend_neuron(x, t, (0, 0), 0.1, 6, batch_size=4, rng=0)
    assert [len(s) for s in seen] == [4, 2, 4, 2, 4, 2]
    assert sorted(seen[0] + seen[1]) == list(range(6)) == sorted(seen[2] + seen[3])
    assert seen[0] != seen[2] or seen[1] != seen[3]  # a new permutation each epoch
    assert run.label == "mini-batch (B = 4)"


def test_stochastic_mode_is_noisy_and_reproducible(data) -> None:  # type: ignore[no-untyped-def]
    x, t = data
    a = neuron.descend_neuron(x, t, (-1.5, 2.5), 0.5, 60, batch_size=1, rng=3)
    b = neuron.descend_neuron(x, t, (-1.5, 2.5), 0.5, 60, batch_size=1, rng=3)
    full = neuron.descend_neuron(x, t, (-1.5, 2.5), 0.5, 60)
    np.testing.assert_array_equal(a.points, b.points)
    assert a.label == "stochastic (B = 1)"
    assert np.abs(a.points - full.points).max() > 1e-3

    # Stochastic steps zig-zag: their directions turn much more than full-batch ones.
    def turning(points):  # type: ignore[no-untyped-def]
        steps = np.diff(points, axis=0)
        cos = (steps[1:] * steps[:-1]).sum(1) / (
            np.linalg.norm(steps[1:], axis=1) * np.linalg.norm(steps[:-1], axis=1)
        )
        return float(np.mean(cos))

    assert turning(a.points) < turning(full.points) - 0.2


def test_grid_too_large_is_refused_with_the_memory_needed(data) -> None:  # type: ignore[no-untyped-def]
    x, t = data
    axis = np.zeros(100_000)  # 1e10 cells x 16 bytes (float64 sum, float32 result and buffer)
    with pytest.raises(ValueError, match=r"100000 x 100000 grid needs at least 149\.0 GB"):
        neuron.loss_grid(x, t, axis, axis)
    with pytest.raises(ValueError, match="needs at least 11.7 KB"):
        neuron.loss_grid(x, t, np.zeros(30), np.zeros(25), max_bytes=1000)


def test_bad_input(data) -> None:  # type: ignore[no-untyped-def]
    x, t = data
    with pytest.raises(ValueError, match=r"got x \(300, 1\) and t \(299, 1\)"):
        neuron.loss_grid(x, t[:-1], [0.0], [0.0])
    with pytest.raises(ValueError, match="unknown activation 'softmax'.*valid: sigmoid"):
        neuron.loss_grid(x, t, [0.0], [0.0], "softmax")
    with pytest.raises(ValueError, match=r"steps must be an integer in \[1, 1000000\], got 0"):
        neuron.descend_neuron(x, t, (0, 0), 0.1, 0)
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        neuron.descend_neuron(x, t, (0, 0), 0.1, 3, batch_size=0)
    with pytest.raises(ValueError, match="start must be"):
        neuron.descend_neuron(x, t, (0, 0, 0), 0.1, 3)
    with pytest.raises(ValueError, match=r"lr must be a finite number >= 0, got -0\.1"):
        neuron.descend_neuron(x, t, (0, 0), -0.1, 3)
