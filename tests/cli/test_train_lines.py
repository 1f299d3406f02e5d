"""kobai train's first and last lines count epochs as English and Japanese write them."""

from __future__ import annotations

import pytest

import kobai
from kobai.cli.train import epoch_span, print_table


@pytest.fixture(autouse=True)
def _english_after():  # type: ignore[no-untyped-def]
    yield
    kobai.set_language(None)


def test_one_epoch_and_many(capsys: pytest.CaptureFixture[str]) -> None:
    assert [epoch_span(1), epoch_span(15)] == ["1 epoch", "15 epochs"]
    print_table({"loss": 0.5}, {"loss": 0.6}, 1.25, 1)
    assert capsys.readouterr().out.rstrip().endswith("time: 1.2 s for 1 epoch")
    kobai.set_language("ja")
    assert [epoch_span(1), epoch_span(15)] == ["1 エポック", "15 エポック"]
    print_table({"loss": 0.5}, {"loss": 0.6}, 2.0, 3)
    assert capsys.readouterr().out.rstrip().endswith("時間: 3 エポックで 2.0 秒")
