"""Parsing of request parameters: numbers, names, optimizer specs, formulas, bounds."""

from urllib.parse import urlencode

import pytest

from kobai.web.optimizers import label, parse_spec, parse_specs
from kobai.web.params import BadRequest, Query, parse_int, parse_number
from kobai.web.surfaces import SurfaceSettings, check_formula


@pytest.mark.parametrize(
    "text",
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e400",
        "1_000",
        "0x10",
        "",
        " ",
        "1,5",
        "2e",
        "--1",
        "1e5000",
        "9" * 41,
        "١٢",
        "1.0.0",
        "true",
    ],
)
def test_numbers_refuse_anything_that_is_not_a_plain_finite_number(text: str) -> None:
    with pytest.raises(BadRequest, match="must be"):
        parse_number("lr", text, -1e300, 1e300)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.1", 0.1), ("1e-3", 1e-3), (" -2.5 ", -2.5), ("3", 3.0), (".5", 0.5), ("5.", 5.0)],
)
def test_numbers_keep_every_digit(text: str, value: float) -> None:
    assert parse_number("x", text, -10, 10) == value


def test_numbers_out_of_bounds_say_the_bounds() -> None:
    with pytest.raises(BadRequest, match=r"lr must be a finite number in \[1e-06, 10\], got 11\.0"):
        parse_number("lr", "11", 1e-6, 10)
    with pytest.raises(BadRequest, match=r"grid must be an integer in \[16, 200\], got 100000"):
        parse_int("grid", "100000", 16, 200)
    with pytest.raises(BadRequest, match="grid must be an integer"):
        parse_int("grid", "12.0", 16, 200)


def test_query_refuses_repeated_unknown_and_oversized_fields() -> None:
    with pytest.raises(BadRequest, match="given 2 times"):
        Query.parse("steps=1&steps=2")
    assert Query.parse("opt=sgd&opt=adam").all("opt") == ["sgd", "adam"]
    with pytest.raises(BadRequest, match="at most 40 fields"):
        Query.parse("&".join(f"a{i}=1" for i in range(41)))
    with pytest.raises(BadRequest, match="at most 200 characters"):
        Query.parse("expr=" + "x" * 201)
    with pytest.raises(BadRequest, match="at most 4096 characters"):
        Query.parse("a=" + "1" * 5000)
    with pytest.raises(BadRequest, match="unknown parameter"):
        Query.parse("%3Cscript%3E=1")
    with pytest.raises(BadRequest, match=r"unknown parameter\(s\) colour"):
        Query.parse("colour=red").check_known(("steps",))


def test_optimizer_specs_are_typed_and_bounded() -> None:
    spec = parse_spec("adam,lr=0.05,betas=0.8/0.99,amsgrad=1")
    assert spec.name == "adam" and spec.hyper == {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True}
    assert spec.text() == "adam,lr=0.05,betas=0.8/0.99,amsgrad=1"
    assert parse_spec("TEXTBOOK_Momentum,lr=0.01").name == "textbook-momentum"
    bad = {
        "nosuch": "optimizer must be one of",
        "adam,lr=nan": "lr must be a number",
        "adam,lr=0": r"lr must be a finite number in \[1e-06, 10\]",
        "adam,lr=100": r"lr must be a finite number in \[1e-06, 10\]",
        "adam,momentum=0.9": "takes key=value with key in",
        "adam,lr": "takes key=value",
        "adam,betas=0.9": "two numbers",
        "adam,lr=0.1,lr=0.2": "lr given twice",
        "sgd,nesterov=1": "Nesterov momentum requires",  # the optimizer's own check
        "sgd,__class__=1": "takes key=value",
    }
    for text, message in bad.items():
        with pytest.raises(BadRequest, match=message):
            parse_spec(text)
    with pytest.raises(BadRequest, match="at most 6 optimizers, got 7"):
        parse_specs(["sgd"] * 7, "")


def test_labels_tell_repeated_optimizers_apart() -> None:
    specs = label(
        [
            parse_spec("sgd,lr=0.1"),
            parse_spec("sgd,lr=0.01"),
            parse_spec("adam"),
            parse_spec("adam"),
        ]
    )
    assert [s.label for s in specs] == ["sgd (lr=0.1)", "sgd (lr=0.01)", "adam", "adam #2"]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('ls')",
        "x.__class__",
        "open('/etc/passwd')",
        "x;y",
        "x" * 121,
        "",
        "   ",
        "x[0]",
        "lambda: 1",
        "x if y else 1",
        "{x}",
        "9**9**9",
        "x**2",
        "exp(x, y)",
        "().__class__",
    ],
)
def test_formulas_outside_the_grammar_are_refused(text: str) -> None:
    query = Query.parse(urlencode({"surface": "custom", "expr": text}))
    with pytest.raises(BadRequest):
        SurfaceSettings.from_query(query).function()


def test_a_formula_in_x_and_y_becomes_a_surface() -> None:
    query = Query.parse(urlencode({"surface": "custom", "expr": "x**2 + 3*sin(y)"}))
    fn = SurfaceSettings.from_query(query).function()
    assert fn.dim == 2 and fn.value([2.0, 0.0]).item() == 4.0
    with pytest.raises(BadRequest, match="at most 120 characters"):
        check_formula("x+" * 61)


def test_both_formula_checks_word_their_own_messages_over_one_check() -> None:
    from kobai.web.backprop import BackpropSettings

    def refusal(expr: str) -> tuple[str, str]:
        with pytest.raises(BadRequest) as surface:
            check_formula(expr)
        with pytest.raises(BadRequest) as backprop:
            BackpropSettings.from_query(Query.parse(urlencode({"expr": expr})))
        return str(surface.value), str(backprop.value)

    for expr in ("  ", "x+" * 61, "x $ 1"):
        surface, backprop = refusal(expr)
        assert surface != backprop and surface and backprop
    assert "got 122" in refusal("x+" * 61)[1] and "122" not in refusal("x+" * 61)[0]
