"""A model summary and a History speak the chosen language, in a notebook (HTML) and printed."""

from __future__ import annotations

import numpy as np

import kobai
from kobai import nn
from kobai.train import History


def model() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 2, rng=1))


def history(epochs: int) -> History:
    h = History()
    for e in range(1, epochs + 1):
        h.append_epoch(
            {"epoch": e, "train_loss": 1.0 / e, "val_loss": 2.0 / e, "wall_time": 0.5 * e}
        )
    return h


def test_summary_in_japanese_and_english() -> None:
    kobai.set_language("ja")
    found = nn.summary(model(), (2,), print_fn=None)
    html, text = found._repr_html_(), str(found)
    for word in (
        "層",
        "種類",
        "出力の形",
        "パラメータ数",
        "パラメータの総数",
        "学習するパラメータ",
    ):
        assert word in html, word
    assert "モデル: Sequential" in text and "パラメータの総数: 17" in text
    assert "Total params" not in html + text
    kobai.set_language("en")
    text = str(nn.summary(model(), (2,), print_fn=None))
    assert "Model: Sequential" in text and "Total params: 17" in text


def test_history_in_japanese() -> None:
    kobai.set_language("ja")
    html = history(14)._repr_html_()
    assert "学習履歴: 14 エポック" in html
    assert "val_loss の最良値 0.1429（エポック 14）" in html
    assert "学習時間 7 秒" in html and "ほか 4 エポック" in html
    assert "epochs" not in html.replace("val_loss", "")
    assert "学習履歴: 1 エポック" in history(1)._repr_html_()
    np.testing.assert_allclose(history(2).epochs[-1]["train_loss"], 0.5)
