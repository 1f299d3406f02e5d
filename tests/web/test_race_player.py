"""The race animation's player in Chromium: each frame (what moves) is drawn over the still
picture (the image's background), so what the browser shows is the whole figure."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

import numpy as np
import pytest

from kobai.landscape import descend, get_function
from kobai.viz import animate_race

from .browser import IN_CI
from .test_browser import REASON, browser  # noqa: F401, F811 - the shared fixture

pytestmark = pytest.mark.skipif(
    REASON is not None and not IN_CI, reason=f"browser tests skipped: {REASON}"
)


@pytest.fixture(scope="module")
def html() -> str:
    """The player of a short race, drawn before the browser starts (launching it imports
    matplotlib-fontja, which makes IPAexGothic matplotlib's font)."""
    f = get_function("himmelblau")
    return animate_race(f, descend(f, ["sgd", "adam"], steps=30), max_frames=6, dpi=40).to_jshtml()


def image(data: str) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA")


def test_the_player_shows_each_frame_over_the_still_picture(html: str, browser: Any) -> None:  # noqa: F811
    from PIL import Image

    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    (still,) = re.findall(r"background: url\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", html)
    context = browser.new_context(viewport={"width": 800, "height": 600}, device_scale_factor=1)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # The player's icon font lives on a CDN; offline, its buttons simply have no icons.
        page.route(re.compile(r"^https?://"), lambda route: route.abort())
        page.set_content(f"<html><body style='margin:0'>{html}</body></html>")
        player = page.locator("img[id^=_anim_img]")
        slider = page.locator("input.anim-slider")
        page.locator("button[title=Pause]").click()
        slider.fill("4")  # the slider's input event shows frame 4
        assert player.get_attribute("src") == f"data:image/png;base64,{frames[4]}"
        assert player.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [440, 192]
        shown = np.asarray(Image.open(io.BytesIO(player.screenshot())).convert("RGBA"), float)
    finally:
        context.close()
    assert errors == []
    expected = np.asarray(Image.alpha_composite(image(still), image(frames[4])), float)
    assert shown.shape == expected.shape == (192, 440, 4)
    assert np.abs(shown - expected)[..., :3].mean() < 1.0  # of 255: the same picture
    moving = np.asarray(image(frames[4]))[..., 3] > 0
    assert 0.002 < moving.mean() < 0.2  # the frame alone is mostly transparent
