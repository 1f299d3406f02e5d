"""A user's function as text, ``"x**2 + 3*sin(y)"``, parsed safely into a differentiable one.

The text may come from anyone (the browser playground passes what a visitor typed), so it is
never given to ``eval``. It is parsed with :mod:`ast` and every node is checked against a short
whitelist: numbers, the names ``x`` and ``y`` (and the constants ``pi`` and ``e``), the
operators ``+ - * / **`` and unary ``-``/``+``, and calls of the functions in
:data:`ALLOWED_FUNCTIONS` with one positional argument. Anything else (attribute access,
subscripts, other names, lambdas, comprehensions, strings, comparisons) is refused with a
``ValueError`` that says what is not allowed. Length, nesting depth, node count and constant
exponents are bounded, so no text can make evaluation slow or huge.

The checked tree is then evaluated node by node on ndarrays (a whole grid at once) or on
kobai Tensors (so that autograd differentiates it).

Examples
--------
>>> import numpy as np
>>> f, names = compile_expression("x**2 + 3*sin(y)")
>>> names
('x', 'y')
>>> float(f(np.array([2.0, 0.0])))
4.0
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.i18n import Message
from kobai.landscape._math import FUNCTIONS
from kobai.validation import check_str, is_real

#: Functions an expression may call (each implemented with kobai ops, so autograd works).
ALLOWED_FUNCTIONS = tuple(FUNCTIONS)
#: Named constants an expression may use.
CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLES = ("x", "y")
MAX_LENGTH = 500
MAX_DEPTH = 100
MAX_NODES = 400
MAX_EXPONENT = 100.0

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
Evaluator = Callable[[dict[str, Any]], Any]


class FormulaError(ValueError):
    """A formula refused. ``str(exc)`` is the English line; ``message`` is the catalogue's
    (``formula.*``), so that the playground answers in the request's language."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.text("en"))


def _error(key: str, /, **fields: Any) -> FormulaError:
    return FormulaError(Message(f"formula.{key}", fields))


def _refuse(what: Message | str, variables: tuple[str, ...] = VARIABLES) -> FormulaError:
    names = {"variables": ", ".join(variables), "functions": ", ".join(ALLOWED_FUNCTIONS)}
    return _error("refused", what=what, **names)


