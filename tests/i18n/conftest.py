"""Every test of the Japanese edition starts without KOBAI_LANG and leaves English behind."""

from __future__ import annotations

import sys

import pytest

from kobai.i18n import fonts, set_language

OUT_DIR_ENV = "KOBAI_I18N_PNG_DIR"  # set it to keep the figure tests' PNGs and look at them


@pytest.fixture(autouse=True)
def _english_after(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KOBAI_LANG", raising=False)
    yield
    monkeypatch.delenv("KOBAI_LANG", raising=False)  # a test may have set it
    set_language(None)
    if "matplotlib" in sys.modules:
        fonts.figure_language()  # matplotlib's own fonts again after a Japanese figure
