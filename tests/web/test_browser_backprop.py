"""The Backprop tab in headless Chromium: stepping a typed formula reads kobai's own gradients."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import kobai as kb
from kobai.landscape._math import sin
from kobai.web import PlaygroundServer

from .test_browser import REASON, browser, page_in  # noqa: F401 - the shared fixtures

if REASON is None:
    from playwright.sync_api import expect

pytestmark = pytest.mark.skipif(REASON is not None, reason=f"browser tests skipped: {REASON}")
FORMULA = "x*w + sin(x*b)"


def reference(x: float, w: float, b: float) -> tuple[float, dict[str, float]]:
    leaves = {
        n: kb.Tensor(v, requires_grad=True, dtype=np.float64)
        for n, v in zip("xwb", (x, w, b), strict=True)
    }
    out = leaves["x"] * leaves["w"] + sin(leaves["x"] * leaves["b"])
    out.backward()
    return float(out.data), {n: float(t.grad) for n, t in leaves.items()}  # type: ignore[arg-type]


def set_value(page: Any, name: str, value: str) -> None:
    box = page.locator(f"#bp-value-{name}")
    box.fill(value)
    box.press("Tab")  # a number input commits when it loses focus
    page.wait_for_url(lambda u: f"{name}={value}" in u)


def grads_in_page(page: Any, attribute: str = "data-grad") -> dict[str, float]:
    rows = page.locator("#bp-grads tbody tr")
    return {
        rows.nth(i).get_attribute("data-name"): float(rows.nth(i).get_attribute(attribute))
        for i in range(rows.count())
    }


def test_stepping_a_typed_formula_reads_the_gradients_of_backward(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    page = page_in(server.url)
    page.wait_for_selector("#readout tbody tr")  # the page is built: its tabs answer clicks
    page.click("#tab-backprop")
    page.wait_for_selector("#bp-graph g.bp-node")
    page.fill("#bp-expr", FORMULA)
    page.press("#bp-expr", "Enter")
    expect(page.locator("#bp-graph g.bp-node.variable")).to_have_count(3)
    # w keeps the value it had in the preset (0.5); x and b are typed in.
    expect(page.locator("#bp-value-w")).to_have_value("0.5")
    set_value(page, "x", "0.7")
    set_value(page, "b", "-1.3")
    status = page.locator("#status")
    expect(status).to_have_attribute("data-step", "0")
    steps = int(status.get_attribute("data-steps"))
    assert steps == 4  # Mul, Mul, Sin, Add
    output, expected = reference(0.7, 0.5, -1.3)
    assert float(status.get_attribute("data-output")) == output
    for k in range(1, steps + 1):
        page.click("#bp-step")
        expect(status).to_have_attribute("data-step", str(k))
        for card in page.locator("#bp-explain .bp-input").all():
            local, upstream, product = (
                float(card.get_attribute(f"data-{a}")) for a in ("local", "upstream", "product")
            )
            assert product == pytest.approx(local * upstream, rel=1e-15)
    expect(page.locator("#bp-step")).to_be_disabled()
    assert grads_in_page(page) == expected
    # Every input box in the drawing carries the same gradient as the table.
    for node in page.locator("#bp-graph g.bp-node.variable").all():
        assert float(node.get_attribute("data-grad")) == expected[node.get_attribute("data-label")]
    page.click("#bp-check")
    # Every op of the graph carries a check mark: its gradient agrees with central differences.
    ops = page.locator("#bp-graph g.bp-node.op")
    expect(ops.locator("text.bp-ok")).to_have_count(steps)
    for op in ops.all():
        assert float(op.get_attribute("data-difference")) < 1e-8
    numerical = grads_in_page(page, "data-numerical")
    point = {"x": 0.7, "w": 0.5, "b": -1.3}
    along = {
        "x": lambda v: v * 0.5 + np.sin(v * -1.3),
        "w": lambda v: 0.7 * v + np.sin(0.7 * -1.3),
        "b": lambda v: 0.7 * 0.5 + np.sin(0.7 * v),
    }
    for name, value in expected.items():
        by_hand = kb.numerical_grad(along[name], point[name], h=1e-5)
        assert numerical[name] == pytest.approx(by_hand, abs=1e-12)
        assert numerical[name] == pytest.approx(value, abs=1e-9)
    # The link reproduces the view: the formula, the values and the step.
    query = parse_qs(urlsplit(page.url).query)
    assert query["view"] == ["backprop"] and query["expr"] == [FORMULA]
    assert query["x"] == ["0.7"] and query["b"] == ["-1.3"] and query["at"] == [str(steps)]
    again = page_in(page.url)
    expect(again.locator("#status")).to_have_attribute("data-step", str(steps))
    assert grads_in_page(again) == expected
    assert page.errors == [] and again.errors == []


def test_switching_tabs_keeps_each_views_parameters_apart(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    page = page_in(server.url + "?view=backprop&expr=x*x%20%2B%20x&x=3&at=1")
    expect(page.locator("#status")).to_have_attribute("data-step", "1")
    page.click("#tab-race")
    page.wait_for_url(lambda u: "view=race" in u)
    # The race view writes the status line when its answer arrives: let it arrive first.
    page.wait_for_selector("#readout tbody tr")
    query = parse_qs(urlsplit(page.url).query)
    assert "expr" not in query and "x" not in query and query["surface"] == ["rosenbrock"]
    page.click("#tab-backprop")
    page.wait_for_url(lambda u: "view=backprop" in u)
    query = parse_qs(urlsplit(page.url).query)
    assert query["expr"] == ["x*x + x"] and query["x"] == ["3"] and "surface" not in query
    page.keyboard.press("ArrowRight")  # the arrow keys step as the buttons do
    expect(page.locator("#status")).to_have_attribute("data-step", "2")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#status")).to_have_attribute("data-step", "1")
    page.click("#bp-end")
    expect(page.locator("#status")).to_have_attribute("data-step", "2")
    assert grads_in_page(page) == {"x": 7.0}
    page.click("#copy-python")  # the code of this view: its formula and values as literals
    expect(page.locator("body")).to_have_attribute(
        "data-python", re.compile(r"compile_formula\('x\*x \+ x', \('x',\)\)")
    )
    assert page.errors == []


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("__import__(x)", "'__import__' is not allowed"),
        ("x**999", "exponent 999 is too large"),
        ("x.real", "attribute access"),
        ("open(x)", "'open' is not allowed"),
        ("x +", "is not valid"),
        # pasted, longer than the limit: said as such (the box used to cut it silently, and
        # the cut formula was reported as a syntax error)
        ("x+" * 100 + "x", "the formula has 201 characters; at most 120 are allowed"),
    ],
)
def test_a_hostile_formula_shows_one_clear_error(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
    formula: str,
    message: str,
) -> None:
    page = page_in(server.url + "?view=backprop")
    page.wait_for_selector("#bp-graph g.bp-node")
    page.fill("#bp-expr", formula)
    page.press("#bp-expr", "Enter")
    expect(page.locator("#bp-error")).to_contain_text(message)
    expect(page.locator("#status")).to_have_class(re.compile("error"))
    assert page.locator("#bp-graph g.bp-node").count() == 0
    page.fill("#bp-expr", "x*x + x")
    page.press("#bp-expr", "Enter")
    expect(page.locator("#bp-graph g.bp-node.variable")).to_have_count(1)
    expect(page.locator("#bp-error")).to_have_text("")
    assert page.errors == []


def test_a_hostile_link_opens_on_its_error(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    nested = "(" * 1000 + "x" + ")" * 1000
    page = page_in(server.url + f"?view=backprop&expr={nested}")
    # The page asks with the parentheses percent-encoded: the server's URL limit answers.
    expect(page.locator("#bp-error")).to_have_text("URL longer than 4096 characters")
    assert page.locator("#bp-graph g.bp-node").count() == 0 and page.errors == []


def test_the_softmax_preset_ends_at_softmax_minus_one_hot(
    server: PlaygroundServer,
    page_in: Any,  # noqa: F811
) -> None:
    page = page_in(server.url + "?view=backprop&expr=x*x&x=2")
    page.wait_for_selector("#bp-graph g.bp-node")
    page.select_option("#bp-preset", "softmax")
    expect(page.locator("#bp-graph g.bp-node.variable")).to_have_count(3)
    page.click("#bp-end")
    expect(page.locator("#bp-step")).to_be_disabled()
    z = np.array([2.0, 1.0, 0.1])
    p = np.exp(z) / np.exp(z).sum()
    grads = grads_in_page(page)
    assert list(grads) == ["a", "b", "c"]
    assert list(grads.values()) == pytest.approx(p - [1.0, 0.0, 0.0], rel=1e-12)
    assert float(page.locator("#status").get_attribute("data-output")) == pytest.approx(
        -np.log(p[0]), rel=1e-14
    )
    assert "softmax" not in page.url and "a=2" in page.url and page.errors == []
