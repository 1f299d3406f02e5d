"""Module, Parameter, Sequential, ModuleList: registration, modes, state, printing."""

import numpy as np
import pytest

import kobai as kb
from kobai import nn


class TwoLayer(nn.Module):
    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        # Assigned in non-alphabetical order: registration must follow assignment order.
        self.second = nn.Linear(3, 4, rng=seed)
        self.act = nn.Tanh()
        self.first = nn.Linear(4, 2, rng=seed + 1)
        self.scale = nn.Parameter(np.array([2.0], dtype=np.float32))

    def forward(self, x):
        return self.first(self.act(self.second(x))) * self.scale


def test_parameters_are_registered_in_assignment_order_with_dotted_names():
    model = TwoLayer()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["scale", "second.weight", "second.bias", "first.weight", "first.bias"]
    assert [p.shape for p in model.parameters()] == [(1,), (4, 3), (4,), (2, 4), (2,)]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())


def test_children_and_modules_walk_the_tree_depth_first():
    inner = nn.Sequential(nn.Linear(2, 2, rng=0), nn.ReLU())
    model = nn.Sequential(inner, nn.Linear(2, 1, rng=0))
    assert [type(m).__name__ for m in model.children()] == ["Sequential", "Linear"]
    assert [name for name, _ in model.named_modules()] == ["", "0", "0.0", "0.1", "1"]
    assert len(list(model.modules())) == 5


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(2, 2, rng=0)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]


def test_parameter_wraps_data_without_copy_and_repr():
    data = np.zeros((2, 2), dtype=np.float32)
    p = nn.Parameter(data)
    assert p.data is data and p.requires_grad
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert isinstance(p, kb.Tensor)
    with pytest.raises(TypeError, match="only floating-point"):
        nn.Parameter(np.zeros(2, dtype=np.int64))


def test_call_runs_forward_and_gradients_reach_every_parameter():
    model = TwoLayer()
    out = model(np.ones((5, 3), dtype=np.float32))
    assert out.shape == (5, 2) and out.dtype == np.float32
    out.sum().backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in model.parameters())


def test_zero_grad_sets_none_or_zeros():
    model = TwoLayer()
    model(np.ones((2, 3), dtype=np.float32)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(np.all(p.grad == 0) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_train_and_eval_set_the_flag_on_the_whole_tree():
    model = nn.Sequential(nn.Sequential(nn.Dropout(0.5, rng=0)), nn.Linear(2, 2, rng=0))
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(TypeError, match="mode must be true or false, got 'yes'"):
        model.train("yes")


def test_state_dict_holds_parameters_and_buffers_with_torch_names():
    model = nn.Sequential(nn.Linear(3, 2, rng=0), nn.BatchNorm1d(2))
    state = model.state_dict()
    assert list(state) == [
        "0.weight", "0.bias", "1.weight", "1.bias",
        "1.running_mean", "1.running_var", "1.num_batches_tracked",
    ]  # fmt: skip
    assert all(isinstance(v, np.ndarray) for v in state.values())
    assert state["1.num_batches_tracked"].dtype == np.int64
    state["0.weight"][...] = 99  # a copy: the model is untouched
    assert not np.any(model[0].weight.data == 99)


def test_state_dict_round_trip_through_npz_continues_identically(tmp_path):
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    source = nn.Sequential(nn.Linear(3, 5, rng=0), nn.BatchNorm1d(5), nn.Linear(5, 2, rng=1))
    source(x)  # move the running statistics away from their initial values
    path = tmp_path / "model.npz"
    np.savez(path, **source.state_dict())
    target = nn.Sequential(nn.Linear(3, 5, rng=7), nn.BatchNorm1d(5), nn.Linear(5, 2, rng=8))
    weight = target[0].weight
    with np.load(path, allow_pickle=False) as saved:
        result = target.load_state_dict(saved)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target[0].weight is weight  # loaded in place: optimizers keep their references
    for key, value in source.state_dict().items():
        np.testing.assert_array_equal(target.state_dict()[key], value)
    source.eval(), target.eval()
    np.testing.assert_array_equal(source(x).data, target(x).data)


def test_load_state_dict_reports_missing_and_unexpected_keys():
    model = nn.Sequential(nn.Linear(2, 3, rng=0))
    state = model.state_dict()
    del state["0.bias"]
    state["0.extra"] = np.zeros(1)
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    message = str(info.value)
    assert "missing key(s): '0.bias'" in message
    assert "unexpected key(s): '0.extra'" in message
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["0.extra"]


def test_load_state_dict_names_the_mis_shaped_key_and_both_shapes():
    model = nn.Sequential(nn.Linear(2, 3, rng=0))
    state = model.state_dict()
    state["0.weight"] = np.zeros((2, 3))
    before = model[0].bias.data.copy()
    state["0.bias"] = np.ones(3)
    with pytest.raises(ValueError, match=r"'0\.weight': the value has shape \(2, 3\), the module's "
                       r"has shape \(3, 2\)"):  # fmt: skip
        model.load_state_dict(state, strict=False)
    np.testing.assert_array_equal(model[0].bias.data, before)  # nothing loaded on error


def test_register_buffer_follows_to_and_state_dict_but_not_parameters():
    class WithBuffer(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("counts", np.zeros(3, dtype=np.float32))
            self.register_buffer("scratch", np.zeros(2, dtype=np.float32), persistent=False)

    module = WithBuffer()
    assert list(module.parameters()) == []
    assert list(module.state_dict()) == ["counts"]
    assert [n for n, _ in module.named_buffers()] == ["counts", "scratch"]
    module.double()
    assert module.counts.dtype == np.float64
    with pytest.raises(TypeError, match="buffer 'counts'"):
        module.counts = [1, 2, 3]


def test_to_double_and_float_convert_parameters_grads_and_float_buffers_in_place():
    model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.BatchNorm1d(2))
    weight = model[0].weight
    model(np.ones((3, 2), dtype=np.float32)).sum().backward()
    assert model.double() is model
    assert model[0].weight is weight and weight.dtype == np.float64
    assert weight.grad.dtype == np.float64
    assert model[1].running_var.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64
    assert model(np.ones((3, 2))).dtype == np.float64
    model.float()
    assert all(p.dtype == np.float32 for p in model.parameters())
    with pytest.raises(TypeError, match="floating dtype"):
        model.to(np.int32)


def test_repr_shows_the_tree_like_pytorch():
    model = nn.Sequential(
        nn.Linear(784, 256, rng=0),
        nn.ReLU(),
        nn.Sequential(nn.Dropout(0.5, rng=0), nn.Linear(256, 10, bias=False, rng=0)),
    )
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=784, out_features=256, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.5)\n"
        "    (1): Linear(in_features=256, out_features=10, bias=False)\n"
        "  )\n"
        ")"
    )


