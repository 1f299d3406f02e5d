"""The frame of a study's report (headings, table head, reproduce line) in Japanese."""

from types import SimpleNamespace

from kobai.i18n import language
from kobai.report import Page
from kobai.studies.base import Headline, Study, _report_page


def page_of(quick: bool) -> Page:
    study = Study("toy", "A toy study", "001", "Steps shrink.", lambda ctx: None)
    ctx = SimpleNamespace(
        quick=quick, seed=3, headlines=[Headline("k", "steps", 4)], summaries=[],
        findings=["they shrink"], page=Page("inner"),
    )  # fmt: skip
    return _report_page(study, ctx, 1.25)  # type: ignore[arg-type]


def test_japanese_report_frame_in_markdown_and_html() -> None:
    with language("ja"):
        page = page_of(quick=True)
        markdown, html = page.to_markdown(), page.to_html()
    for text in ("## 主張", "## 主要な数値", "| 量 | 値 |", "## 簡易設定の数値が示すこと",
                 "## 再現",
                 "このページは簡易設定とシード 3 で 1.2 秒かけて作られました",
                 "# または Python から",
                 "kobai study toy · 出典資料 001"):  # fmt: skip
        assert text in markdown, text
    assert '<html lang="ja">' in html and "<h2>主張</h2>" in html
    english = page_of(quick=False)
    assert "## The claim" in english.to_markdown() and '<html lang="en">' in english.to_html()
    assert "made with the default settings and seed 3 in 1.2 s" in english.to_markdown()


def test_emphasis_works_between_japanese_words() -> None:
    from kobai.report.page import inline_html

    assert (
        inline_html("小さな h で計算する*数値微分*で求める")
        == "小さな h で計算する<em>数値微分</em>で求める"
    )
    assert inline_html("a *b* c and x*y*z") == "a <em>b</em> c and x*y*z"
