"""The per-step bookkeeping of fit, done once per epoch where it can be, records what a
hand-written loop records."""

from __future__ import annotations

import math

import numpy as np

import kobai as kb
from kobai import nn
from kobai.data import make_moons
from kobai.optim import SGD
from kobai.train import fit


def _net(seed: int = 0) -> nn.Module:
    return nn.Sequential(
        nn.Linear(2, 8, rng=seed), nn.Tanh(), nn.Dropout(0.25, rng=seed), nn.Linear(8, 2, rng=1)
    )


def _by_hand(model, x, y, batch, lr, seed):
    """One epoch as fit runs it: the same shuffle, steps, norms and accuracy."""
    from kobai.data import DataLoader

    opt, loss_fn = SGD(model.parameters(), lr=lr), nn.CrossEntropyLoss()
    loader = DataLoader(x, y, batch_size=batch, shuffle=True, rng=np.random.default_rng(seed))
    norms: dict[str, float] = {}
    total = correct = 0.0
    steps = 0
    for xb, yb in loader:
        model.train()
        opt.zero_grad()
        out = model(kb.Tensor(xb))
        loss = loss_fn(out, yb)
        loss.backward()
        squares: dict[str, float] = {}
        for name, p in model.named_parameters():
            layer = name.rpartition(".")[0]
            squares[layer] = squares.get(layer, 0.0) + float(np.sum(p.grad.astype(np.float64) ** 2))
        for layer, sq in squares.items():
            norms[layer] = norms.get(layer, 0.0) + math.sqrt(sq)
        opt.step()
        total += loss.item() * len(xb)
        correct += float(np.mean(out.data.argmax(1) == yb)) * len(xb)
        steps += 1
    return total / len(x), correct / len(x), {k: v / steps for k, v in norms.items()}


def test_one_epoch_matches_a_hand_written_loop_from_eval_mode():
    x, y = make_moons(100, noise=0.2, rng=0)
    x = x.astype(np.float32)
    fitted, manual = _net(), _net()
    # fit puts the model in training mode itself (dropout active), whatever mode it was in.
    fitted.eval()
    h = fit(fitted, (x, y), loss=nn.CrossEntropyLoss(),
            optimizer=SGD(fitted.parameters(), lr=0.3), batch_size=16, epochs=1, rng=3)  # fmt: skip
    loss, acc, norms = _by_hand(manual, x, y, 16, 0.3, 3)
    assert h["train_loss"][0] == loss
    assert h["train_accuracy"][0] == acc
    for layer in ("0", "3"):
        assert math.isclose(h[f"grad_norm/{layer}"][0], norms[layer], rel_tol=1e-6)
    for a, b in zip(fitted.parameters(), manual.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_accuracy_is_a_python_float_equal_to_the_mean_of_hits():
    from kobai.train.metrics import accuracy

    rng = np.random.default_rng(0)
    for n in (1, 3, 7, 100, 999):
        out, target = rng.standard_normal((n, 4)), rng.integers(0, 4, n)
        value = accuracy(out, target)
        assert type(value) is float
        assert value == float(np.mean(out.argmax(1) == target))
