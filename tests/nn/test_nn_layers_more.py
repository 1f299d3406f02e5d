"""LayerNorm, GroupNorm, Embedding, ModuleDict and ParameterList: hand-computed values and the
container protocols (PyTorch's numbers: test_nn_layer_torch_reference.py)."""

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.nn import functional as F


def test_layer_norm_standardises_each_sample_by_hand():
    x = np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 10.0, 10.0, 14.0]])
    y = nn.LayerNorm(4, eps=1e-12).double()(x).data
    mean, std = x.mean(axis=1, keepdims=True), x.std(axis=1, keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / std, rtol=1e-9)
    with pytest.raises(ValueError, match=r"does not end in normalized_shape \(3,\)"):
        F.layer_norm(x, 3)


def test_group_norm_with_one_group_per_channel_is_instance_norm():
    x = np.random.default_rng(0).standard_normal((2, 3, 5))
    y = F.group_norm(x, 3, eps=1e-5).data
    mean, var = x.mean(axis=2, keepdims=True), x.var(axis=2, keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-12)
    with pytest.raises(ValueError, match=r"GroupNorm\(2, 4, .*\) expected input \(N, 4, \*\)"):
        nn.GroupNorm(2, 4)(np.zeros((2, 3, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="num_groups must be >= 1 and divide the 3 channels"):
        F.group_norm(x, 2)


def test_embedding_rows_padding_and_gradient_accumulation():
    table = nn.Embedding(4, 2, padding_idx=1, rng=0)
    assert np.all(table.weight.data[1] == 0) and table.weight.data.std() > 0
    out = table(np.array([[0, 1, 0], [3, 1, 2]]))
    assert out.shape == (2, 3, 2)
    out.sum().backward()
    np.testing.assert_array_equal(table.weight.grad[:, 0], [2.0, 0.0, 1.0, 1.0])
    with pytest.raises(IndexError, match="index 4 is out of range for 4 embeddings"):
        table(np.array([4]))
    with pytest.raises(TypeError, match="indices must be integers, got dtype float64"):
        table(np.array([0.0]))


def test_embedding_max_norm_rescales_the_rows_looked_up_in_place():
    table = nn.Embedding.from_pretrained(np.array([[3.0, 4.0], [0.3, 0.4]]), max_norm=1.0)
    assert not table.weight.requires_grad
    np.testing.assert_allclose(table(np.array([1])).data, [[0.3, 0.4]])
    np.testing.assert_allclose(table.weight.data[0], [3.0, 4.0])  # not looked up yet
    np.testing.assert_allclose(table(np.array([0])).data, [[0.6, 0.8]], rtol=1e-6)
    np.testing.assert_allclose(table.weight.data[0], [0.6, 0.8], rtol=1e-6)
    assert repr(table) == "Embedding(2, 2, max_norm=1.0)"
    assert nn.Embedding.from_pretrained(np.eye(2), freeze=False).weight.requires_grad


def test_module_dict_behaves_like_an_ordered_dict_of_registered_modules():
    heads = nn.ModuleDict({"a": nn.Linear(2, 3, rng=0)})
    heads["b"] = nn.ReLU()
    heads.update([("c", nn.Linear(3, 1, rng=1))])
    assert list(heads) == ["a", "b", "c"] and len(heads) == 3 and "b" in heads
    assert [k for k, _ in heads.items()] == heads.keys()
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "c.weight", "c.bias"]
    assert isinstance(heads.pop("b"), nn.ReLU) and "b" not in heads
    with pytest.raises(KeyError, match="ModuleDict has no module 'b'"):
        heads["b"]
    with pytest.raises(TypeError, match="is not a Module"):
        heads["d"] = 3
    heads.clear()
    assert len(heads) == 0 and list(heads.parameters()) == []


def test_parameter_list_registers_and_state_dict_round_trips():
    plist = nn.ParameterList([np.ones(3), kb.tensor([1.0, 2.0])])
    plist.append(nn.Parameter(np.zeros((2, 2))))
    assert len(plist) == 3 and [n for n, _ in plist.named_parameters()] == ["0", "1", "2"]
    assert all(isinstance(p, nn.Parameter) for p in plist)
    plist[1] = np.full(2, 7.0)
    other = nn.ParameterList([np.zeros(3), np.zeros(2), np.ones((2, 2))])
    other.load_state_dict(plist.state_dict())
    np.testing.assert_array_equal(other[1].data, [7.0, 7.0])
    assert "(2): Parameter containing: [float64 of size 2x2]" in repr(plist)
    with pytest.raises(TypeError, match="item 3 must be a Parameter, Tensor or float ndarray"):
        plist.append([1, 2])
    with pytest.raises(IndexError, match="index 5 is out of range for a ParameterList"):
        plist[5]


def test_embedding_scale_grad_by_freq_divides_by_the_count_and_keeps_values():
    table = nn.Embedding(3, 2, scale_grad_by_freq=True, rng=0)
    idx = np.array([0, 0, 0, 2])
    out = table(idx)
    np.testing.assert_array_equal(out.data, table.weight.data[idx])  # exactly the rows
    out.sum().backward()
    np.testing.assert_array_equal(table.weight.grad[:, 0], [1.0, 0.0, 1.0])
    assert repr(table) == "Embedding(3, 2, scale_grad_by_freq=True)"
    with pytest.raises(ValueError, match="sparse gradients are not supported"):
        nn.Embedding(3, 2, sparse=True)
