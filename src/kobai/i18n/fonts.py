"""A Japanese font for matplotlib: matplotlib-fontja's IPAexGothic (``pip install
"kobai[ja]"``), else one already installed, else a single warning and English figures."""

from __future__ import annotations

import warnings
from typing import Any

from kobai.i18n import get_language

# Families known to cover Japanese, in order of preference.
JAPANESE_FAMILIES = (
    "IPAexGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Hiragino Sans",
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "TakaoGothic",
    "VL Gothic",
)
# Subscripts (xₜ), ∇, Φ and other symbols of the figures that Japanese fonts may lack.
FALLBACK = "DejaVu Sans"
NO_FONT_WARNING = (
    'no Japanese font found (install one with: pip install "kobai[ja]"); '
    "figures are drawn in English"
)

_state: dict[str, Any] = {}


def _installed_family() -> str | None:
    """Register matplotlib-fontja's font when it is installed; the first Japanese family that
    matplotlib's font manager knows."""
    import matplotlib
    from matplotlib import font_manager

    # Importing matplotlib-fontja registers IPAexGothic and also makes it the only family,
    # which would leave English figures without their fallback: keep the family as it was.
    family = matplotlib.rcParams["font.family"]
    try:
        import matplotlib_fontja  # noqa: F401
    except ImportError:
        pass
    matplotlib.rcParams["font.family"] = family
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in JAPANESE_FAMILIES if name in names), None)


def japanese_font() -> str | None:
    """The Japanese family figures use (searched once per process), or None when none exists."""
    if "family" not in _state:
        _state["family"] = _installed_family()
    return _state["family"]


def figure_language() -> str:
    """The language figures are drawn in: :func:`~kobai.i18n.get_language`, except English
    (with one warning per process) when it is Japanese and no Japanese font is installed.

    When Japanese, matplotlib's rcParams are set to the Japanese family with DejaVu Sans as
    the per-glyph fallback, and ``axes.unicode_minus`` on (both fonts have U+2212 MINUS SIGN,
    so negative ticks get a true minus, not a hyphen).
    """
    lang = get_language()
    if lang != "ja":
        if "saved" in _state:  # back to English after Japanese: matplotlib's own fonts again
            import matplotlib

            matplotlib.rcParams["font.family"] = _state.pop("saved")
        return lang
    family = japanese_font()
    if family is None:
        if not _state.get("warned"):
            _state["warned"] = "yes"
            warnings.warn(NO_FONT_WARNING, UserWarning, stacklevel=2)
        return "en"
    import matplotlib

    _state.setdefault("saved", matplotlib.rcParams["font.family"])
    matplotlib.rcParams["font.family"] = [family, FALLBACK]
    matplotlib.rcParams["axes.unicode_minus"] = True
    return "ja"


def monospace() -> list[str]:
    """The family list of monospaced text (tables in figures): matplotlib's monospace, then
    the Japanese family for the glyphs it lacks when figures are Japanese (a generic family
    such as ``"monospace"`` resolves to one font, so the fallback must be named)."""
    family = japanese_font() if figure_language() == "ja" else None
    return ["monospace", family] if family else ["monospace"]


def strong() -> str:
    """The font weight of emphasised text in figures: bold, or normal while the Japanese
    family draws them (IPAexGothic has one weight: asked for bold, matplotlib logs
    "Failed to find font weight bold" and draws it normal anyway)."""
    return "normal" if "saved" in _state else "bold"


def reset() -> None:
    """Forget the font search and the warning (for tests that change what is installed)."""
    _state.clear()
