"""The backprop tab's API: the graph, each backward step and the check, equal to kobai's own."""

import contextlib
import io
from urllib.parse import quote

import numpy as np
import pytest

import kobai as kb
from kobai.landscape._math import exp, log, sigmoid
from kobai.web.backprop import PRESETS

from .conftest import Client


def leaf(value: float) -> kb.Tensor:
    return kb.Tensor(value, requires_grad=True, dtype=np.float64)


def get(client: Client, expr: str, **values: float) -> dict:
    extra = "".join(f"&{k}={v!r}" for k, v in values.items())
    answer = client.get(f"/api/backprop?expr={quote(expr)}{extra}")
    assert answer.status == 200, answer.body
    return answer.json()


def test_the_neuron_preset_gives_the_leaf_grads_of_backward(client: Client) -> None:
    x, w, b, t = leaf(1.5), leaf(0.5), leaf(-0.2), leaf(1.0)
    loss = (sigmoid(w * x + b) - t) ** 2
    loss.backward()
    data = get(client, "(sigmoid(w*x + b) - t)**2", x=1.5, w=0.5, b=-0.2, t=1.0)
    assert data["output"] == float(loss.data)
    assert data["grads"] == {
        "w": float(w.grad),
        "x": float(x.grad),
        "b": float(b.grad),
        "t": float(t.grad),
    }
    # The hand-written chain rule: dL/db = 2 (s - t) s (1 - s).
    s = 1 / (1 + np.exp(-(0.5 * 1.5 - 0.2)))
    assert data["grads"]["b"] == pytest.approx(2 * (s - 1) * s * (1 - s), rel=1e-14)
    assert data["grads"]["w"] == pytest.approx(1.5 * 2 * (s - 1) * s * (1 - s), rel=1e-14)
    ops = [n["op"] for n in data["nodes"] if n["kind"] == "op"]
    assert sorted(ops) == ["Add", "Mul", "PowScalar", "Sigmoid", "Sub"]
    assert data["order"][0] == next(n["id"] for n in data["nodes"] if n["op"] == "PowScalar")


def test_every_step_is_local_derivative_times_upstream(client: Client) -> None:
    data = get(client, "-log(exp(a) / (exp(a) + exp(b) + exp(c)))", a=2.0, b=1.0, c=0.1)
    values = {n["id"]: n["value"] for n in data["nodes"]}
    grad_of = {data["order"][0]: 1.0}
    for step in data["steps"]:
        assert step["upstream"] == grad_of[step["node"]]
        for entry in step["inputs"]:
            assert entry["product"] == pytest.approx(entry["local"] * step["upstream"], rel=1e-15)
            grad_of[entry["node"]] = entry["total"]
    names = {n["id"]: n["label"] for n in data["nodes"] if n["kind"] == "variable"}
    assert {names[i]: g for i, g in grad_of.items() if i in names} == data["grads"]
    # Softmax with cross-entropy: the gradient of the logits is softmax - one_hot.
    z = np.array([2.0, 1.0, 0.1])
    p = np.exp(z) / np.exp(z).sum()
    assert list(data["grads"].values()) == pytest.approx(p - [1, 0, 0], rel=1e-12)
    assert data["output"] == pytest.approx(-np.log(p[0]), rel=1e-14)
    assert max(values.values()) == pytest.approx(np.exp(2.0) + np.exp(1.0) + np.exp(0.1))


def test_a_shared_input_sums_its_gradients_and_the_check_agrees(client: Client) -> None:
    data = get(client, "x*x + x", x=3.0)
    assert data["output"] == 12.0 and data["grads"] == {"x": 7.0}
    totals = [e["total"] for s in data["steps"] for e in s["inputs"] if e["node"] == "n0"]
    assert totals == [1.0, 4.0, 7.0]
    assert data["check"]["numerical"]["x"] == pytest.approx(7.0, abs=1e-8)
    assert data["check"]["numerical"]["x"] == kb.numerical_grad(lambda v: v * v + v, 3.0, h=1e-5)
    edges = [(e["from"], e["to"]) for e in data["edges"]]
    assert edges.count(("n0", "n1")) == 2  # x feeds both inputs of x*x


