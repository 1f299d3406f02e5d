"""The page and its assets, served from the package by a fixed whitelist.

No part of a request's path is ever joined to a file name: a URL path either is one of the keys
of :data:`ASSETS` or the answer is 404. The files are read from the installed package once.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

# URL path -> (file in kobai/web/static, content type)
ASSETS: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/state.js": ("state.js", "text/javascript; charset=utf-8"),
    "/static/i18n.js": ("i18n.js", "text/javascript; charset=utf-8"),
    "/static/draw.js": ("draw.js", "text/javascript; charset=utf-8"),
    "/static/surface.js": ("surface.js", "text/javascript; charset=utf-8"),
    "/static/readout.js": ("readout.js", "text/javascript; charset=utf-8"),
    "/static/network.js": ("network.js", "text/javascript; charset=utf-8"),
    "/static/backprop.js": ("backprop.js", "text/javascript; charset=utf-8"),
    "/static/stream.js": ("stream.js", "text/javascript; charset=utf-8"),
    "/static/optimizers.js": ("optimizers.js", "text/javascript; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}


@functools.cache
def asset(url_path: str) -> tuple[bytes, str, str] | None:
    """``(body, content type, etag)`` of a whitelisted path, else None."""
    entry = ASSETS.get(url_path)
    if entry is None:
        return None
    name, content_type = entry
    body = resources.files("kobai.web").joinpath("static").joinpath(name).read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    return body, content_type, etag
