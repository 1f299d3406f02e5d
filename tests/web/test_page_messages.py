"""The playground's words come from kobai's catalogue: every key the page names exists, the
English of index.html is the catalogue's, and /api/meta sends the messages of ``lang``."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kobai.i18n import MESSAGES
from kobai.web.backprop import presets
from kobai.web.routes import _meta, page_messages

from .conftest import Client

STATIC = Path(__file__).resolve().parents[2] / "src" / "kobai" / "web" / "static"
ATTRIBUTE = re.compile(r'data-i18n(?:-title|-aria)?="([a-z_0-9.]+)"')
IN_SCRIPT = re.compile(r'\btr(?:Or)?\(\s*[`"]([a-z_0-9.]+)(?:\$\{[^}]+\})?[`"]')


def test_every_key_of_the_page_is_in_the_catalogue() -> None:
    keys = set(ATTRIBUTE.findall((STATIC / "index.html").read_text()))
    for script in STATIC.glob("*.js"):
        keys |= set(IN_SCRIPT.findall(script.read_text()))
    assert len(keys) >= 90
    # Template keys (`web.surface.${name}`) end in "."; their entries are checked below.
    missing = sorted(k for k in keys if not k.endswith(".") and k not in page_messages("ja"))
    assert missing == []


def test_the_english_of_the_page_is_the_catalogues() -> None:
    page = (STATIC / "index.html").read_text()
    found = re.findall(r'data-i18n="([a-z_0-9.]+)"[^>]*>([^<]+)<', page)
    assert len(found) >= 50
    for key, text in found:
        if "{n}" not in MESSAGES[key]["en"]:  # one key, several numbers: the speeds below
            assert html.unescape(text) == MESSAGES[key]["en"], key
    speeds = re.findall(r'data-i18n="web.race.steps_per_s" data-n="(\d+)">(\d+) steps/s<', page)
    assert len(speeds) == 5 and all(a == b for a, b in speeds)


def test_server_side_texts_have_their_japanese() -> None:
    for surface in _meta()["surfaces"]:
        if surface.get("description"):
            assert MESSAGES[f"web.surface.{surface['name']}"]["en"] == surface["description"]
    for preset in presets():
        assert MESSAGES[f"web.bp.preset.{preset['name']}"]["en"] == preset["label"]


def test_meta_sends_the_messages_of_its_language(client: Client) -> None:
    english = client.get("/api/meta").json()
    japanese = client.get("/api/meta?lang=ja").json()
    assert english["lang"] == "en" and japanese["lang"] == "ja"
    assert english["messages"]["web.tab.network"] == "Tiny network"
    assert japanese["messages"]["web.tab.network"] == "小さなネットワーク"
    assert japanese["messages"]["descent.status.crawling"] == "停滞"
    assert set(english["messages"]) == set(japanese["messages"])
    assert english["surfaces"] == japanese["surfaces"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang=fr", "lang must be one of en, ja; got 'fr'"),
        ("lang=", "lang must be one of en, ja; got ''"),
        ("lang=ja&lang=en", "parameter lang given 2 times"),
        ("language=ja", "unknown parameter(s) language; valid: lang"),
    ],
)
def test_a_bad_language_is_refused_with_one_line(client: Client, query: str, message: str) -> None:
    answer = client.get(f"/api/meta?{query}")
    assert answer.status == 400 and answer.json() == {"error": message}
