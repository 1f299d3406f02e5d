"""The Optimizer shell: parameter groups, lazy state, zero_grad, closures, state_dict by index."""

from __future__ import annotations

import numpy as np
import pytest

import kobai as kb
from kobai import optim


def param(*values: float) -> kb.Tensor:
    return kb.tensor(np.array(values), dtype=np.float64, requires_grad=True)


def test_a_set_of_parameters_is_refused_with_the_reason():
    with pytest.raises(TypeError, match="ordering of tensors in sets"):
        optim.SGD({param(1.0), param(2.0)}, lr=0.1)
    w = param(1.0)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {param(2.0)}})


def test_a_generator_of_parameters_is_accepted():
    ws = [param(1.0), param(2.0)]
    opt = optim.SGD((w for w in ws), lr=0.1)
    assert opt.param_groups[0]["params"] == ws


def test_a_single_tensor_or_an_empty_list_is_refused():
    with pytest.raises(TypeError, match="iterable of Tensors or dicts, but got Tensor"):
        optim.SGD(param(1.0), lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="can only optimize Tensors, got ndarray"):
        optim.Adam([np.zeros(2)])  # type: ignore[list-item]


def test_non_leaf_and_duplicated_parameters_are_refused():
    w = param(1.0, 2.0)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="same parameter twice"):
        optim.SGD([w, w], lr=0.1)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [w]})


def test_groups_take_their_own_hyper_parameters_and_the_defaults():
    a, b = param(1.0), param(1.0)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    assert opt.param_groups[1]["params"] == [b]
    a.grad, b.grad = np.array([1.0]), np.array([1.0])
    opt.step()
    assert (a.data[0], b.data[0]) == (pytest.approx(0.9), pytest.approx(0.5))


def test_group_hyper_parameters_are_validated():
    w = param(1.0)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.Adam([{"params": [w], "lr": -1}])
    opt = optim.Adam([w])
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        opt.add_param_group({"params": [param(2.0)], "betas": (0.9, 1.0)})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([param(3.0)])  # type: ignore[arg-type]


def test_add_param_group_then_step_updates_the_new_group():
    a, b = param(1.0), param(1.0)
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 0.2})
    a.grad, b.grad = np.array([1.0]), np.array([1.0])
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [0.9, 0.8])


def test_parameters_without_gradient_are_skipped_and_get_no_state():
    a, b = param(1.0), param(1.0)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = np.array([1.0])
    opt.step()
    assert b.data[0] == 1.0 and b not in opt.state
    assert opt.state[a]["step"] == 1
    assert list(opt.state_dict()["state"]) == [0]


def test_state_is_created_lazily():
    w = param(1.0)
    opt = optim.Adam([w])
    assert len(opt.state) == 0
    w.grad = np.array([1.0])
    opt.step()
    assert set(opt.state[w]) == {"step", "exp_avg", "exp_avg_sq"}


def test_zero_grad_sets_none_or_zeros_in_place():
    w = param(1.0, 2.0)
    opt = optim.SGD([w], lr=0.1)
    w.grad = grad = np.array([3.0, 4.0])
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and not grad.any()
    opt.zero_grad()
    assert w.grad is None


def test_step_runs_the_closure_with_gradients_on():
    w = param(3.0)
    opt = optim.SGD([w], lr=0.1)

    def closure() -> kb.Tensor:
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with kb.no_grad():
        loss = opt.step(closure)
    assert float(loss.item()) == 9.0
    assert w.data[0] == pytest.approx(3 - 0.1 * 6)


def test_state_dict_refers_to_parameters_by_index_and_copies():
    a, b, c = param(1.0), param(1.0, 2.0), param(1.0)
    opt = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    for p in (a, b, c):
        p.grad = np.ones_like(p.data)
    opt.step()
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2]]
    assert set(state["state"]) == {0, 1, 2}
    assert state["param_groups"][1]["lr"] == 0.5
    saved = state["state"][1]["momentum_buffer"]
    np.testing.assert_array_equal(saved, [1.0, 1.0])
    opt.step()  # the buffer moves on; the saved copy does not
    np.testing.assert_array_equal(saved, [1.0, 1.0])


