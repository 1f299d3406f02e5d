"""Loss along lines and over planes of real networks, and interpolation between two models."""

import numpy as np
import pytest

from kobai import nn, optim
from kobai.data import make_moons
from kobai.landscape.directions import model_state, random_directions
from kobai.landscape.network import (
    PlaneEvaluator,
    interpolate,
    loss_line,
    loss_surface,
    symmetric_grid,
)
from kobai.models import MLP
from kobai.train import evaluate, fit


@pytest.fixture(scope="module")
def moons() -> tuple[np.ndarray, np.ndarray]:
    x, y = make_moons(120, noise=0.2, rng=0)
    return x.astype(np.float32), y


def trained(moons: tuple[np.ndarray, np.ndarray], *, batchnorm: bool = False) -> MLP:
    model = MLP(2, [8, 8], 2, batchnorm=batchnorm, rng=0)
    fit(
        model,
        moons,
        loss=nn.CrossEntropyLoss(),
        optimizer=optim.Adam(model.parameters(), lr=0.05),
        epochs=5,
        batch_size=32,
        rng=0,
        progress=False,
    )
    return model


def moved(model: MLP, origin: dict, directions: list, coefficients: list[float]) -> MLP:
    """A separate copy of ``model`` at ``origin + sum c_k d_k``, built by hand."""
    copy = MLP(2, [8, 8], 2, batchnorm=model.spec["batchnorm"], rng=1)
    state = {k: v.copy() for k, v in model.state_dict().items()}
    for name, value in origin.items():
        state[name] = value.astype(np.float64)
        for c, d in zip(coefficients, directions, strict=True):
            if name in d:
                state[name] = state[name] + c * d[name].astype(np.float64)
    copy.load_state_dict(
        {k: np.asarray(v, dtype=model.state_dict()[k].dtype) for k, v in state.items()}
    )
    return copy


def test_the_surface_at_the_origin_is_the_models_own_loss(moons) -> None:
    model = trained(moons)
    loss = nn.CrossEntropyLoss()
    directions = random_directions(model, 2, rng=0)
    surface = loss_surface(model, loss, moons, directions, [-0.5, 0.0, 0.5], [0.0, 0.25])
    expected = evaluate(model, moons, loss)
    assert surface.loss.shape == (2, 3) and surface.metric_name == "accuracy"
    assert surface.loss[0, 1] == pytest.approx(expected["loss"], rel=1e-6)
    assert surface.metric[0, 1] == expected["accuracy"]
    assert surface.loss[0, 0] != surface.loss[0, 1]


def test_every_point_equals_a_model_built_there_by_hand(moons) -> None:
    model = trained(moons, batchnorm=True)
    loss = nn.CrossEntropyLoss()
    directions = random_directions(model, 2, rng=3, ignore_bias_bn=False)
    xs, ys = [-1.0, 0.3], [0.7, -0.2]
    surface = loss_surface(model, loss, moons, directions, xs, ys)
    origin = model_state(model)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            there = evaluate(moved(model, origin, directions, [x, y]), moons, loss)
            assert surface.loss[i, j] == pytest.approx(there["loss"], rel=1e-5)
            assert surface.metric[i, j] == there["accuracy"]


def test_fast_and_plain_paths_agree(moons) -> None:
    model = trained(moons)
    loss = nn.CrossEntropyLoss()
    directions = random_directions(model, 2, rng=4)
    grid = symmetric_grid(1.0, 5)
    fast = loss_surface(model, loss, moons, directions, grid, grid)
    handle = model.register_forward_hook(lambda m, i, o: None)  # a hook turns the shortcut off
    with PlaneEvaluator(model, loss, moons, directions=directions) as evaluator:
        assert evaluator.head is None
    plain = loss_surface(model, loss, moons, directions, grid, grid, batch_size=50)
    handle.remove()
    np.testing.assert_allclose(plain.loss, fast.loss, rtol=2e-5)


def test_convolutional_head_shortcut(rng) -> None:
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1, rng=0), nn.ReLU(), nn.Flatten(), nn.Linear(48, 3, rng=1)
    )
    x = rng.standard_normal((20, 1, 4, 4)).astype(np.float32)
    y = rng.integers(0, 3, 20)
    loss = nn.CrossEntropyLoss()
    d = random_directions(model, 1, rng=0, ignore_bias_bn=False)[0]
    line = loss_line(model, loss, (x, y), d, [0.0, 0.6])
    origin = model_state(model)
    model[0].weight.data += 0.6 * d["0.weight"]
    model[0].bias.data += 0.6 * d["0.bias"]
    model[3].weight.data += 0.6 * d["3.weight"]
    model[3].bias.data += 0.6 * d["3.bias"]
    assert line.loss[1] == pytest.approx(evaluate(model, (x, y), loss)["loss"], rel=1e-5)
    model.load_state_dict(origin)
    assert line.loss[0] == pytest.approx(evaluate(model, (x, y), loss)["loss"], rel=1e-6)


def test_the_model_is_left_as_it_was(moons) -> None:
    model = trained(moons, batchnorm=True)
    before = model.state_dict()
    model.train()
    directions = random_directions(model, 2, rng=0)
    loss_surface(model, nn.CrossEntropyLoss(), moons, directions, [1.0, 2.0], [3.0])
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before) and model.training


