"""The playground in Japanese: the language switch, its URL state, and a refused value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kobai.i18n import MESSAGES
from kobai.web import PlaygroundServer

from .test_browser import REASON, browser, page_in, wait_for_step  # noqa: F401 - shared fixtures

if REASON is None:
    from playwright.sync_api import expect

pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser tests skipped: {REASON}")
STATIC = Path(__file__).resolve().parents[2] / "src" / "kobai" / "web" / "static"
RACE = "?surface=rosenbrock&opt=sgd,lr=0.002&opt=adam,lr=0.05&steps=40&mode=instant"


def ja(key: str) -> str:
    return MESSAGES[key]["ja"]


def lang_of(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query).get("lang", [])


def test_the_switch_makes_the_page_japanese_and_the_url_keeps_it(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    page = page_in(server.url + RACE)
    wait_for_step(page, 40)
    expect(page.locator("#tab-race")).to_have_text("Optimizers on a surface")
    assert lang_of(page.url) == ["en"]
    page.click("#lang-ja")
    page.wait_for_url(lambda u: "lang=ja" in u)
    wait_for_step(page, 40)
    assert parse_qs(urlsplit(page.url).query)["opt"] == ["sgd,lr=0.002", "adam,lr=0.05"]
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#lang-ja")).to_have_attribute("aria-pressed", "true")
    for selector, key in [("#tab-race", "web.tab.race"), ("#tab-network", "web.tab.network"),
                          ("#tab-backprop", "web.tab.backprop"), ("#copy-link", "web.copy_link"),
                          ("#mode-instant", "web.race.instant"),
                          ("#add-optimizer", "web.race.add")]:  # fmt: skip
        expect(page.locator(selector)).to_have_text(ja(key))
    expect(page.locator("#curve-title")).to_have_text("最適化手法ごとの f(xt)")
    expect(page.locator("#readout thead")).to_contain_text("最適化手法")
    expect(page.locator("#status")).to_have_text(re.compile(r"^ステップ 40 / 40 \(一括"))
    # what became of each run, in Japanese, from the status the server computed
    sentence = f"sgd (lr=0.002): 未完了: {ja('web.status.unfinished')}"
    expect(page.locator("#messages li").first).to_have_text(sentence)
    page.reload()
    wait_for_step(page, 40)
    expect(page.locator("#tab-network")).to_have_text("小さなネットワーク")
    page.click("#tab-backprop")
    page.wait_for_url(lambda u: "view=backprop" in u and "lang=ja" in u)
    page.wait_for_selector("#bp-graph g.bp-node")
    expect(page.locator("#bp-explain")).to_contain_text("順伝播が完了: L = ")
    page.click("#bp-step")
    expect(page.locator("#bp-explain")).to_contain_text("が受け取る上流の勾配 ∂L/∂out")
    expect(page.locator("#bp-check")).to_have_text(ja("web.bp.check_button"))
    page.click("#bp-end")
    expect(page.locator("#status")).to_contain_text("完了: すべての勾配が届きました")
    page.click("#lang-en")
    page.wait_for_url(lambda u: "lang=en" in u and "view=backprop" in u)
    expect(page.locator("#bp-check")).to_have_text("Check against numerical derivatives")
    assert page.errors == []


def test_a_hostile_language_is_ignored_by_the_page_and_refused_by_the_server(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    hostile = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    page = page_in(server.url + RACE + f"&lang={hostile}")
    wait_for_step(page, 40)
    expect(page.locator("#tab-race")).to_have_text("Optimizers on a surface")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_url(lambda u: "lang=en" in u)  # the URL is written back with English
    assert page.errors == []
    answer = page.request.get(server.url + f"api/meta?lang={hostile}")
    assert answer.status == 400
    assert answer.json() == {"error": "lang must be one of en, ja; got '<script>alert(1)</script>'"}


def test_the_network_view_speaks_japanese(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    page = page_in(server.url + "?view=network&lang=ja")
    wait_for_step(page, 0)
    expect(page.locator("#net-stats")).to_contain_text("正解率")
    expect(page.locator("#view-network h2").first).to_have_text("データ")
    expect(page.locator("#net-batch option[value=full]")).to_have_text("フルバッチ")
    page.click("#net-step")
    wait_for_step(page, 1)
    status = page.locator("#status")
    accuracy = 100 * float(status.get_attribute("data-accuracy"))
    line = rf"^ステップ 1 · エポック 0 · 損失 [0-9.]+ · 正解率 {accuracy:.1f} % · 一時停止中$"
    expect(status).to_have_text(re.compile(line))
    assert page.errors == []


def test_a_refused_value_is_explained_in_japanese(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    page = page_in(server.url + "?view=backprop&lang=ja")
    page.wait_for_selector("#bp-graph g.bp-node")
    page.fill("#bp-expr", "x $ 1")
    page.press("#bp-expr", "Enter")
    refused = ja("request.bp_expr_chars").format(variables="x, y, z, w, b, t, a, c")
    expect(page.locator("#bp-error")).to_have_text(refused)
    expect(page.locator("#status")).to_have_class(re.compile("error"))
    # a link whose formula the server refuses: the first request, sent before the page's
    # messages arrive, already asks for Japanese
    page = page_in(server.url + "?surface=custom&expr=x&lang=ja")
    expect(page.locator("#expr-error")).to_have_text(ja("request.both_xy").format(expr="'x'"))
    assert page.errors == []
