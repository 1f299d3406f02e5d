"""A bad request is answered in the request's language (``lang=ja``), English by default."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from kobai.i18n import MESSAGES
from kobai.web.params import BadRequest, Query, answer_language, bad, parse_int, parse_number

from .conftest import Client

WEB = Path(__file__).resolve().parents[2] / "src" / "kobai" / "web"


def test_a_bad_request_reads_in_either_language() -> None:
    with pytest.raises(BadRequest) as caught:
        parse_int("grid", "1000", 16, 200)
    assert str(caught.value) == "grid must be an integer in [16, 200], got 1000"
    assert (
        caught.value.text("ja")
        == "grid は [16, 200] の範囲の整数でなければなりません (受け取った値: 1000)"
    )
    with pytest.raises(BadRequest) as caught:
        parse_number("lr", "1e400", 1e-6, 10.0)
    assert str(caught.value) == "lr must be a finite number in [1e-06, 10], got inf"
    assert caught.value.text("ja").startswith("lr は [1e-06, 10] の範囲の有限の数でなければ")
    # a message outside the catalogue stays as it is
    assert BadRequest("'__import__' is not allowed").text("ja") == "'__import__' is not allowed"


def test_lang_is_checked_like_every_parameter_and_known_to_every_request() -> None:
    Query.parse("grid=20&lang=ja").check_known(("grid",))
    with pytest.raises(BadRequest, match=r"^lang must be one of en, ja; got 'fr'$"):
        Query.parse("grid=20&lang=fr")
    with pytest.raises(BadRequest, match=r"^unknown parameter\(s\) colour; valid: grid$"):
        Query.parse("colour=red&lang=ja").check_known(("grid",))


def test_every_message_the_web_code_raises_is_in_the_catalogue() -> None:
    used = {
        k for p in WEB.glob("*.py") for k in re.findall(r'\bbad\(\s*"([a-z_]+)"', p.read_text())
    }
    used |= {f"{w}_not_finite" for w in ("value", "gradient", "numerical")}  # built in _finite
    assert len(used) >= 30
    assert sorted(k for k in used if f"request.{k}" not in MESSAGES) == []
    assert bad("required", name="expr").text("ja") == "パラメータ expr が必要です"


@pytest.mark.parametrize(
    ("path", "japanese", "english"),
    [
        ("/api/surface?grid=1000",
         "grid は [16, 200] の範囲の整数でなければなりません (受け取った値: 1000)",
         "grid must be an integer in [16, 200], got 1000"),
        ("/api/backprop?expr=x&w=1",
         "w が指定されていますが、式 'x' はそれを使っていません",
         "w is given but the formula 'x' does not use it"),
        ("/api/backprop?expr=log(x)&x=0",
         "x=0 で式の値が -inf になります。別の値か別の式を選んでください",
         "the value of the formula is -inf at x=0; choose other values or another formula"),
        ("/api/backprop?expr=" + quote("x $ 1"),
         "expr に使えるのは数、変数 x, y, z, w, b, t, a, c",
         "expr may contain only numbers, the variables x, y, z, w, b, t, a, c"),
        ("/api/descend?opt=sgd&opt=adam,beta=2",
         "最適化手法 adam には key=value の形で",
         "optimizer adam takes key=value with key in"),
        ("/api/network/stream?from=5&to=4",
         "to は from 以上でなければなりません (受け取った値: from=5, to=4)",
         "to must be >= from, got from=5, to=4"),
        ("/api/backprop?expr=" + quote("q*x"),
         "名前 'q': 関数の式には使えません。使えるのは数、x, y, z, w, b, t, a, c、pi, e",
         "the name 'q' is not allowed in a function expression; only numbers, x, y, z"),
        ("/api/backprop?expr=" + quote("x**999"),
         "指数 999 が大きすぎます: 定数の指数は [-100, 100] の範囲でなければなりません",
         "exponent 999 is too large: constant exponents must lie in [-100, 100]"),
        ("/api/surface?surface=custom&expr=" + quote("x.real + y"),
         "属性の参照 (.): 関数の式には使えません。",
         "attribute access (.) is not allowed in a function expression; only numbers, x, y,"),
        ("/api/backprop?expr=" + "(" * 3000 + "x" + ")" * 3000,
         "URL が 4096 文字を超えています",
         "URL longer than 4096 characters"),
    ],
)  # fmt: skip
def test_the_server_answers_in_the_language_the_request_asks_for(
    client: Client, path: str, japanese: str, english: str
) -> None:
    answer = client.get(f"{path}&lang=ja")
    assert answer.status in (400, 414)
    assert answer.json()["error"].startswith(japanese), answer.json()
    assert client.get(path).json()["error"].startswith(english)
    assert client.get(f"{path}&lang=en").json()["error"].startswith(english)


def test_a_bad_or_repeated_lang_is_refused_in_english(client: Client) -> None:
    answer = client.get("/api/surface?grid=1000&lang=fr")
    assert (answer.status, answer.json()) == (
        400,
        {"error": "lang must be one of en, ja; got 'fr'"},
    )
    answer = client.get("/api/surface?lang=ja&lang=ja")
    assert answer.json() == {"error": "parameter lang given 2 times"}
    assert client.get("/api/surface?lang=ja").status == 200


def test_a_stream_that_breaks_says_so_in_the_language(
    client: Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kobai.web import routes

    def broken(q: Query) -> routes.Stream:
        q.check_known(())

        def events():  # type: ignore[no-untyped-def]
            yield "frame", {"step": 1}, False
            raise RuntimeError("a bug")

        return routes.Stream(events(), 0)

    monkeypatch.setitem(routes.ROUTES, "/api/broken", broken)
    assert client.events("/api/broken?lang=ja") == [
        ("frame", {"step": 1}),
        ("failed", {"error": "内部エラー"}),
    ]
    assert client.events("/api/broken")[-1] == ("failed", {"error": "internal error"})
    assert "RuntimeError: a bug" in capsys.readouterr().err  # the server's log keeps the cause


def test_a_refused_formula_carries_its_message() -> None:
    from kobai.landscape.expression import FormulaError, compile_expression

    with pytest.raises(FormulaError) as caught:
        compile_expression("sin(x, y)")
    assert str(caught.value) == "sin() takes exactly one argument, e.g. sin(x)"
    assert (
        BadRequest.refusing(caught.value).text("ja")
        == "sin() の引数はちょうど 1 つです (例: sin(x))"
    )
    assert BadRequest.refusing(ValueError("plain")).text("ja") == "plain"


def test_lang_in_capitals_gets_errors_in_that_language_as_it_gets_pages(client: Client) -> None:
    answer = client.get("/api/surface?grid=1000&lang=JA")
    assert (answer.status, answer.json()) == (
        400,
        {"error": "grid は [16, 200] の範囲の整数でなければなりません (受け取った値: 1000)"},
    )
    assert client.get("/api/surface?lang=JA").status == 200
    assert answer_language("grid=1000&lang=Ja") == "ja"
    assert answer_language("lang=fr") == answer_language("lang=ja&lang=ja") == "en"
    # more fields than a query may have: English, without parsing them all
    assert answer_language("&".join(["a=1"] * 100) + "&lang=ja") == "en"
