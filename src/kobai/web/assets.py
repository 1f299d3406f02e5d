"""The page and its assets, served from the package by a fixed whitelist.

No part of a request's path is ever joined to a file name: a URL path either is one of the keys
of :data:`ASSETS` or the answer is 404. The files are read from the installed package once.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

# The page's ES modules, each served from /static/<name>.js.
SCRIPTS = "app state i18n draw surface readout network backprop stream optimizers".split()

# URL path -> (file in kobai/web/static, content type)
ASSETS: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
    **{f"/static/{n}.js": (f"{n}.js", "text/javascript; charset=utf-8") for n in SCRIPTS},
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}


# The Japanese web font: IPAexGothic of the ja extra (matplotlib-fontja), so that a machine
# without a Japanese font shows the page's Japanese; the style sheet asks for it only for
# Japanese characters (unicode-range), and the path is 404 when the extra is not installed.
FONT_PATH = "/static/ipaexg.ttf"


def asset(url_path: str) -> tuple[bytes, str, str] | None:
    """``(body, content type, etag)`` of a whitelisted path, else None."""
    # The lookup stays outside any cache: a cache keyed by the request's path would keep
    # every distinct unknown path a client sends, forever.
    if url_path == FONT_PATH:
        return _japanese_font()
    entry = ASSETS.get(url_path)
    if entry is None:
        return None
    name, content_type = entry
    body, etag = _static_file(name)
    return body, content_type, etag


@functools.cache
def _static_file(name: str) -> tuple[bytes, str]:
    """The body and etag of one file of kobai/web/static (read once; keyed by file name)."""
    body = resources.files("kobai.web").joinpath("static").joinpath(name).read_bytes()
    return body, _etag(body)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


@functools.cache
def _japanese_font() -> tuple[bytes, str, str] | None:
    """IPAexGothic's file from matplotlib-fontja, found without importing it (its import
    changes matplotlib's fonts), or None."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        return None
    body = path.read_bytes()
    return body, "font/ttf", _etag(body)