def test_load_state_dict_restores_hyper_parameters_and_casts_state():
    w = param(1.0, 2.0)
    opt = optim.Adam([w], lr=0.1)
    w.grad = np.array([1.0, -1.0])
    opt.step()
    state = opt.state_dict()
    w32 = kb.tensor([1.0, 2.0], requires_grad=True)  # float32
    again = optim.Adam([w32], lr=0.5)
    again.load_state_dict(state)
    assert again.param_groups[0]["lr"] == 0.1
    assert again.param_groups[0]["params"] == [w32]
    assert again.state[w32]["exp_avg"].dtype == np.float32
    assert again.state[w32]["step"] == 1


def test_load_state_dict_rejects_mismatched_layouts():
    w = param(1.0)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = np.array([1.0])
    opt.step()
    state = opt.state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [param(1.0)]}, {"params": [param(1.0)]}], lr=0.1).load_state_dict(
            state
        )
    with pytest.raises(ValueError, match="1 parameters where this optimizer has 2"):
        optim.SGD([param(1.0), param(1.0)], lr=0.1).load_state_dict(state)
    with pytest.raises(ValueError, match=r"shape \(1,\) but its parameter has shape \(3,\)"):
        optim.SGD([param(1.0, 2.0, 3.0)], lr=0.1).load_state_dict(state)


def test_state_dict_survives_an_npz_round_trip(tmp_path):
    w = param(1.0, 2.0)
    opt = optim.NAdam([w], lr=0.1)
    w.grad = np.array([1.0, -1.0])
    opt.step()
    flat = {f"{i}/{k}": v for i, s in opt.state_dict()["state"].items() for k, v in s.items()}
    np.savez(tmp_path / "opt.npz", **flat)
    with np.load(tmp_path / "opt.npz", allow_pickle=False) as data:
        loaded: dict = {}
        for key in data.files:
            index, name = key.split("/")
            loaded.setdefault(index, {})[name] = data[key]
    again = optim.NAdam([param(1.0, 2.0)], lr=0.1)
    again.load_state_dict({"state": loaded, "param_groups": opt.state_dict()["param_groups"]})
    restored = again.state[again.param_groups[0]["params"][0]]
    assert restored["step"] == 1 and isinstance(restored["step"], int)
    assert restored["mu_product"] == opt.state[w]["mu_product"]


def test_repr_lists_the_groups():
    text = repr(optim.Adam([param(1.0)], lr=0.1))
    assert text.startswith("Adam (\nParameter Group 0\n")
    assert "    lr: 0.1" in text and "    betas: (0.9, 0.999)" in text


def test_trains_a_model_through_autograd(rng):
    F = kb.functional
    X = kb.tensor(rng.standard_normal((32, 4)).astype(np.float32))
    onehot = np.eye(2, dtype=np.float32)[(rng.standard_normal(32) > 0).astype(int)]
    w1 = kb.tensor(0.5 * rng.standard_normal((4, 8)).astype(np.float32), requires_grad=True)
    w2 = kb.tensor(0.5 * rng.standard_normal((8, 2)).astype(np.float32), requires_grad=True)
    opt = optim.Adam(p for p in (w1, w2))
    opt.param_groups[0]["lr"] = 0.05
    losses = []
    for _ in range(30):
        opt.zero_grad()
        logp = F.log_softmax(F.matmul(F.tanh(F.matmul(X, w1)), w2), axis=1)
        loss = -(logp * onehot).sum() / 32
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    assert losses[-1] < 0.5 * losses[0]
    assert w1.data.dtype == np.float32 and w1.grad is not None and w1.grad.dtype == np.float32
