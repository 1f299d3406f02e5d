"""The "Backprop" tab: an expression's graph, its forward values, and backward one node at a time.

A visitor's formula is parsed by the safe expression compiler and evaluated on kobai Tensors,
so the graph is the one kobai's autograd records. The walk below visits that graph in the
engine's own order (:func:`kobai.autograd.engine.topological_order`) and asks each op's own
``backward`` for two things: its local derivatives (``backward`` of a gradient of one) and
the chain-rule products (``backward`` of the upstream gradient), exactly the arrays the engine
accumulates. The leaves' gradients are then taken from a real ``.backward()`` on the same
graph. The "check" compares them with central differences (:func:`kobai.numerical_grad`) of
the formula, and each op's gradient with central differences of the output in that op's value
(the graph's own ops replayed forward on copies). The page only draws these numbers.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.web.params import LIMITS, BadRequest, Query, bad, check_expression

#: The scalars a formula may use (``e`` is Euler's number, so it is not among them).
VARIABLES = ("x", "y", "z", "w", "b", "t", "a", "c")
BACKPROP_PARAMS = ("expr", *VARIABLES)
DEFAULT_VALUE = 1.0
#: Central-difference step of the check (float64: error ~h**2, rounding ~1e-16/h).
CHECK_STEP = 1e-5
#: The examples of source 003, as (key, label, formula, values).
PRESETS: tuple[tuple[str, str, str, dict[str, float]], ...] = (
    (
        "neuron",
        "neuron: (σ(w·x + b) − t)²",
        "(sigmoid(w*x + b) - t)**2",
        {"x": 1.5, "w": 0.5, "b": -0.2, "t": 1.0},
    ),
    (
        "softmax",
        "softmax + cross-entropy (logits a, b, c)",
        "-log(exp(a) / (exp(a) + exp(b) + exp(c)))",
        {"a": 2.0, "b": 1.0, "c": 0.1},
    ),
    ("square", "x*x + x", "x*x + x", {"x": 3.0}),
)

# What each op's local derivative is, written for the reader (the numbers come from backward).
LOCAL = {
    "Add": ("1", "1"),
    "Sub": ("1", "−1"),
    "Mul": ("b", "a"),
    "Div": ("1/b", "−a/b²"),
    "Neg": ("−1",),
    "PowScalar": ("p·a^(p−1)",),
    "Pow": ("b·a^(b−1)", "a^b·ln a"),
    "Exp": ("exp(a)",),
    "Log": ("1/a",),
    "Sqrt": ("1/(2√a)",),
    "Sigmoid": ("σ(a)(1−σ(a))",),
    "Tanh": ("1−tanh²(a)",),
    "Sin": ("cos(a)",),
    "Cos": ("−sin(a)",),
    "Tan": ("1+tan²(a)",),
    "Arctan": ("1/(1+a²)",),
    "Abs": ("sign(a)",),
    "ReLU": ("1 if a>0 else 0",),
    "Softplus": ("σ(a)",),
}
SYMBOLS = {"Add": "+", "Sub": "−", "Mul": "×", "Div": "÷", "Neg": "−", "Pow": "^"}


@dataclass(frozen=True)
class BackpropSettings:
    """A formula and the values of its variables."""

    expr: str = PRESETS[0][2]
    values: tuple[tuple[str, float], ...] = tuple(PRESETS[0][3].items())

    @classmethod
    def from_query(cls, q: Query) -> BackpropSettings:
        """The formula (``expr``) and the value of each variable it uses, all checked."""
        expr = q.text("expr", PRESETS[0][2])
        check_expression(
            expr,
            empty=bad("bp_expr_required"),
            too_long=bad("expr_length_got", limit=LIMITS["expression_length"], length=len(expr)),
            bad_chars=bad("bp_expr_chars", variables=", ".join(VARIABLES)),
        )
        bound = LIMITS["variable"]
        names = _compile(expr)[1]
        for name in VARIABLES:
            if q.has(name) and name not in names:
                raise bad("unused_variable", name=name, expr=repr(expr))
        # A preset's formula starts from its own values; any other from 1.
        defaults = next((v for _, _, e, v in PRESETS if e == expr), {})
        values = tuple(
            (n, q.number(n, defaults.get(n, DEFAULT_VALUE), -bound, bound)) for n in names
        )
        return cls(expr, values)


def _compile(expr: str) -> tuple[Callable[[dict[str, Any]], Any], tuple[str, ...]]:
    from kobai.landscape.expression import compile_formula

    try:
        fn, names = compile_formula(expr, VARIABLES)
    except (ValueError, TypeError) as exc:
        raise BadRequest.refusing(exc) from None
    if not names:
        raise bad("expr_variables", variables=", ".join(VARIABLES), expr=repr(expr))
    return fn, names


def backprop_payload(settings: BackpropSettings) -> dict[str, Any]:
    """The graph of ``settings.expr`` at its values, every backward step, and the check.

    Returns
    -------
    dict
        ``nodes`` (id, kind ``variable``/``constant``/``op``, op name, label, value, layer),
        ``edges`` (from, to, slot), ``order`` (op ids in backward order), ``steps`` (one per
        op: upstream gradient, and per input the local derivative, the product and the input's
        gradient so far), ``grads`` (each variable's ``.grad`` after ``.backward()``) and
        ``check`` (central differences of each variable, and of the output with respect to
        every node of the graph).
    """
    import kobai as kb

    fn, names = _compile(settings.expr)
    values = dict(settings.values)
    leaves = {n: kb.Tensor(values[n], requires_grad=True, dtype=np.float64) for n in names}
    with kb.enable_grad():
        out = fn(dict(leaves))
    if not isinstance(out, kb.Tensor) or out.grad_fn is None:
        raise bad("expr_operation", expr=repr(settings.expr))
    graph = _Graph(leaves)
    graph.add_output(out)
    _finite(float(out.data), values)
    # A derivative may be infinite (sqrt at 0): it is refused below, not warned about.
    with np.errstate(all="ignore"):
        steps = graph.walk()
        node_check = graph.check(steps)  # before backward frees the graph's saved values
        out.backward()
    grads = {n: float(leaves[n].grad) for n in names}
    for name, g in grads.items():
        _finite(g, values, "gradient", name)
    return {
        "expr": settings.expr,
        "values": values,
        "output": float(out.data),
        "nodes": graph.nodes,
        "edges": graph.edges,
        "order": [s["node"] for s in steps],
        "steps": steps,
        "grads": grads,
        "check": {**_check(fn, names, values, grads), "nodes": node_check},
    }


def _finite(value: float, values: dict[str, float], what: str = "value", name: str = "") -> None:
    """Refuse an infinite or NaN ``what``: the formula's ``value``, or the ``gradient`` or the
    ``numerical`` derivative of the variable ``name``."""
    if not math.isfinite(value):
        at = ", ".join(f"{k}={v:g}" for k, v in values.items())
        raise bad(f"{what}_not_finite", name=name, value=value, at=at)


class _Graph:
    """Ids, layers and edges of a recorded graph, and the walk of its backward."""

    def __init__(self, leaves: dict[str, Any]) -> None:
        self.ids: dict[int, str] = {}  # id() of a Function or a leaf Tensor -> node id
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.layer: dict[str, int] = {}
        self.root: Any = None
        self.arrays: dict[str, np.ndarray] = {}  # the values of variables and constants
        self.inputs_of: dict[str, list[str]] = {}
        # What each node computes, written with the variables (``w×x+b``): the names the
        # explanation uses for an op's inputs, instead of the letters of its rule.
        self.expr: dict[str, str] = {}
        for name, tensor in leaves.items():
            self.arrays[self._node(tensor, "variable", name, name, float(tensor.data), 0)] = (
                tensor.data
            )

    def _node(self, key: Any, kind: str, op: str, label: str, value: float, layer: int) -> str:
        node_id = f"n{len(self.nodes)}"
        if len(self.nodes) >= LIMITS["backprop_nodes"]:
            raise bad("graph_nodes", limit=LIMITS["backprop_nodes"])
        self.ids[id(key)] = node_id
        self.layer[node_id] = layer
        if kind != "op":
            self.expr[node_id] = label
        self.nodes.append(
            {"id": node_id, "kind": kind, "op": op, "label": label, "value": value, "layer": layer}
        )
        return node_id

    def add_output(self, out: Any) -> None:
        """Number every op that ``out`` depends on, with its value, layer and input edges."""
        from kobai.autograd.engine import topological_order

        self.root = out._ctx
        order: list[Any] = topological_order(self.root)
        self.order = order
        # An op's output value is held by the tensors that consume it (the root's by `out`).
        values = {id(out._ctx): float(out.data)}
        for op in order:
            values.update((id(t._ctx), float(t.data)) for t in op.inputs if t._ctx is not None)
        # Inputs before consumers: the reverse of the backward order.
        for op in reversed(order):
            inputs = [self._input(t) for t in op.inputs]
            layer = 1 + max(self.layer[i] for i in inputs)
            node = self._node(op, "op", op.name, _label(op), values[id(op)], layer)
            self.inputs_of[node] = inputs
            self.expr[node] = _expression(op, [self.expr[i] for i in inputs])
            self.nodes[-1]["expr"] = _shorten(self.expr[node])
            for slot, source in enumerate(inputs):
                self.edges.append({"from": source, "to": self.ids[id(op)], "slot": slot})

    def _input(self, tensor: Any) -> str:
        key = tensor._ctx if tensor._ctx is not None else tensor
        if id(key) not in self.ids:  # a constant: a leaf that no variable is
            value = float(tensor.data)
            self.arrays[self._node(key, "constant", "const", f"{value:g}", value, 0)] = tensor.data
        return self.ids[id(key)]

    def replay(self, node: str, value: float) -> float:
        """The output with ``node``'s value set to ``value``, by each op's own ``forward``.

        The ops run as copies, so the recorded graph keeps the values its backward needs.
        """
        arrays = dict(self.arrays)
        if node in arrays:
            arrays[node] = np.asarray(value)
        for op in reversed(self.order):
            key = self.ids[id(op)]
            if key == node:
                arrays[key] = np.asarray(value)
            else:
                arrays[key] = copy.copy(op).forward(*[arrays[i] for i in self.inputs_of[key]])
        return float(arrays[self.ids[id(self.root)]])

    def check(self, steps: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
        """Each op's gradient against central differences of the output in that op's value."""
        import kobai as kb

        found: dict[str, dict[str, float | None]] = {}
        for step in steps:
            node = step["node"]
            start = next(n["value"] for n in self.nodes if n["id"] == node)

            def at(v: float, node: str = node) -> float:
                return self.replay(node, v)

            numerical = float(kb.numerical_grad(at, start, h=CHECK_STEP))
            finite = math.isfinite(numerical)
            found[node] = {
                "numerical": numerical if finite else None,
                "backprop": step["upstream"],
                "difference": abs(numerical - step["upstream"]) if finite else None,
            }
        return found

    def walk(self) -> list[dict[str, Any]]:
        """Each op's backward in the engine's order, as the engine runs it."""
        from kobai.autograd.engine import unbroadcast

        pending: dict[str, float] = {self.ids[id(self.root)]: 1.0}
        steps = []
        for op in self.order:
            node = self.ids[id(op)]
            upstream = np.asarray(pending[node], dtype=np.float64)
            locals_ = op.backward(np.ones_like(upstream))
            products = op.backward(upstream)
            inputs = []
            for slot, tensor in enumerate(op.inputs):
                source = self.ids[id(tensor._ctx if tensor._ctx is not None else tensor)]
                entry: dict[str, Any] = {"node": source, "slot": slot}
                grad = products[slot]
                if op.needs_grad[slot] and grad is not None:
                    product = float(unbroadcast(grad, tensor.data.shape))
                    pending[source] = pending[source] + product if source in pending else product
                    local = float(unbroadcast(np.asarray(locals_[slot]), tensor.data.shape))
                    entry.update(local=local, product=product, total=pending[source])
                    operands = [self.expr[i] for i in self.inputs_of[node]]
                    entry["formula"] = _formula(op, slot, operands)
                inputs.append(entry)
            steps.append({"node": node, "upstream": float(upstream), "inputs": inputs})
        return steps


def _label(op: Any) -> str:
    if op.name == "PowScalar":
        return f"^{op.p:g}"
    return SYMBOLS.get(op.name, op.name.lower())


def _formula(op: Any, slot: int, operands: list[str]) -> str:
    """The local derivative of ``op``'s output in its input ``slot``, its rule's letters (a,
    b: the inputs; p: a constant exponent) replaced by what the inputs are (``w``, ``1.5``,
    ``(w×x+b)``), all at once so that a variable named ``a`` or ``b`` is never replaced
    again. A rule with an input that is long to write is given with the letters u and v
    (no variable has those names), and what they stand for after it."""
    forms = LOCAL.get(op.name)
    if forms is None or slot >= len(forms):
        return ""
    names = {"a": operands[0], "b": operands[1] if len(operands) > 1 else "b"}
    if op.name == "PowScalar":
        names["p"] = f"{op.p:g}"
    form, letter = forms[slot], r"(?<![A-Za-z])[abp](?![A-Za-z])"
    if any(len(v) > SUBSTITUTE_LENGTH for k, v in names.items() if k != "p"):
        short = {"a": "u", "b": "v", "p": names.get("p", "p")}
        used = [k for k in "ab" if re.search(rf"(?<![A-Za-z]){k}(?![A-Za-z])", form)]
        given = ", ".join(f"{short[k]} = {_shorten(names[k])}" for k in used)
        form = re.sub(letter, lambda m: short[m.group(0)], form)
        return f"{form}  ({given})" if given else form

    def written(m: re.Match[str]) -> str:
        value = names[m.group(0)]
        inside = (
            m.string[m.start() - 1 : m.start()] == "(" and m.string[m.end() : m.end() + 1] == ")"
        )
        return value if inside or _atomic(value) else f"({value})"

    return re.sub(letter, written, form)


# Longest input written into a rule in its letter's place; longer ones keep the letter.
SUBSTITUTE_LENGTH = 16
# A node's expression is cut to this many characters in the page.
SHOWN_LENGTH = 40
FUNCTION_NAMES = {"Sigmoid": "σ", "ReLU": "relu", "Softplus": "softplus"}


def _atomic(text: str) -> bool:
    """Whether ``text`` needs no parentheses inside a larger expression: a name, a number
    that is not negative, or one function call (``σ(w×x+b)``)."""
    if re.fullmatch(r"[A-Za-z_]\w*|[\d.]+(e-?\d+)?", text):
        return True
    call = re.match(r"[\wσ]+\(", text)
    if call is None or not text.endswith(")"):
        return False
    depth = 0
    for i in range(call.end() - 1, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def _expression(op: Any, inputs: list[str]) -> str:
    """What ``op`` computes, written with its inputs' expressions."""
    wrap = [v if _atomic(v) else f"({v})" for v in inputs]
    name = op.name
    if name in ("Add", "Sub"):
        return f"{inputs[0]}{SYMBOLS[name]}{wrap[1]}"
    if name in ("Mul", "Div"):
        return f"{wrap[0]}{'×' if name == 'Mul' else '/'}{wrap[1]}"
    if name == "Neg":
        return f"−{wrap[0]}"
    if name == "PowScalar":
        return f"{wrap[0]}^{op.p:g}"
    if name == "Pow":
        return f"{wrap[0]}^{wrap[1]}"
    return f"{FUNCTION_NAMES.get(name, name.lower())}({inputs[0]})"


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _check(
    fn: Callable[[dict[str, Any]], Any],
    names: tuple[str, ...],
    values: dict[str, float],
    grads: dict[str, float],
) -> dict[str, Any]:
    import kobai as kb

    numerical = {}
    for name in names:

        def along(v: float, name: str = name) -> float:
            return float(fn({**values, name: v}))

        numerical[name] = float(kb.numerical_grad(along, values[name], h=CHECK_STEP))
        _finite(numerical[name], values, "numerical", name)
    return {
        "h": CHECK_STEP,
        "numerical": numerical,
        "difference": {n: abs(grads[n] - numerical[n]) for n in names},
    }


def backprop_code(settings: BackpropSettings) -> str:
    """Code that computes the same value, gradients and check with kobai's public API.

    The formula and the values are written with ``repr``: plain literals, never code.
    """
    values = dict(settings.values)
    return "\n".join(
        [
            '"""A formula from the kobai playground\'s Backprop tab, differentiated two ways."""',
            "",
            "import kobai as kb",
            "from kobai.landscape.expression import compile_formula",
            "",
            f"f, names = compile_formula({settings.expr!r}, {tuple(values)!r})",
            f"values = {values!r}",
            "leaves = {",
            "    n: kb.Tensor(v, requires_grad=True, dtype='float64') for n, v in values.items()",
            "}",
            "out = f(leaves)",
            "out.backward()",
            "print('value', float(out.data))",
            "for name, leaf in leaves.items():",
            "    def along(v, name=name):",
            "        return float(f({**values, name: v}))",
            f"    numerical = kb.numerical_grad(along, values[name], h={CHECK_STEP!r})",
            "    print(name, float(leaf.grad), numerical)",
            "",
        ]
    )


def presets() -> list[dict[str, Any]]:
    """The examples the page offers, for ``/api/meta``."""
    return [
        {"name": key, "label": label, "expr": expr, "values": values}
        for key, label, expr, values in PRESETS
    ]
