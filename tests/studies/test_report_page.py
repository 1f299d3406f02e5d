"""The report page: Markdown and self-contained HTML."""

import base64
import re
from pathlib import Path

import pytest

from kobai.report import Page, data_uri, format_number, inline_html

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _page(tmp_path: Path) -> Page:
    image = tmp_path / "fig.png"
    image.write_bytes(PNG)
    page = Page("Title <1>", subtitle="sub")
    page.heading("Part")
    page.paragraph("The **bold** claim, with `code` and a [table](results.csv).")
    page.bullets(["one", "two"])
    page.table(["quantity", "|g| / |g0|"], [["ratio", 0.25], ["count", 40320]], caption="cap")
    page.figure(image, "a figure")
    page.code("kobai study x")
    return page


def test_markdown_has_every_block_and_relative_figure_links(tmp_path: Path) -> None:
    md = _page(tmp_path).to_markdown(folder=tmp_path)
    assert md.startswith("# Title <1>\n\n*sub*")
    assert "| quantity | \\|g\\| / \\|g0\\| |" in md  # pipes in cells are escaped
    assert "| ratio | 0.25 |" in md and "| count | 40320 |" in md
    assert "![a figure](fig.png)" in md
    assert "- one\n- two" in md and "```\nkobai study x\n```" in md


def test_html_is_self_contained(tmp_path: Path) -> None:
    html = _page(tmp_path).to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Title &lt;1&gt;</title>" in html
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert "<td>0.25</td>" in html


def test_write_creates_both_files(tmp_path: Path) -> None:
    md, html = _page(tmp_path).write(tmp_path / "out")
    assert md.read_text().startswith("# Title")
    assert "data:image/png;base64," in html.read_text()


def test_table_rows_must_match_columns() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        Page("t").table(["a", "b", "c"], [[1, 2]])


def test_data_uri_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("x")
    with pytest.raises(ValueError, match="must be one of"):
        data_uri(path)


def test_format_number() -> None:
    assert format_number(0.25) == "0.25"
    assert format_number(9.5367431640625e-07) == "9.537e-07"
    assert format_number(29030400) == "29030400"
    assert format_number(2**64) == "1.844e+19"
    assert format_number(float("nan")) == "nan"
    assert format_number("sgd") == "sgd"


def test_inline_html_escapes_before_formatting() -> None:
    assert inline_html("a < b **c**") == "a &lt; b <strong>c</strong>"
