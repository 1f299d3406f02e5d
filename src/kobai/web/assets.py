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