def test_assignment_rules():
    layer = nn.Linear(2, 2, rng=0)
    with pytest.raises(TypeError, match="cannot assign Tensor as parameter 'weight'"):
        layer.weight = kb.tensor([1.0])
    layer.bias = None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(np.zeros(1, dtype=np.float32))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()
    del layer.weight
    assert list(layer.parameters()) == []


def test_forward_hook_sees_output_and_can_be_removed():
    layer = nn.Linear(2, 3, rng=0)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append(out.shape))
    layer(np.ones((4, 2), dtype=np.float32))
    handle.remove()
    layer(np.ones((1, 2), dtype=np.float32))
    assert seen == [(4, 3)]


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match=r"Module \[ModuleList\] is missing"):
        nn.ModuleList()(1)


def test_sequential_indexing_slicing_and_append():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU())
    model.append(nn.Linear(3, 1, rng=0))
    assert len(model) == 3 and isinstance(model[-1], nn.Linear)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is model[0]
    assert model(np.ones((5, 2), dtype=np.float32)).shape == (5, 1)
    with pytest.raises(IndexError, match="index 3 is out of range"):
        model[3]
    with pytest.raises(TypeError, match="item 0 is not a Module"):
        nn.Sequential(lambda x: x)
    named = nn.Sequential({"enc": nn.Linear(2, 2, rng=0), "act": nn.ReLU()})
    assert [n for n, _ in named.named_parameters()] == ["enc.weight", "enc.bias"]


def test_module_list_registers_its_items_and_renumbers():
    layers = nn.ModuleList([nn.Linear(2, 2, rng=i) for i in range(2)])
    layers.insert(0, nn.Linear(2, 2, rng=9))
    assert [n for n, _ in layers.named_parameters()][::2] == ["0.weight", "1.weight", "2.weight"]
    third = layers[2]
    del layers[0]
    assert len(layers) == 2 and layers[1] is third
    layers[0] = nn.ReLU()
    assert len(list(layers.parameters())) == 2
    layers.extend([nn.Tanh()])
    assert [type(m).__name__ for m in layers] == ["ReLU", "Linear", "Tanh"]


def test_deepcopy_and_pickle_keep_the_registry_consistent():
    import copy
    import pickle

    model = nn.Sequential(nn.Linear(3, 2, rng=0), nn.BatchNorm1d(2))
    model(np.ones((4, 3), dtype=np.float32)).sum().backward()
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        weight = clone[0].weight
        assert isinstance(weight, nn.Parameter) and weight is not model[0].weight
        assert weight is clone[0]._parameters["weight"]
        np.testing.assert_array_equal(weight.data, model[0].weight.data)
        np.testing.assert_array_equal(clone[1].running_mean, model[1].running_mean)
        weight.data += 1  # independent storage
        assert not np.array_equal(weight.data, model[0].weight.data)


def test_requires_grad_false_freezes_parameters():
    model = nn.Sequential(nn.Linear(3, 2, rng=0), nn.Linear(2, 1, rng=0))
    model[0].requires_grad_(False)
    model(np.ones((2, 3), dtype=np.float32)).sum().backward()
    assert model[0].weight.grad is None and model[1].weight.grad is not None


def test_register_checks_names():
    layer = nn.Linear(2, 2, rng=0)
    with pytest.raises(ValueError, match="contain no '.', got 'a.b'"):
        layer.register_buffer("a.b", np.zeros(1))
    with pytest.raises(ValueError, match="attribute 'forward' already exists on Linear"):
        layer.register_parameter("forward", None)
    with pytest.raises(TypeError, match="must be a Parameter or None, got Tensor"):
        layer.register_parameter("extra", kb.tensor([1.0]))
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        layer.add_module("child", 3)