def _parse(text: Any) -> ast.expr:
    check_str("expression", text, empty=True)
    if len(text) > MAX_LENGTH:
        raise _error("too_long", length=len(text), limit=MAX_LENGTH)
    if not text.strip():
        raise _error("empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError) as exc:
        reason = getattr(exc, "msg", None) or "too deeply nested"
        raise _error("invalid", text=repr(text.strip()), reason=reason) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise _error("too_many_terms", limit=MAX_NODES)
    return tree.body


class _Compiler:
    """Turns a checked syntax tree into nested closures; records the variables it uses."""

    def __init__(self, variables: tuple[str, ...] = VARIABLES) -> None:
        self.variables = variables
        # A dict keeps the order of first use (the order in which a reader meets them).
        self.names: dict[str, None] = {}

    def compile(self, node: ast.expr, depth: int = 0) -> Evaluator:
        if depth > MAX_DEPTH:
            raise _error("too_deep", limit=MAX_DEPTH)
        if isinstance(node, ast.Constant):
            return self._constant(node.value)
        elif isinstance(node, ast.Name):
            return self._name(node.id)
        elif isinstance(node, ast.UnaryOp):
            return self._unary(node, depth)
        elif isinstance(node, ast.BinOp):
            return self._binary(node, depth)
        elif isinstance(node, ast.Call):
            return self._call(node, depth)
        else:
            raise _refuse(_describe(node), self.variables)

    def _constant(self, value: Any) -> Evaluator:
        if not is_real(value):
            raise _refuse(Message("formula.what.constant", {"value": repr(value)}), self.variables)
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise _error("not_finite", value=repr(value))
        return lambda env: number

    def _name(self, name: str) -> Evaluator:
        if name in self.variables:
            self.names[name] = None
            return lambda env: env[name]
        elif name in CONSTANTS:
            constant = CONSTANTS[name]
            return lambda env: constant
        else:
            raise _refuse(Message("formula.what.name", {"name": repr(name)}), self.variables)

    def _unary(self, node: ast.UnaryOp, depth: int) -> Evaluator:
        operand = self.compile(node.operand, depth + 1)
        if isinstance(node.op, ast.USub):
            return lambda env: -operand(env)
        elif isinstance(node.op, ast.UAdd):
            return operand
        else:
            raise _refuse(_operator(node.op), self.variables)

    def _binary(self, node: ast.BinOp, depth: int) -> Evaluator:
        op = _BINARY.get(type(node.op))
        if op is None:
            raise _refuse(_operator(node.op), self.variables)
        left = self.compile(node.left, depth + 1)
        right = self.compile(node.right, depth + 1)
        if isinstance(node.op, ast.Pow):
            _check_exponent(node.right, right, self.variables)
        return lambda env: op(left(env), right(env))

    def _call(self, node: ast.Call, depth: int) -> Evaluator:
        if not isinstance(node.func, ast.Name):
            calling = Message("formula.what.calling", {"what": _describe(node.func)})
            raise _refuse(calling, self.variables)
        name = node.func.id
        if name not in FUNCTIONS:
            raise _error("function", name=repr(name), allowed=", ".join(ALLOWED_FUNCTIONS))
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise _error("one_argument", name=name)
        argument = self.compile(node.args[0], depth + 1)
        fn = FUNCTIONS[name]
        return lambda env: fn(argument(env))


def _uses_variables(node: ast.expr, variables: tuple[str, ...]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in variables for n in ast.walk(node))


def _check_exponent(node: ast.expr, evaluate: Evaluator, variables: tuple[str, ...]) -> None:
    # A constant exponent is evaluated now so that 9**9**9 is refused before any work; an
    # exponent that depends on x or y can only overflow to inf, which descent reports.
    if _uses_variables(node, variables):
        return
    try:
        value = float(evaluate({}))
    except (OverflowError, ZeroDivisionError):
        value = math.inf
    if not math.isfinite(value) or abs(value) > MAX_EXPONENT:
        raise _error("exponent", exponent=ast.unparse(node), limit=f"{MAX_EXPONENT:g}")


def _operator(op: ast.AST) -> Message:
    return Message("formula.what.operator", {"operator": type(op).__name__})


def _describe(node: ast.AST) -> Message | str:
    """What a refused piece of syntax is, in words of the catalogue (``formula.kind.*``)."""
    kinds = {
        ast.Attribute: "attribute",
        ast.Subscript: "subscript",
        ast.Lambda: "lambda",
        ast.ListComp: "comprehension",
        ast.SetComp: "comprehension",
        ast.DictComp: "comprehension",
        ast.GeneratorExp: "comprehension",
        ast.Compare: "comparison",
        ast.BoolOp: "and_or",
        ast.IfExp: "if_else",
        ast.Tuple: "tuple",
        ast.List: "list",
        ast.Dict: "dict",
        ast.Set: "set",
        ast.JoinedStr: "f_string",
        ast.NamedExpr: "assignment",
        ast.Await: "await",
        ast.Starred: "unpacking",
    }
    kind = kinds.get(type(node))
    return Message(f"formula.kind.{kind}") if kind else type(node).__name__


def compile_expression(text: str) -> tuple[Callable[[Any], Any], tuple[str, ...]]:
    """Parse ``text`` safely into a function of a point, and the variables it uses.

    Parameters
    ----------
    text : str
        A formula in ``x`` (and ``y``), e.g. ``"x**2 + 3*sin(y)"``; at most
        :data:`MAX_LENGTH` characters.

    Returns
    -------
    fn : callable
        ``fn(p)`` with ``p`` an ndarray of shape ``(..., dim)`` or a Tensor of shape
        ``(dim,)``, returning ``f`` at each point (shape ``(...)``); ``dim`` is 2 when the text
        uses ``y``, else 1.
    names : tuple of str
        ``("x",)`` or ``("x", "y")``.

    Raises
    ------
    ValueError
        For anything outside the whitelist, saying what is not allowed.
    """
    compiler = _Compiler()
    evaluate = compiler.compile(_parse(text))
    names = ("x", "y") if "y" in compiler.names else ("x",)

    def fn(p: Any) -> Any:
        env = {name: p[..., i] for i, name in enumerate(names)}
        with np.errstate(all="ignore"):
            value = evaluate(env)
        # A formula without x or y (a constant) still gives one value per point.
        return value + 0.0 * env["x"] if isinstance(value, float) else value

    return fn, names


def compile_formula(
    text: str, variables: tuple[str, ...]
) -> tuple[Callable[[dict[str, Any]], Any], tuple[str, ...]]:
    """Parse ``text`` safely into a function of named scalars, with the same checks.

    Parameters
    ----------
    text : str
        A formula in the names of ``variables``, e.g. ``"(sigmoid(w*x + b) - t)**2"``.
    variables : tuple of str
        The names the formula may use (besides ``pi`` and ``e``).

    Returns
    -------
    fn : callable
        ``fn(env)`` with ``env`` a dict from name to a float, an ndarray or a Tensor; built
        with kobai ops, so on Tensors autograd records the graph.
    names : tuple of str
        The variables the formula uses, in the order of first use.

    Raises
    ------
    ValueError
        For anything outside the whitelist, saying what is not allowed.

    Examples
    --------
    >>> f, names = compile_formula("w*x + b", ("x", "w", "b"))
    >>> names, f({"x": 2.0, "w": 3.0, "b": 1.0})
    (('w', 'x', 'b'), 7.0)
    """
    compiler = _Compiler(tuple(variables))
    evaluate = compiler.compile(_parse(text))

    def fn(env: dict[str, Any]) -> Any:
        with np.errstate(all="ignore"):
            return evaluate(env)

    return fn, tuple(compiler.names)
