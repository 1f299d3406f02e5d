"""Numerical gradients see one fixed dropout mask per step, so they train like backprop."""

import json
from pathlib import Path

import numpy as np

from kobai import nn
from kobai.autograd import Tensor
from kobai.cli.main import main
from kobai.data import make_moons
from kobai.models import MLP
from kobai.train import numerical_gradients


def test_one_step_with_dropout_gives_backprops_gradients() -> None:
    x, y = make_moons(64, noise=0.2, rng=0)
    x = x.astype(np.float64)
    models = [MLP(2, [16], 2, dropout=0.5, rng=3, dtype=np.float64) for _ in range(2)]
    loss = nn.CrossEntropyLoss()
    value = loss(models[0](Tensor(x)), y)
    value.backward()
    numerical = numerical_gradients(models[1], loss, x, y, h=1e-6)
    assert abs(numerical - float(value.data)) < 1e-12
    for a, b in zip(models[0].parameters(), models[1].parameters(), strict=True):
        np.testing.assert_allclose(b.grad, a.grad, rtol=1e-5, atol=1e-8)
    # both leave the dropout generators where one training pass leaves them
    assert all(
        np.array_equal(a.mask, b.mask)
        for a, b in zip(models[0].modules(), models[1].modules(), strict=True)
        if isinstance(a, nn.Dropout)
    )
    assert models[0](Tensor(x)).data.tolist() == models[1](Tensor(x)).data.tolist()


def test_cli_defaults_train_the_same_with_either_gradient(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The README's example: moons, mlp:16, and every default (dropout 0.2, float32, Adam).
    history = {}
    for gradient in ("backprop", "numerical"):
        args = ["train", "--data", "moons", "--model", "mlp:16", "--gradient", gradient]
        assert main([*args, "--quiet", "--out", str(tmp_path), "--name", gradient]) == 0
        rows = json.loads((tmp_path / gradient / "history.json").read_text())["epochs"]
        history[gradient] = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    capsys.readouterr()
    back, num = history["backprop"], history["numerical"]
    # float32 differences round at about 1e-3 of the gradient: the runs agree to that order
    np.testing.assert_allclose(num["val_loss"], back["val_loss"], atol=5e-4)
    np.testing.assert_allclose(num["train_loss"], back["train_loss"], atol=5e-4)
    assert abs(num["val_accuracy"][-1] - back["val_accuracy"][-1]) <= 0.01
    assert back["val_accuracy"][-1] > 0.75 and num["val_accuracy"][-1] > 0.75
