"""Take the README's screenshot of ``kobai playground``: ``docs/playground.png``.

Starts a playground server in this process, opens the page in Debian's headless Chromium through
Playwright (``apt-get install chromium``, ``pip install playwright``; the browser Playwright
would download is never used), waits until the race is drawn and saves the window. It also
prints how long the page took to paint and how fast the server recomputed the race.

Usage::

    python scripts/playground_screenshot.py [--out PNG] [--view race|network|backprop] [--lang ja]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from kobai.web import make_server
from kobai.web.routes import warm_up

# Chromium is launched as the browser tests launch it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
from browser import launch  # noqa: E402

RACE = (
    "?view=race&mode=instant&surface=hill&steps=150"
    "&opt=sgd,lr=0.5&opt=momentum,lr=0.1&opt=adam,lr=0.1&opt=rmsprop,lr=0.05"
)
# The plot's box inside the surface canvas (surface.js draw()): margins for the axes.
LEFT, TOP, RIGHT, BOTTOM = 58, 12, 14, 54
NETWORK = (
    "?view=network&data=spiral&samples=400&noise=0.04&seed=0&hidden=16,16&activation=tanh"
    "&opt=adam,lr=0.02&batch=32&speed=20"
)
# The neuron of source 003, halfway back: the chain rule at the sigmoid.
BACKPROP = "?view=backprop&expr=(sigmoid(w*x%20%2B%20b)%20-%20t)**2&w=0.5&x=1.5&b=-0.2&t=1&at=3"


def hover(page: Any, url: str, *, label: str, step: int) -> None:
    """Move the mouse over one step of one path, so that its tooltip shows."""
    query = RACE.replace("?view=race&mode=instant&", "")
    race = json.load(urllib.request.urlopen(f"{url}api/descend?{query}"))
    x, y = next(p for p in race["paths"] if p["label"] == label)["points"][step]
    surface = json.load(urllib.request.urlopen(f"{url}api/surface?surface=hill"))
    x0, x1, y0, y1 = surface["bounds"]
    box = page.locator("#surface-canvas").bounding_box()
    width, height = box["width"] - LEFT - RIGHT, box["height"] - TOP - BOTTOM
    page.mouse.move(
        box["x"] + LEFT + (x - x0) / (x1 - x0) * width,
        box["y"] + TOP + (1 - (y - y0) / (y1 - y0)) * height,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/playground.png", help="PNG file to write")
    parser.add_argument("--view", choices=("race", "network", "backprop"), default="race")
    parser.add_argument("--lang", choices=("en", "ja"), default="en", help="the page's language")
    args = parser.parse_args()
    lang = f"&lang={args.lang}"
    from playwright.sync_api import expect, sync_playwright

    server = make_server("127.0.0.1", 0)
    warm_up()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1600, "height": 900})
            status = page.locator("#status")
            if args.view == "race":
                page.goto(server.url + RACE + lang)
                expect(status).to_have_attribute("data-step", "150", timeout=30000)
                hover(page, server.url, label="momentum", step=30)
            elif args.view == "backprop":
                page.goto(server.url + BACKPROP + lang)
                expect(status).to_have_attribute("data-step", "3", timeout=30000)
                page.click("#bp-check")
            else:
                page.goto(server.url + NETWORK + lang)
                expect(status).to_have_attribute("data-step", "0", timeout=30000)
                page.click("#net-play")
                time.sleep(6)
                page.click("#net-play")
            time.sleep(0.5)
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            paint = page.locator("body").get_attribute("data-first-paint")
            print(f"wrote {args.out}; first paint {paint} ms after navigation started")
            print(status.inner_text())
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
