"""Launching Debian's Chromium through Playwright, for the browser tests and the screenshot.

Playwright's own browser download never runs (it fails on machines without internet access):
the tests use ``/usr/bin/chromium`` from the system's package manager. Locally the browser tests
are skipped when it or Playwright is missing; in CI (``CI=true``) they run and fail instead.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# As root, without a sandbox; no background traffic to hosts a closed network cannot reach.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def japanese_fonts_env() -> dict[str, str]:
    """The environment of a Chromium that also finds matplotlib-fontja's IPAexGothic (of the
    test extra), so that Japanese pages draw real glyphs on machines without a Japanese font."""
    import importlib.util
    import tempfile
    from pathlib import Path

    # Found, not imported: importing matplotlib_fontja switches matplotlib's font for the
    # rest of the test process.
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or spec.origin is None:
        return dict(os.environ)
    fonts = Path(spec.origin).parent / "fonts"
    folder = Path(tempfile.mkdtemp(prefix="kobai-fonts-"))
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder}</cachedir>\n</fontconfig>\n"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=FLAGS, env=japanese_fonts_env()
    )
