"""LBFGS's contract: a closure, one group, a state_dict round trip that continues exactly;
and the registry keeping it out of per-update loops."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import kobai as kb
from kobai import optim


def quadratic(w: kb.Tensor, opt: optim.Optimizer):
    scale = np.array([1.0, 10.0, 3.0])

    def closure() -> float:
        opt.zero_grad()
        w.grad = scale * (w.data - 1.0)
        return float(0.5 * np.sum(scale * (w.data - 1.0) ** 2))

    return closure


def test_needs_a_closure_and_says_so():
    w = kb.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    opt = optim.LBFGS([w])
    w.grad = np.ones(2)
    with pytest.raises(ValueError, match=r"LBFGS.step needs a closure .* kobai train"):
        opt.step()


def test_one_group_only():
    a, b = (kb.tensor([1.0], requires_grad=True) for _ in range(2))
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = optim.LBFGS([a])
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        opt.add_param_group({"params": [b]})


def test_max_eval_defaults_to_five_quarters_of_max_iter():
    w = kb.tensor([1.0], requires_grad=True)
    assert optim.LBFGS([w], max_iter=8).param_groups[0]["max_eval"] == 10
    assert optim.LBFGS([w], 1, 20, 7).param_groups[0]["max_eval"] == 7  # PyTorch's positions


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_state_dict_round_trip_continues_exactly(line_search):
    w = kb.tensor([3.0, -2.0, 0.5], dtype=np.float64, requires_grad=True)
    opt = optim.LBFGS([w], lr=0.5, max_iter=3, history_size=2, line_search_fn=line_search)
    closure = quadratic(w, opt)
    for _ in range(2):
        opt.step(closure)
    copy = kb.tensor(w.data.copy(), dtype=np.float64, requires_grad=True)
    resumed = optim.LBFGS([copy])
    resumed.load_state_dict(opt.state_dict())
    assert resumed.param_groups[0]["history_size"] == 2
    resumed_closure = quadratic(copy, resumed)
    for _ in range(2):
        assert opt.step(closure) == resumed.step(resumed_closure)
    np.testing.assert_array_equal(w.data, copy.data)
    assert opt.state[w]["n_iter"] == resumed.state[copy]["n_iter"] > 6
    assert opt.state[w]["func_evals"] == resumed.state[copy]["func_evals"]


def test_converges_on_an_ill_conditioned_quadratic_and_stays_float32():
    w = kb.tensor([3.0, -2.0, 0.5], requires_grad=True)
    opt = optim.LBFGS([w], line_search_fn="strong_wolfe")
    loss = opt.step(quadratic(w, opt))
    assert loss == pytest.approx(0.5 * (4 + 10 * 9 + 3 * 0.25))
    np.testing.assert_allclose(w.data, [1.0, 1.0, 1.0], atol=1e-5)
    assert w.data.dtype == np.float32


def test_registry_keeps_closure_optimizers_apart():
    assert "lbfgs" not in optim.available()
    with_closure = optim.available(closure=True)
    assert "lbfgs" in with_closure
    assert [n for n in with_closure if n != "lbfgs"] == optim.available()
    w = kb.tensor([1.0], requires_grad=True)
    assert isinstance(optim.create("LBFGS", [w], history_size=5), optim.LBFGS)
    assert {"adamax", "rprop", "lion"} <= set(optim.available())
    assert optim.needs_closure("LBFGS") and not optim.needs_closure("adam")
    with pytest.raises(ValueError, match="unknown optimizer 'bfgs'"):
        optim.needs_closure("bfgs")


def test_kobai_train_refuses_lbfgs_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kobai", "train", "--optimizer", "lbfgs", "--data", "moons",
         "--epochs", "1", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "error: LBFGS.step needs a closure" in result.stderr
    assert "Traceback" not in result.stderr
