"""A study's report in Japanese says the same numbers as in English: one run, put into words
in both languages (kobai study numerical-vs-backprop, quick)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kobai.studies
from kobai.i18n import language
from kobai.studies.base import Context, _report_page

NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def section(markdown: str, heading: str) -> str:
    return markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


_RUNS: dict[str, dict[str, str]] = {}


def reports_of(name: str, folder: Path) -> dict[str, str]:
    """The quick run of study ``name`` (in Japanese), its report in both languages."""
    if name not in _RUNS:
        study = kobai.studies.get(name)
        ctx = Context(study, out=folder / name, seed=0, quick=True)
        with language("ja"):
            study.function(ctx)
        out = {}
        for lang in ("en", "ja"):
            with language(lang):
                out[lang] = _report_page(study, ctx, 2.5).to_markdown()
        _RUNS[name] = out
    return _RUNS[name]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return reports_of("numerical-vs-backprop", tmp_path_factory.mktemp("studies"))


@pytest.mark.parametrize(
    ("name", "english", "japanese"),
    [
        (
            "numerical-vs-backprop",
            "Agreement: over every network",
            "一致: どのネットワークでも両方",
        ),
        ("batch-modes", "Stability: the gradient of one sample", "安定性: 一つのサンプルの勾配は"),
        ("optimizers", "steps to get 99 % of the way down", "99 % まで下るのに要したステップ数"),
        ("curvature", "Training moved λ_max from", "学習によって λ_max は初期化時の"),
        ("learning-rate", "There is no rule that fits both", "両方に合う決まりはない"),
        ("vanishing-gradients", "Ten derivatives of at most 0.25", "最大 0.25 の導関数を十個"),
        ("edge-of-stability", "λ_max started at", "λ_max は"),
    ],
)
def test_the_conclusions_say_the_same_numbers_in_both_languages(
    tmp_path_factory: pytest.TempPathFactory, name: str, english: str, japanese: str
) -> None:
    found = reports_of(name, tmp_path_factory.mktemp("studies"))
    en = section(found["en"], "What these quick numbers say")
    ja = section(found["ja"], "簡易設定の数値が示すこと")
    en_items, ja_items = en.strip().split("\n- "), ja.strip().split("\n- ")
    counts = {
        "optimizers": 3,
        "curvature": 3,
        "learning-rate": 6,
        "vanishing-gradients": 8,
        "edge-of-stability": 3,
    }
    assert len(en_items) == len(ja_items) == counts.get(name, 4)
    for a, b in zip(en_items, ja_items, strict=True):
        assert sorted(NUMBER.findall(a)) == sorted(NUMBER.findall(b)), b
    assert english in en and japanese in ja
    assert not re.search(r"[ぁ-んァ-ン一-龥]", en)  # no Japanese left in the English


def test_the_headlines_and_their_values_are_the_same(reports: dict[str, str]) -> None:
    en = section(reports["en"], "Headline numbers").strip().splitlines()[2:]
    ja = section(reports["ja"], "主要な数値").strip().splitlines()[2:]
    assert len(en) == len(ja) == 14
    assert [row.rsplit("|", 2)[1] for row in en] == [row.rsplit("|", 2)[1] for row in ja]
    assert (
        "| 逆伝播による高速化の倍率 |" in reports["ja"] and "| backprop speed-up |" in reports["en"]
    )
    assert reports["ja"].startswith("# 数値微分と誤差逆伝播法の比較\n")
    assert "## 主張\n\n損失の勾配は" in reports["ja"] and "(source document 001)." in reports["en"]


def test_the_printed_summary_is_japanese(tmp_path: Path) -> None:
    from kobai.studies.base import Headline, StudyResult

    result = StudyResult("numerical-vs-backprop", "Numerical differentiation against "
                         "backpropagation", tmp_path, 3, True, 1.25,
                         [Headline("speedup", "backprop speed-up", 41.5),
                          Headline("new_one", "a label the catalogue lacks", 2)])  # fmt: skip
    with language("ja"):
        lines = result.summary().splitlines()
    assert lines[0] == "数値微分と誤差逆伝播法の比較 (シード 3, 簡易設定): 1.2 秒"
    assert lines[1].startswith("  簡易実行: ")
    from kobai.i18n import width

    assert lines[2] == "  逆伝播による高速化の倍率     41.5"
    assert lines[3] == "  a label the catalogue lacks  2"
    assert width(lines[2]) - len("41.5") == width(lines[3]) - len("2")  # values line up
    english = result.summary().splitlines()
    assert english[0] == "Numerical differentiation against backpropagation (seed 3, quick): 1.2 s"
    assert english[2] == "  backprop speed-up            41.5"


def test_every_study_has_its_title_and_claim_in_both_languages() -> None:
    from kobai.i18n import MESSAGES

    for name in kobai.studies.available():
        study = kobai.studies.get(name)
        assert MESSAGES[f"study.{name}.title"]["en"] == study.title, name
        assert MESSAGES[f"study.{name}.claim"]["en"] == study.claim, name
    with language("ja"):
        from kobai.studies.base import study_text

        assert study_text("curvature", "title", "?") == "学習の曲率"
        assert study_text("no-such-study", "title", "English") == "English"


def test_headline_labels_in_the_catalogue_match_the_studies() -> None:
    """Every ``ctx.headline("key", "label", ...)`` written with fixed strings has its Japanese,
    and the catalogue's English is the study's own label."""
    from kobai.i18n import MESSAGES

    folder = Path(kobai.studies.__file__).parent
    found = 0
    for path in folder.glob("*.py"):
        code = path.read_text()
        name = re.search(r'@register\(\s*"([a-z-]+)"', code)
        for key, label in re.findall(r'ctx\.headline\(\s*"([^"]+)",\s*"([^"]+)"', code):
            assert name, path
            entry = MESSAGES.get(f"study.{name[1]}.h.{key}")
            assert entry is not None, f"{name[1]}: {key}"
            assert entry["en"] == label, f"{name[1]}: {key}"
            found += 1
    assert found >= 30