def test_interpolation_ends_are_the_initial_and_final_models(moons) -> None:
    initial = MLP(2, [8, 8], 2, batchnorm=True, rng=0)
    start = initial.state_dict()
    final = trained(moons, batchnorm=True)
    loss = nn.CrossEntropyLoss()
    path = interpolate(final, loss, moons, start, alphas=[0.0, 0.5, 1.0])
    assert path.loss[0] == pytest.approx(evaluate(initial, moons, loss)["loss"], rel=1e-6)
    assert path.loss[2] == pytest.approx(evaluate(final, moons, loss)["loss"], rel=1e-6)
    assert path.metric[0] == evaluate(initial, moons, loss)["accuracy"]
    half = MLP(2, [8, 8], 2, batchnorm=True, rng=1)
    end = final.state_dict()
    half.load_state_dict({k: ((start[k] + end[k]) / 2).astype(end[k].dtype) for k in end})
    assert path.loss[1] == pytest.approx(evaluate(half, moons, loss)["loss"], rel=1e-5)


def test_beyond_the_ends_only_the_parameters_extrapolate(moons) -> None:
    start = MLP(2, [8, 8], 2, batchnorm=True, rng=0).state_dict()
    final = trained(moons, batchnorm=True)
    end = final.state_dict()
    loss = nn.CrossEntropyLoss()
    path = interpolate(final, loss, moons, start, alphas=[1.5, -0.5, 1.0])
    for alpha, value, stats in ((1.5, path.loss[0], end), (-0.5, path.loss[1], start)):
        there = MLP(2, [8, 8], 2, batchnorm=True, rng=1)
        state = {k: (start[k] + alpha * (end[k] - start[k])).astype(end[k].dtype) for k in end}
        state.update({k: stats[k] for k in end if "running" in k})
        state["2.num_batches_tracked"] = end["2.num_batches_tracked"]
        there.load_state_dict(state)
        assert np.isfinite(value)
        assert value == pytest.approx(evaluate(there, moons, loss)["loss"], rel=1e-5)
    assert path.loss[2] == pytest.approx(evaluate(final, moons, loss)["loss"], rel=1e-6)


def test_a_line_is_a_row_of_the_surface(moons) -> None:
    model = trained(moons)
    loss = nn.CrossEntropyLoss()
    d1, d2 = random_directions(model, 2, rng=9)
    alphas = symmetric_grid(0.8, 5)
    line = loss_line(model, loss, moons, d1, alphas)
    surface = loss_surface(model, loss, moons, [d1, d2], alphas, [0.0])
    np.testing.assert_allclose(line.loss, surface.loss[0], rtol=1e-6)
    assert np.argmin(line.loss) == 2  # a trained model sits near the bottom of the slice


def test_regression_reports_r2(rng) -> None:
    model = MLP(3, [4], 1, rng=0)
    x = rng.standard_normal((30, 3)).astype(np.float32)
    y = (x @ [[1.0], [2.0], [-1.0]]).astype(np.float32)
    d = random_directions(model, 1, rng=0)[0]
    line = loss_line(model, nn.MSELoss(), (x, y), d, [0.0])
    assert line.metric_name == "r2"
    expected = evaluate(model, (x, y), nn.MSELoss())
    assert line.loss[0] == pytest.approx(expected["loss"], rel=1e-6)
    assert line.metric[0] == pytest.approx(expected["r2"], rel=1e-6)


def test_symmetric_grid() -> None:
    grid = symmetric_grid(1.0, 41)
    assert grid[20] == 0.0 and grid[0] == -1.0 and grid[-1] == 1.0 and len(grid) == 41
    with pytest.raises(ValueError, match="resolution must be an integer >= 2, got 1"):
        symmetric_grid(1.0, 1)
    with pytest.raises(ValueError, match="range must be a finite number > 0, got -1"):
        symmetric_grid(-1.0, 5)
    with pytest.raises(TypeError, match="resolution must be an int"):
        symmetric_grid(1.0, 4.5)  # type: ignore[arg-type]


def test_bad_input(moons) -> None:
    model = MLP(2, [3], 2, rng=0)
    loss = nn.CrossEntropyLoss()
    d = random_directions(model, 2, rng=0)
    with pytest.raises(ValueError, match="a surface needs 2 directions, got 1"):
        loss_surface(model, loss, moons, d[:1], [0.0], [0.0])
    with pytest.raises(ValueError, match="unknown parameter or buffer 'conv.weight'"):
        loss_line(model, loss, moons, {"conv.weight": np.zeros(2)}, [0.0])
    with pytest.raises(ValueError, match=r"'1.weight' has shape \(2, 2\)"):
        loss_line(model, loss, moons, {"1.weight": np.zeros((2, 2))}, [0.0])
    with pytest.raises(ValueError, match="alphas must be a non-empty 1-D sequence"):
        loss_line(model, loss, moons, d[0], [0.0, np.nan])
    with pytest.raises(ValueError, match="as many X as y"):
        loss_line(model, loss, (moons[0], moons[1][:5]), d[0], [0.0])
    with PlaneEvaluator(model, loss, moons, directions=d) as evaluator:
        with pytest.raises(ValueError, match="2 coefficient"):
            evaluator(1.0)
