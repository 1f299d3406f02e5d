"""The studies' reports in Japanese: no English sentence left, tables named in Japanese while
their CSV files keep the English header, labels that carry a learning rate."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import kobai.studies
from kobai.i18n import MESSAGES, Message, Term, language, set_language
from kobai.studies.base import Context, Headline, _report_page, headline_label

LM = "study.local-minima"


@pytest.fixture(autouse=True)
def _english_after(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KOBAI_LANG", raising=False)
    yield
    set_language(None)


def ja(key: str, **fields: object) -> str:
    return MESSAGES[key]["ja"].format(**fields) if fields else MESSAGES[key]["ja"]


def prose(markdown: str) -> list[str]:
    """The report's lines outside code blocks and image links."""
    lines, code = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            code = not code
        elif not code and not line.startswith("!["):
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def local_minima(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, str]:
    study = kobai.studies.get("local-minima")
    with language("ja"):
        ctx = Context(study, out=tmp_path_factory.mktemp("lm"), seed=0, quick=True)
        study.function(ctx)
        markdown = _report_page(study, ctx, 1.0).to_markdown()
    return ctx, markdown


def test_the_local_minima_report_has_no_english_sentence_left(
    local_minima: tuple[Context, str],
) -> None:
    ctx, markdown = local_minima
    # every finding is a message and every headline label comes from the catalogue
    assert len(ctx.findings) == 8 and all(isinstance(f, Message) for f in ctx.findings)
    assert all(isinstance(h.label, Message) or f"{LM}.h.{h.key}" in MESSAGES for h in ctx.headlines)
    expected = [
        "# 局所最適解・ランダムな再スタート・置換対称性",
        "## 設定",
        "**再スタート**: ネットワーク 2 → 2 (tanh) → 2 が",
        "6 通りのランダムな初期値から、フルバッチの勾配降下法で 200 ステップ",
        "| sgd: 最良の最小値に達した再スタートの割合 | 0.1667 |",
        "| 全再スタートで異なる最終損失 (最小値) の数 | 7 |",
        "**一つの最小値のコピーの数**",
        "| ネットワーク | 出典資料: ∏ C(d,2) | すべての並べ替え: ∏ d! |",
        "- sgd: 最終損失は 5 種類: 0.320 (6 回中 1 回), ",
        "同じ初期値から始めると、momentum は 0%、adam は 0% の再スタートで素の SGD と同じ損失",
        "確率は k = 1 で 17%, k = 3 で 50%, k = 5 で 83%。",
        "- 置換対称性: 隠れユニットを並べ替えても",
        "恒等置換も含めて 8! · 6! = 29,030,400 通りある",
        "- 隠れ層が 2 ユニットと 3 ユニットの小さなネットワークで総当たり",
        f"*{ja(f'{LM}.fig.restarts')}*",
        f"*{ja(f'{LM}.fig.between')}*",
        "## すべての再スタート",
    ]
    for text in expected:
        assert text in markdown, text
    for english in ("restarts reaching", "Restarts help", "Permutation symmetry",
                    "How many copies", "Brute force", "Left:", "opies of one minimum",
                    "Every restart", "## Setup", "different final losses", "plain SGD",
                    "What the network learned", "of the restarts", " and "):  # fmt: skip
        assert english not in markdown, english
    # what is left of the Latin alphabet: names, code and mathematics (∏ 2^d d!), no prose
    words = {m for line in prose(markdown) for m in re.findall(r"[A-Za-z]+(?: [A-Za-z]+)+", line)}
    assert words == {"kobai study local", "sgd lr", "momentum lr", "adam lr", "d d"}


def test_the_same_findings_read_in_english_as_before(local_minima: tuple[Context, str]) -> None:
    english = [f.text("en") for f in local_minima[0].findings]
    assert english[0] == (
        "sgd: 5 different final losses: 0.320 (1 of 6), 0.360 (1 of 6), 0.406 (1 of 6), "
        "0.419 (1 of 6), 0.441 (2 of 6)."
    )
    assert english[3] == (
        "Share of restarts ending within 0.01 of the lowest loss found (0.298): sgd 0%, "
        "momentum 33%, adam 33%. From the same initial weights, momentum ends at the same loss "
        "as plain SGD in 0% and adam ends at the same loss as plain SGD in 0% of the restarts: "
        "the optimiser changes which minimum a given start leads to."
    )
    assert english[4].startswith("Restarts help: with plain SGD, the chance that the best of k")
    assert english[4].endswith("17% for k = 1, 50% for k = 3, 83% for k = 5; the expected "
                               "best loss is 0.399, 0.350, 0.326.")  # fmt: skip
    labels = [headline_label("local-minima", h) for h in local_minima[0].headlines]
    assert labels[0] == "sgd: restarts reaching the best minimum"
    assert labels[3] == "distinct final losses (minima) over all restarts"
    with language("ja"):
        labels = [headline_label("local-minima", h) for h in local_minima[0].headlines]
    assert labels[0] == ja(f"{LM}.h.best_fraction", name="sgd")


