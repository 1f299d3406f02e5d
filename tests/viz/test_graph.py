"""The computational graph, drawn: node and edge counts, gradients shown, SVG, summaries."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

import kobai as kb
from kobai import nn
from kobai.viz.graph import graph


def two_layer_loss():
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2))
    x = kb.tensor(rng.normal(size=(4, 2)).astype("float32"))
    return model, nn.CrossEntropyLoss()(model(x), kb.tensor(np.array([0, 1, 1, 0])))


def test_x_times_x_plus_x_has_three_tensors_two_ops_five_edges():
    x = kb.tensor(3.0, requires_grad=True)
    g = graph(x * x + x, params={"x": x})
    assert (g.count("tensor"), g.count("op"), g.count("summary")) == (3, 2, 0)
    kinds = [(g.nodes[s].kind, g.nodes[t].kind) for s, t in g.edges]
    assert (
        len(g.edges) == 5
    )  # x -> Mul (used twice: one edge), Mul -> x*x, x*x -> Add, x -> Add, Add -> out
    assert kinds.count(("tensor", "op")) == 3 and kinds.count(("op", "tensor")) == 2
    assert [n.name for n in g.nodes if n.kind == "op"] == ["Mul", "Add"]


def test_gradients_appear_after_backward_and_equal_grad():
    x = kb.tensor(3.0, requires_grad=True, dtype="float64")
    out = x * x + x
    g = graph(out, params={"x": x})
    assert "grad" not in g.nodes[0].label()
    out.backward()
    assert x.grad == 7.0
    assert g.nodes[0].label() == "x scalar\ndata 3\ngrad 7"
    square = next(n for n in g.nodes if n.kind == "tensor" and n.tensor.grad_fn is not None)
    assert square.tensor.grad == 1.0  # retained for the drawing: d out / d (x*x)
    assert square.label().endswith("grad 1")


def test_two_layer_mlp_with_cross_entropy():
    model, loss = two_layer_loss()
    g = graph(loss, params=model.named_parameters())
    loss.backward()
    # input, 2 weights, 2 biases, 2 hidden, logits, loss; Linear, Tanh, Linear, CrossEntropy.
    assert (g.count("tensor"), g.count("op"), len(g.edges)) == (9, 4, 12)
    named = {n.name: n for n in g.nodes if n.name and n.kind == "tensor"}
    assert set(named) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    for name, param in model.named_parameters():
        np.testing.assert_array_equal(named[name].tensor.grad, param.grad)
    bias = named["2.bias"].label().split("\n")
    shown = ", ".join(f"{v:.4g}".replace("-", "\u2212") for v in model[2].bias.grad)
    assert bias[2] == "grad [" + shown + "]"
    assert "-" not in "".join(n.label() for n in g.nodes if n.kind == "tensor")  # U+2212 only
    norm = np.linalg.norm(model[0].weight.grad)
    assert named["0.weight"].label() == f"0.weight (3, 2)\n|grad| {norm:.4g}"
    ranks = [n.rank for n in g.nodes]
    for s, t in g.edges:  # data flows left to right
        assert ranks[s] < ranks[t]


def test_svg_is_well_formed_and_png_is_written(tmp_path):
    model, loss = two_layer_loss()
    g = graph(loss, params=model.named_parameters())
    loss.backward()
    root = ET.fromstring(g._repr_svg_())
    assert root.tag.endswith("svg")
    paths = g.save(tmp_path / "graph", formats=("svg", "png"))
    assert [p.suffix for p in paths] == [".svg", ".png"]
    ET.parse(paths[0])
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_large_graph_is_summarised():
    z = h = kb.tensor(1.0, requires_grad=True)
    for _ in range(100):
        z = (z * 0.5).tanh()
    g = graph(z, max_nodes=30)
    assert len(g.nodes) <= 30
    assert g.count("summary") == 1
    summary = next(n for n in g.nodes if n.kind == "summary")
    assert summary.hidden_ops + g.count("op") == 200
    assert h not in [n.tensor for n in g.nodes]  # the leaf is behind the summary
    full = graph(z, depth=None, max_nodes=1000)
    assert full.count("op") == 200 and full.depth is None
    assert graph(z, depth=3).count("op") == 3


def test_errors_name_what_was_received():
    x = kb.tensor(2.0, requires_grad=True)
    y = x * x
    with pytest.raises(ValueError, match="max_nodes must be an integer >= 3, got 2"):
        graph(y, max_nodes=2)
    with pytest.raises(ValueError, match="depth must be an integer >= 0, got -1"):
        graph(y, depth=-1)
    with pytest.raises(ValueError, match="require grad"):
        graph(kb.tensor(1.0))
    y.backward()
    with pytest.raises(RuntimeError, match="freed"):
        graph(y)


def test_retain_grads_false_leaves_intermediates_alone():
    x = kb.tensor(3.0, requires_grad=True)
    out = (x * x).sum() * 2
    g = graph(out, retain_grads=False)
    out.backward()
    inner = [n.tensor for n in g.nodes if n.kind == "tensor" and n.tensor.grad_fn is not None]
    assert all(t.grad is None for t in inner if t is not out)


def test_the_text_form_is_one_line() -> None:
    x = kb.tensor(3.0, requires_grad=True)
    g = graph(x * x + x)
    assert repr(g) == "ComputationGraph(2 ops, 3 tensors, 5 edges)"


def test_save_and_svg_leave_no_figure_open_in_pyplot(tmp_path):
    from kobai.viz.style import pyplot

    x = kb.tensor([1.0, 2.0], requires_grad=True)
    g = graph((x * x + x).sum())
    before = pyplot().get_fignums()
    assert [p.name for p in g.save(tmp_path / "g", formats=("png", "svg"))] == ["g.png", "g.svg"]
    assert g.to_svg().lstrip().startswith("<?xml")
    assert pyplot().get_fignums() == before
