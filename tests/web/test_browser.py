"""End to end in headless Chromium: the page draws exactly the engine's numbers.

Each test loads the page from a server running in this process, drives it like a visitor
(typing a learning rate, pressing play, clicking the surface) and compares what the page
reports as drawn with :func:`kobai.landscape.descend` or a training loop computed here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import kobai as kb
from kobai import nn, optim
from kobai.data import DataLoader, make_moons
from kobai.landscape import descend
from kobai.models import MLP
from kobai.web import PlaygroundServer

from .browser import IN_CI, launch, missing

REASON = missing()
if REASON is None:
    from playwright.sync_api import expect
pytestmark = pytest.mark.skipif(
    REASON is not None and not IN_CI, reason=f"browser tests skipped: {REASON}"
)
VIEWPORT = {"width": 1500, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if REASON is not None:  # in CI: fail loudly instead of skipping
        pytest.fail(f"the browser tests must run in CI: {REASON}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page_in(browser: Any) -> Iterator[Any]:
    contexts = []

    def open_page(url: str) -> Any:
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


# The page forbids eval (its Content-Security-Policy), so the tests read attributes and use
# expect(), which run outside the page's own scripts, instead of evaluating JavaScript.
def wait_for_step(page: Any, step: int | re.Pattern[str]) -> None:
    value = step if isinstance(step, re.Pattern) else str(step)
    expect(page.locator("#status")).to_have_attribute("data-step", value, timeout=20000)


def drawn_ends(page: Any) -> dict[str, tuple[float, ...]]:
    rows = page.locator("#readout tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        d = {k: row.get_attribute(f"data-{k}") for k in ("label", "step", "x", "y", "f", "g")}
        out[d["label"]] = (
            int(d["step"]),
            float(d["x"]),
            float(d["y"]),
            float(d["f"]),
            float(d["g"]),
        )
    return out


def engine_ends(query: str) -> dict[str, tuple[float, ...]]:
    q = parse_qs(query)
    optimizers = {}
    for text in q["opt"]:
        name, *items = text.split(",")
        optimizers[name] = {"name": name, **{k: float(v) for k, v in (i.split("=") for i in items)}}
    start = tuple(float(v) for v in q["start"][0].split(",")) if "start" in q else None
    steps = int(q["steps"][0])
    paths = descend(q["surface"][0], optimizers, start=start, steps=steps)
    return {
        label: (p.steps, *map(float, p.points[-1]), float(p.values[-1]), float(p.grad_norms[-1]))
        for label, p in paths.items()
    }


def test_live_race_draws_the_engines_numbers_and_its_url_reproduces_them(
    server: PlaygroundServer, page_in: Any
) -> None:
    url = server.url + "?mode=live&surface=rosenbrock&opt=sgd,lr=0.002&opt=adam,lr=0.05&steps=60"
    page = page_in(url + "&speed=60,1")
    page.wait_for_selector("#readout tbody tr")
    lr = page.locator("#optimizers .opt").nth(1).locator("input.lr")
    lr.fill("0.1")
    lr.press("Tab")  # a changed number input commits when it loses focus
    page.wait_for_url(lambda u: "adam%2Clr%3D0.1" in u)
    wait_for_step(page, 0)
    page.click("#race-play")
    wait_for_step(page, 60)
    assert page.locator("#status").get_attribute("data-drawn") == str(2 * 61)
    shared = page.url
    query = urlsplit(shared).query
    assert "at=60" in query and "opt=adam%2Clr%3D0.1" in query
    drawn = drawn_ends(page)
    assert drawn == engine_ends(query) and set(drawn) == {"sgd", "adam"}
    # The same URL in a fresh browser context: the same numbers, to the last digit.
    again = page_in(shared)
    wait_for_step(again, 60)
    assert drawn_ends(again) == drawn
    assert page.errors == [] and again.errors == []


def test_a_rate_out_of_range_is_marked_and_not_taken(
    server: PlaygroundServer, page_in: Any
) -> None:
    page = page_in(server.url + "?surface=rosenbrock&opt=adam,lr=0.05")
    page.wait_for_selector("#readout tbody tr")
    lr = page.locator("#optimizers .opt").nth(0).locator("input.lr")
    invalid = re.compile(r"\binvalid\b")
    lr.fill("1e9")
    lr.press("Tab")
    expect(lr).to_have_class(invalid)
    assert "lr%3D1e" not in page.url and "lr%3D1000000000" not in page.url
    lr.fill("0.1")
    lr.press("Tab")
    page.wait_for_url(lambda u: "adam%2Clr%3D0.1" in u)
    expect(lr).not_to_have_class(invalid)
    assert page.errors == []


def test_clicking_the_surface_moves_the_start_and_the_paths_follow(
    server: PlaygroundServer, page_in: Any
) -> None:
    page = page_in(
        server.url + "?surface=himmelblau&opt=momentum,lr=0.005&opt=rmsprop,lr=0.05&steps=80"
    )
    wait_for_step(page, 80)
    before = page.url
    box = page.locator("#surface-canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
    page.mouse.move(0, 0)  # away from the paths: the table shows the last step, not a hovered one
    page.wait_for_url(lambda u: u != before)
    query = urlsplit(page.url).query
    assert "start=" in query
    expected = engine_ends(query)
    first_row = page.locator("#readout tbody tr").first
    expect(first_row).to_have_attribute("data-x", repr(expected["momentum"][1]))
    assert drawn_ends(page) == expected
    # Hovering a drawn point shows its step, coordinates, value and gradient norm.
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
    tip = page.locator("#tooltip")
    tip.wait_for(state="visible")
    assert "step 0" in tip.inner_text() and "‖∇f‖" in tip.inner_text()


def test_the_network_trains_live_with_the_engines_numbers(
    server: PlaygroundServer, page_in: Any
) -> None:
    settings = "data=moons&samples=100&noise=0.1&seed=1&hidden=6&activation=tanh&batch=20"
    page = page_in(server.url + f"?view=network&{settings}&opt=adam,lr%3D0.05&speed=5")
    wait_for_step(page, 0)
    page.click("#net-play")
    wait_for_step(page, re.compile(r"^([6-9][0-9]|[0-9]{3,})$"))  # 60 steps or more
    fps = float(page.locator("#status").get_attribute("data-fps"))
    page.click("#net-play")  # pause
    page.wait_for_url(lambda u: re.search(r"at=[1-9]", u) is not None)
    status = page.locator("#status")
    step = int(status.get_attribute("data-step"))
    assert f"at={step}" in page.url
    loss = float(status.get_attribute("data-loss"))
    assert loss == reference_loss(step)
    again = page_in(page.url)
    wait_for_step(again, step)
    assert float(again.locator("#status").get_attribute("data-loss")) == loss
    assert fps > 0 and page.errors == []


def reference_loss(steps: int) -> float:
    rng = np.random.default_rng(1)
    X, y = make_moons(100, noise=0.1, rng=rng)
    model = MLP(2, [6], 2, activation="tanh", rng=rng)
    opt = optim.create("adam", model.parameters(), lr=0.05)
    loss_fn, loader, losses = nn.CrossEntropyLoss(), DataLoader(X, y, batch_size=20, rng=rng), []
    while len(losses) < steps:
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(kb.Tensor(xb)), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses[-1]


def distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return len(np.unique(image.reshape(-1, 3), axis=0))


def test_screenshots_are_drawn_pictures(server: PlaygroundServer, page_in: Any) -> None:
    page = page_in(server.url + "?surface=beale&steps=100")
    wait_for_step(page, 100)
    canvas = page.locator("#surface-canvas").screenshot()
    assert distinct_colours(canvas) > 1000  # a colour map, contours and paths, not a blank box
    assert distinct_colours(page.screenshot()) > 1000
    first_paint = float(page.locator("body").get_attribute("data-first-paint"))
    assert first_paint > 0


def test_the_mode_toggle_updates_its_controls_when_clicked(
    server: PlaygroundServer, page_in: Any
) -> None:
    page = page_in(server.url + "?surface=rosenbrock&opt=sgd,lr=0.002&opt=adam,lr=0.05&steps=40")
    wait_for_step(page, 40)
    instant, live = page.locator("#mode-instant"), page.locator("#mode-live")
    player = "#live-controls"
    expect(instant).to_have_attribute("aria-pressed", "true")
    expect(page.locator(player)).to_be_hidden()
    live.click()
    expect(live).to_have_attribute("aria-pressed", "true")
    expect(instant).to_have_attribute("aria-pressed", "false")
    for button in ("#race-play", "#race-step", "#race-reset"):
        expect(page.locator(button)).to_be_visible()
    page.wait_for_url(lambda u: "mode=live" in u)
    wait_for_step(page, 0)
    page.click("#race-step")
    wait_for_step(page, 1)
    page.click("#race-play")
    wait_for_step(page, 40)
    expected = engine_ends(urlsplit(page.url).query)
    assert drawn_ends(page) == expected
    page.click("#race-reset")
    wait_for_step(page, 0)
    instant.click()
    expect(instant).to_have_attribute("aria-pressed", "true")
    expect(page.locator(player)).to_be_hidden()
    wait_for_step(page, 40)
    assert drawn_ends(page) == expected and page.errors == []


def test_the_network_tab_of_a_race_link_trains_with_its_own_defaults(
    server: PlaygroundServer, page_in: Any
) -> None:
    # A shared race link: SGD at lr 0.002 must not leak into the network's optimizer.
    page = page_in(server.url + "?surface=rosenbrock&opt=sgd,lr=0.002&steps=60&mode=instant")
    wait_for_step(page, 60)
    page.click("#tab-network")
    page.wait_for_url(lambda u: "view=network" in u)
    query = parse_qs(urlsplit(page.url).query)
    assert query["opt"] == ["adam,lr=0.03"] and query["activation"] == ["tanh"]
    assert query["data"] == ["moons"] and query["noise"] == ["0.1"]
    page.click("#net-play")
    wait_for_step(page, re.compile(r"^([3-9][0-9]{2}|[0-9]{4,})$"))  # 300 steps or more
    page.click("#net-play")
    assert float(page.locator("#status").get_attribute("data-accuracy")) > 0.85
    # and back: the race kept its own settings
    page.click("#tab-race")
    page.wait_for_url(lambda u: "view=race" in u and "opt=sgd%2Clr%3D0.002" in u)
    assert page.errors == []