def test_presets_defaults_and_meta(client: Client) -> None:
    meta = client.get("/api/meta").json()["backprop"]
    assert [p["expr"] for p in meta["presets"]] == [p[2] for p in PRESETS]
    data = client.get("/api/backprop").json()
    assert data["values"] == PRESETS[0][3]
    a, b, c = leaf(2.0), leaf(1.0), leaf(0.1)
    out = -log(exp(a) / (exp(a) + exp(b) + exp(c)))
    out.backward()
    soft = get(client, PRESETS[1][2])  # the preset's own values when none are given
    assert soft["grads"] == {"a": float(a.grad), "b": float(b.grad), "c": float(c.grad)}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("expr=" + quote('__import__("os")'), "may contain only"),
        ("expr=" + quote("__import__(x)"), "'__import__' is not allowed"),
        ("expr=" + quote("x.real"), "attribute access"),
        ("expr=" + quote("x**999"), "exponent 999 is too large"),
        ("expr=" + quote("9**9**9*x"), "too large"),
        ("expr=" + "(" * 1000 + "x" + ")" * 1000, "at most 200 characters"),
        ("expr=" + quote("(" * 60 + "x" + ")" * 60), "at most 120 characters"),
        ("expr=" + quote("q*2"), "the name 'q' is not allowed"),
        ("expr=" + quote("x +"), "is not valid"),
        ("expr=2*3", "must use at least one of"),
        ("expr=%2Bx", "at least one operation"),
        ("expr=" + quote("1e999*x"), "is not finite"),
        ("expr=" + quote("x**x**x") + "&x=10", "the value of the formula is inf at x=10"),
        ("expr=" + quote("exp(exp(exp(x)))") + "&x=10", "is inf at x=10"),
        ("expr=" + quote("lambda: x"), "may contain only"),
        ("expr=" + quote("x; import os"), "may contain only"),
        ("expr=x&x=1_000", "x must be a number"),
        ("expr=x&x=nan", "x must be a number, got 'nan'"),
        ("expr=x&x=1e9", ("x must be", "[-1000, 1000]")),
        ("expr=x&w=1", "w is given but the formula 'x' does not use it"),
        ("expr=log(x)&x=0", "the value of the formula is -inf at x=0"),
        ("expr=sqrt(x)&x=0", "the gradient of x is inf"),
        ("expr=" + quote("x*2+" * 29 + "x"), "more than 60 nodes"),
        ("expr=x&surface=beale", "unknown parameter(s) surface"),
    ],
)
def test_hostile_or_wrong_input_is_refused_with_one_line(
    client: Client, query: str, message: str | tuple[str, ...]
) -> None:
    answer = client.get(f"/api/backprop?{query}")
    assert answer.status == 400
    error = answer.json()["error"]
    for part in message if isinstance(message, tuple) else (message,):
        assert part in error
    assert "\n" not in error


def test_ten_thousand_deep_nesting_is_refused_before_parsing(client: Client) -> None:
    answer = client.get("/api/backprop?expr=" + "(" * 10000 + "x" + ")" * 10000)
    assert answer.status == 414
    assert answer.json()["error"] == "URL longer than 4096 characters"


def test_copied_python_prints_the_same_gradients_and_check(client: Client) -> None:
    expr = "(sigmoid(w*x + b) - t)**2"
    data = get(client, expr, x=0.3, w=-2.0, b=0.25, t=0.0)
    answer = client.get(f"/api/python?view=backprop&expr={quote(expr)}&x=0.3&w=-2.0&b=0.25&t=0")
    assert answer.status == 200
    code = answer.body.decode()
    assert repr(expr) in code and "eval" not in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<copied>", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == f"value {data['output']!r}"
    for line in lines[1:]:
        name, grad, numerical = line.split()
        assert float(grad) == data["grads"][name]
        assert float(numerical) == data["check"]["numerical"][name]


def test_the_check_covers_every_node_of_the_graph(client: Client) -> None:
    data = get(client, "(sigmoid(w*x + b) - t)**2", x=1.5, w=0.5, b=-0.2, t=1.0)
    nodes = data["check"]["nodes"]
    assert list(nodes) == data["order"]
    for step in data["steps"]:
        found = nodes[step["node"]]
        assert found["backprop"] == step["upstream"]
        assert found["numerical"] == pytest.approx(step["upstream"], abs=1e-9)
        assert found["difference"] == abs(found["numerical"] - step["upstream"])
    # d L / d s at the sigmoid's output is 2 (s - t), by hand.
    sigmoid_id = next(n["id"] for n in data["nodes"] if n["op"] == "Sigmoid")
    s = 1 / (1 + np.exp(-(0.5 * 1.5 - 0.2)))
    assert nodes[sigmoid_id]["numerical"] == pytest.approx(2 * (s - 1), abs=1e-9)


def test_local_derivatives_are_written_with_the_inputs_of_the_formula(client: Client) -> None:
    # The rule "∂(a×b)/∂a = b" read with a student's own variables: for w×x the local
    # derivative of w is x (not the rule's letter b, which reads as the bias b).
    data = get(client, "(sigmoid(w*x + b) - t)**2", x=1.5, w=0.5, b=-0.2, t=1.0)
    nodes = {n["id"]: n for n in data["nodes"]}
    expr = {nodes[i]["op"]: nodes[i]["expr"] for i in nodes if nodes[i]["kind"] == "op"}
    assert expr == {"Mul": "w×x", "Add": "w×x+b", "Sigmoid": "σ(w×x+b)",
                    "Sub": "σ(w×x+b)−t", "PowScalar": "(σ(w×x+b)−t)^2"}  # fmt: skip

    def name(node: str) -> str:
        return nodes[node].get("expr", nodes[node]["label"])

    written = {(nodes[s["node"]]["op"], name(i["node"])): i["formula"]
               for s in data["steps"] for i in s["inputs"] if "formula" in i}  # fmt: skip
    assert written[("Mul", "w")] == "x" and written[("Mul", "x")] == "w"
    assert written[("Sigmoid", "w×x+b")] == "σ(w×x+b)(1−σ(w×x+b))"
    assert written[("PowScalar", "σ(w×x+b)−t")] == "2·(σ(w×x+b)−t)^(2−1)"
    # Long inputs keep letters u and v (no variable is named so), said after the rule; the
    # variables a and b of the softmax preset are never taken for the rule's letters.
    data = get(client, "-log(exp(a) / (exp(a) + exp(b) + exp(c)))", a=2.0, b=1.0, c=0.1)
    nodes = {n["id"]: n for n in data["nodes"]}
    div = next(s for s in data["steps"] if nodes[s["node"]]["op"] == "Div")
    assert [i["formula"] for i in div["inputs"]] == [
        "1/v  (v = exp(a)+exp(b)+exp(c))",
        "−u/v²  (u = exp(a), v = exp(a)+exp(b)+exp(c))",
    ]