def test_a_shown_table_names_its_columns_in_the_report_language(tmp_path: Path) -> None:
    study = kobai.studies.get("learning-rate")
    columns = ["optimizer", "learning rate", "final loss", "regime", "no such column"]
    rows = [["sgd", 0.1 * i, 0.5, Term("vs.regime.good"), i] for i in range(3)]
    with language("ja"):
        ctx = Context(study, out=tmp_path / "ja", seed=0, quick=True)
        ctx.table("results", columns, rows, caption="すべての実行。", show=2)
        markdown = ctx.page.to_markdown()
    assert "| 最適化手法 | 学習率 | 最終的な損失 | 区分 | no such column |" in markdown
    assert "| sgd | 0.1 | 0.5 | 良好 | 1 |" in markdown
    assert "*すべての実行。3 行のうち最初の 2 行。全行は [results.csv](results.csv) にある。*" in (
        markdown
    )
    with open(tmp_path / "ja" / "results.csv", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == columns and written[1] == ["sgd", "0.0", "0.5", "good", "0"]
    ctx = Context(study, out=tmp_path / "en", seed=0, quick=True)
    ctx.table("results", columns, rows, caption="Every run.", show=2)
    ctx.table("again", columns, rows, show=None)
    markdown = ctx.page.to_markdown()
    assert "| optimizer | learning rate | final loss | regime | no such column |" in markdown
    assert "*Every run. The first 2 of 3 rows; all of them in [results.csv](results.csv).*" in (
        markdown
    )
    assert "*all of them in [again.csv](again.csv).*" in markdown


def test_headline_labels_that_carry_a_learning_rate() -> None:
    rate = {"lr": "0.25"}
    verdict = Headline(
        "lr0.25/verdict",
        Message("study.edge-of-stability.h.verdict", rate),
        Term("study.edge-of-stability.verdict.too few steps"),
    )
    fraction = Headline(
        "lr0.25/median_fraction", Message("study.edge-of-stability.h.median_fraction", rate), 1.1
    )
    words = {"lr": "17.8", "regime": Message("vs.regime.too large")}
    neuron = Headline("neuron/too large", Message("study.learning-rate.h.neuron_final", words), 0.1)
    assert verdict.value == "too few steps"  # data: what headlines.json and tests compare
    assert headline_label("edge-of-stability", verdict) == "lr 0.25: verdict"
    assert (
        headline_label("learning-rate", neuron) == "single neuron, lr 17.8 (too large): final loss"
    )
    with language("ja"):
        assert headline_label("edge-of-stability", verdict) == "lr 0.25: 判定"
        assert (
            headline_label("edge-of-stability", fraction)
            == "lr 0.25: 達した後の λ_max / (2/lr) の中央値"
        )
        assert (
            headline_label("learning-rate", neuron)
            == "単一ニューロン, lr 17.8 (大きすぎる): 最終的な損失"
        )
        assert verdict.value.text() == "ステップ不足"
    # the labels once listed rate by rate are gone: one message serves every rate
    assert not [k for k in MESSAGES if k.startswith("study.edge-of-stability.h.lr")]


def test_a_study_summary_prints_terms_in_the_language(tmp_path: Path) -> None:
    from kobai.studies.base import StudyResult, Summary

    result = StudyResult("learning-rate", "Choosing the learning rate", tmp_path, 0, False, 1.0)
    result.headlines = [Headline("best", "best", Term("vs.regime.good"))]
    result.summaries = [Summary("t", ("problem", "inside"), ((Term("vs.regime.crawl"), 1),))]
    assert result.summary().splitlines()[1:] == ["  best  good", "  t", "    problem  inside",
                                                 "    crawl         1"]  # fmt: skip
    with language("ja"):
        lines = result.summary().splitlines()
    assert lines[1] == "  best  良好" and lines[4].split() == ["遅すぎる", "1"]


def test_a_message_puts_its_nested_words_into_its_own_language() -> None:
    from kobai.i18n import Joined

    for regime in (Message("vs.regime.good"), Term("vs.regime.good")):
        label = Message("study.learning-rate.h.neuron_final", {"lr": "1", "regime": regime})
        assert label.text("ja") == "単一ニューロン, lr 1 (良好): 最終的な損失"  # English process
        assert label.text("en") == "single neuron, lr 1 (good): final loss"
    import copy

    copied = copy.deepcopy({"verdict": Term("vs.regime.good")})["verdict"]
    assert copied == "good" and copied.text("ja") == "良好"
    both = Joined((Message("vs.regime.good"), "sgd"), Message(f"{LM}.and"))
    assert both.text("ja") == "良好、sgd" and str(both) == "good and sgd"
