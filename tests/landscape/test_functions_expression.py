"""The expression parser: good formulas work, hostile text is refused before any evaluation."""

import math
from pathlib import Path

import numpy as np
import pytest

import kobai as kb
from kobai.landscape import get_function
from kobai.landscape.expression import MAX_LENGTH, compile_expression


@pytest.mark.parametrize(
    ("text", "point", "value"),
    [
        ("x**2 + 3*sin(y)", (2.0, 0.0), 4.0),
        ("-x**2", (3.0,), -9.0),  # unary minus binds looser than **, as in Python
        ("2**x", (3.0,), 8.0),
        ("x**-1", (4.0,), 0.25),
        ("e**x + pi", (0.0,), 1.0 + math.pi),
        ("sqrt(abs(x)) / 2 - tanh(y)", (-16.0, 0.0), 2.0),
        ("sigmoid(x) + relu(y) + softplus(0*x)", (0.0, -3.0), 0.5 + math.log(2.0)),
        ("log(exp(x)) * cosh(0*y) + sinh(0*x) + arctan(1+0*x)", (1.5, 2.0), 1.5 + math.pi / 4),
        ("1e-3 * x + 2.5", (1000.0,), 3.5),
        ("3", (7.0,), 3.0),
    ],
)
def test_good_expressions_evaluate(text: str, point: tuple, value: float) -> None:
    fn, names = compile_expression(text)
    assert len(names) == len(point) or (names == ("x",) and len(point) == 1)
    assert float(fn(np.array(point))) == pytest.approx(value, rel=1e-12)


def test_expression_is_vectorised_and_differentiable() -> None:
    fn, names = compile_expression("x*y + cos(x)")
    assert names == ("x", "y")
    grid = np.random.default_rng(0).normal(size=(4, 5, 2))
    expected = grid[..., 0] * grid[..., 1] + np.cos(grid[..., 0])
    np.testing.assert_allclose(fn(grid), expected)
    p = kb.tensor([0.5, 2.0], dtype="float64", requires_grad=True)
    out = fn(p)
    out.backward()
    assert p.grad == pytest.approx([2.0 - math.sin(0.5), 0.5])
    constant = get_function("3")
    assert constant.gradient([1.0]) == pytest.approx([0.0])


HOSTILE = [
    ("__import__('os')", "'__import__' is not allowed"),
    ("__import__('os').system('touch /tmp/kobai_pwned')", "not allowed"),
    ("x.__class__", r"attribute access"),
    ("().__class__", r"attribute access"),
    ("().__class__.__bases__[0].__subclasses__()", "not allowed"),
    ("9**9**9", "exponent 9 \\*\\* 9 is too large"),
    ("x**1000", "exponent 1000 is too large"),
    ("x" + "+x" * 5000, "too long: 10001 characters"),
    ("x[0]", "subscripting"),
    ("lambda: 1", "lambda"),
    ("(lambda: 1)()", "calling lambda"),
    ("[x for x in y]", "comprehension"),
    ("'abc'", "constant 'abc'"),
    ("x if y else 1", "if/else"),
    ("x < y", "comparison"),
    ("x and y", "and/or"),
    ("open('f')", "'open' is not allowed"),
    ("eval('1')", "'eval' is not allowed"),
    ("z + 1", "name 'z'"),
    ("sin(x, y)", r"sin\(\) takes exactly one argument"),
    ("sin(x=1)", r"sin\(\) takes exactly one argument"),
    ("sin(*[x])", r"sin\(\) takes exactly one argument"),
    ("x // 2", "FloorDiv"),
    ("x % 2", "Mod"),
    ("x @ y", "MatMult"),
    ("~x", "Invert"),
    ("1e999 * x", "not finite"),
    ("1j * x", "constant 1j"),
    ("True + x", "constant True"),
    ("(x := 2)", "assignment"),
    ("-" * 300 + "x", "too many terms|nested too deeply"),
    ("-(" * 110 + "x" + ")" * 110, "nested too deeply"),
    ("(" * 240 + "x" + ")" * 240, "not valid"),
    ("x +", "not valid"),
    ("", "empty"),
    ("   ", "empty"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE)
def test_hostile_or_bad_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compile_expression(text)
    with pytest.raises(ValueError):
        get_function(text)


def test_refusal_happens_before_any_evaluation(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(ValueError):
        compile_expression(f"__import__('pathlib').Path('{marker}').touch()")
    assert not marker.exists()


def test_length_limit_and_type() -> None:
    ok = "x" + "+x" * ((MAX_LENGTH - 1) // 2)
    assert len(ok) <= MAX_LENGTH
    with pytest.raises(ValueError, match="too many terms|nested"):
        compile_expression(ok)  # 250 additions: too many nodes or too deep, never slow
    with pytest.raises(TypeError, match="expression must be a str"):
        compile_expression(42)  # type: ignore[arg-type]


def test_compile_formula_takes_named_scalars_in_order_of_first_use() -> None:
    from kobai.landscape.expression import compile_formula

    fn, names = compile_formula("(sigmoid(w*x + b) - t)**2", ("x", "w", "b", "t"))
    assert names == ("w", "x", "b", "t")
    s = 1 / (1 + math.exp(-(0.5 * 1.5 - 0.2)))
    assert fn({"x": 1.5, "w": 0.5, "b": -0.2, "t": 1.0}) == pytest.approx((s - 1) ** 2, rel=1e-14)
    w = kb.Tensor(0.5, requires_grad=True, dtype=np.float64)
    fn({"x": 1.5, "w": w, "b": -0.2, "t": 1.0}).backward()
    assert float(w.grad) == pytest.approx(2 * (s - 1) * s * (1 - s) * 1.5, rel=1e-14)
    # Names outside the given set are refused, and the message lists the allowed ones.
    with pytest.raises(ValueError, match=r"the name 'y' is not allowed.*only numbers, x, w, b, t"):
        compile_formula("x + y", ("x", "w", "b", "t"))
    with pytest.raises(ValueError, match="exponent 200 is too large"):
        compile_formula("w**200", ("w",))
    # An exponent made of variables is not a constant: it is left to the evaluation.
    assert compile_formula("w**w", ("w",))[0]({"w": 2.0}) == 4.0
