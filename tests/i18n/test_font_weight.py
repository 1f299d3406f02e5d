"""Emphasised text in a Japanese figure asks for no bold weight IPAexGothic lacks (matplotlib
would log "findfont: Failed to find font weight bold" under the figure in a notebook)."""

from __future__ import annotations

import logging

import pytest

import kobai
from kobai.i18n import fonts


def test_the_activation_gallery_in_japanese_logs_no_missing_weight(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pytest.importorskip("matplotlib")
    if fonts.japanese_font() is None:
        pytest.skip("no Japanese font installed")
    from matplotlib.text import Text

    from kobai.viz.activations import plot_activations

    kobai.set_language("ja")
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        fig = plot_activations(names=["sigmoid", "tanh", "relu"])
        fig.canvas.draw()
    assert [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()] == []
    notes = [t for t in fig.findobj(Text) if t.get_text().startswith("max")]
    assert notes and all(n.get_fontweight() == "normal" for n in notes)
    kobai.set_language("en")
    plot_activations(names=["sigmoid"])
    assert fonts.strong() == "bold"
