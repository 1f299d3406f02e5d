"""The textbook optimizers: hand-computed steps, and bit-identity with the book's own code."""

from __future__ import annotations

import numpy as np
import pytest

import kobai as kb
from kobai.optim import lr_scheduler, textbook


# The source document's classes (and the same book family's Nesterov and RMSprop), verbatim
# apart from names, as the oracle.
class BookSGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class BookMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class BookNesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]


class BookAdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class BookRMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate, self.h = lr, decay_rate, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class BookAdam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter, self.m, self.v = 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


PAIRS = {
    "SGD": (textbook.SGD, BookSGD, {"lr": 0.1}),
    "Momentum": (textbook.Momentum, BookMomentum, {"lr": 0.1, "momentum": 0.9}),
    "Nesterov": (textbook.Nesterov, BookNesterov, {"lr": 0.1, "momentum": 0.9}),
    "AdaGrad": (textbook.AdaGrad, BookAdaGrad, {"lr": 0.1}),
    "RMSprop": (textbook.RMSprop, BookRMSprop, {"lr": 0.01, "decay_rate": 0.99}),
    "Adam": (textbook.Adam, BookAdam, {"lr": 0.1, "beta1": 0.9, "beta2": 0.999}),
}

# f(w) = |w|^2 / 2 from w = (1, -2), so g = w. Worked out by hand from the rules, e.g.
# Momentum: v = -0.1 g -> (0.9, -1.8); v = 0.9 v - 0.1 w = (-0.18, 0.36) -> (0.72, -1.44); ...
# AdaGrad: h = 1 -> 1 - 0.1 * 1 / (1 + 1e-7) = 0.90000001; Adam: lr_t = 0.1 sqrt(0.001) / 0.1.
FIRST_THREE = {
    "SGD": [[0.9, -1.8], [0.81, -1.62], [0.729, -1.458]],
    "Momentum": [[0.9, -1.8], [0.72, -1.44], [0.486, -0.972]],
    "Nesterov": [[0.729, -1.458], [0.458541, -0.917082], [0.215522289, -0.431044578]],
    "AdaGrad": [
        [0.90000001, -1.900000005],
        [0.833103541399, -1.83112506121],
        [0.780456198761, -1.77582152397],
    ],
    "RMSprop": [
        [0.9000001, -1.90000005],
        [0.832918106575, -1.83094339955],
        [0.779982439279, -1.77534953106],
    ],
    "Adam": [
        [0.900000316227, -1.90000015811],
        [0.800412776216, -1.80016675787],
        [0.701587014865, -1.70062375837],
    ],
}


@pytest.mark.parametrize("name", PAIRS)
def test_first_three_steps_on_a_quadratic(name):
    cls, _, hyper = PAIRS[name]
    opt, params = cls(**hyper), {"w": np.array([1.0, -2.0])}
    seen = []
    for _ in range(3):
        opt.update(params, {"w": params["w"].copy()})
        seen.append(params["w"].copy())
    np.testing.assert_allclose(seen, FIRST_THREE[name], rtol=1e-11)


@pytest.mark.parametrize("name", PAIRS)
def test_bit_identical_to_the_book_code(name, rng):
    cls, book_cls, hyper = PAIRS[name]
    ours, book = cls(**hyper), book_cls(**hyper)
    mine = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(4)}
    theirs = {k: v.copy() for k, v in mine.items()}
    for _ in range(25):
        grads = {k: rng.standard_normal(v.shape) for k, v in mine.items()}
        ours.update(mine, grads)
        book.update(theirs, grads)
    for key in mine:
        np.testing.assert_array_equal(mine[key], theirs[key])


@pytest.mark.parametrize("name", PAIRS)
def test_tensor_mode_matches_dict_mode(name, rng):
    cls, _, hyper = PAIRS[name]
    w0 = rng.standard_normal(5)
    params = {"w": w0.copy()}
    w = kb.tensor(w0, dtype=np.float64, requires_grad=True)
    as_dict, as_tensor = cls(**hyper), cls([w], **hyper)
    for _ in range(10):
        grad = rng.standard_normal(5)
        as_dict.update(params, {"w": grad})
        w.grad = grad
        as_tensor.step()
        as_tensor.zero_grad()
        assert w.grad is None
    np.testing.assert_array_equal(w.data, params["w"])


@pytest.mark.parametrize("name", PAIRS)
def test_float32_stays_float32(name, rng):
    cls = PAIRS[name][0]
    w = kb.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    opt = cls([w])
    for _ in range(3):
        w.grad = rng.standard_normal(4).astype(np.float32)
        opt.step()
    assert w.data.dtype == np.float32
    assert all(a.dtype == np.float32 for a in opt.state[w].values())


def test_the_book_interface_reports_mistakes():
    opt = textbook.Momentum()
    with pytest.raises(KeyError, match="b1"):
        opt.update({"W1": np.zeros(2), "b1": np.zeros(2)}, {"W1": np.zeros(2)})
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        opt.update({"W1": np.zeros(2)}, {"W1": np.zeros(3)})
    with pytest.raises(TypeError, match="float"):
        textbook.SGD(0.01)  # type: ignore[arg-type]  # the book's lr must be passed by name


def test_adam_counts_one_step_for_all_parameters():
    opt = textbook.Adam()
    opt.update({"a": np.zeros(2), "b": np.zeros(3)}, {"a": np.ones(2), "b": np.ones(3)})
    assert opt.iter == 1
    state = opt.state_dict()
    assert state["iter"] == 1 and set(state["state"]) == {"a", "b"}
    again = textbook.Adam()
    again.load_state_dict(state)
    assert again.iter == 1
    np.testing.assert_array_equal(again.state["a"]["m"], opt.state["a"]["m"])


def test_a_scheduler_drives_the_textbook_learning_rate():
    w = kb.tensor([1.0], dtype=np.float64, requires_grad=True)
    opt = textbook.SGD([w], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(2):
        w.grad = np.array([1.0])
        opt.step()
        sched.step()
    assert w.data[0] == pytest.approx(1 - 0.1 - 0.05, rel=1e-15)


def test_one_cycle_cycles_the_textbook_momentum_and_beta1():
    w = kb.tensor([1.0], requires_grad=True)
    for opt, key in [(textbook.Momentum([w]), "momentum"), (textbook.Adam([w]), "beta1")]:
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10)
        assert opt.param_groups[0][key] == 0.95
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(textbook.SGD([w]), max_lr=0.1, total_steps=10)
