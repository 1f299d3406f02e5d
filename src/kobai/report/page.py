"""A report page: headings, paragraphs, lists, tables and figures, as Markdown and as HTML.

The HTML page is self-contained: its style sheet is inline and its figures are embedded as
``data:`` URIs, so the one file can be mailed, archived or opened offline and shows the same
thing. The Markdown twin refers to the figure files beside it.

This module uses the standard library only, so any layer may write a page.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kobai.files import write_atomic
from kobai.i18n import Term

STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP",
       "Noto Sans CJK JP", "Yu Gothic", Meiryo, sans-serif; color: #1a1a1a;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.1rem; }
.subtitle { color: #555; margin-top: 0; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .9em;
            background: #f4f4f4; border-radius: 3px; }
code { padding: 0 .2em; }
pre { padding: .6rem .8rem; overflow-x: auto; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f4f8; }
caption { caption-side: bottom; color: #555; font-size: .85rem; padding-top: .3rem;
          text-align: left; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: .9rem; }
"""

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    # Japanese runs words together without spaces: only ASCII letters around a * keep it literal.
    (re.compile(r"(?<![A-Za-z0-9_*])\*([^*\s][^*]*)\*(?![A-Za-z0-9_*])"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r'<a href="\2">\1</a>'),
]
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


def inline_html(text: str) -> str:
    """Escape ``text`` and turn the inline Markdown it may hold (`` `code` ``, ``**bold**``,
    ``*italic*``, ``[label](link)``) into HTML."""
    out = html.escape(text, quote=False)
    for pattern, replacement in _INLINE:
        out = pattern.sub(replacement, out)
    return out


def format_number(value: Any, digits: int = 4) -> str:
    """A number as a reader wants it: 4 significant digits, scientific notation when tiny or
    huge, integers in full; a :class:`~kobai.i18n.Term` in the current language; anything
    else through ``str``.

    >>> format_number(0.000012345), format_number(2.5), format_number(40320), format_number(1e12)
    ('1.234e-05', '2.5', '40320', '1e+12')
    >>> format_number(2**64)
    '1.844e+19'
    """
    if isinstance(value, Term):
        return value.text()
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return _integer(int(value), digits)
    if isinstance(value, float) or hasattr(value, "dtype"):
        number = float(value)
        if not math.isfinite(number):
            return str(number)
        return f"{number:.{digits}g}"
    return str(value)


def _integer(number: int, digits: int) -> str:
    if abs(number) < 10**15:
        return str(number)
    # Exact digits: integers such as 100! are far beyond a float's range.
    text = str(abs(number))
    sign = "-" if number < 0 else ""
    return f"{sign}{text[0]}.{text[1:digits]}e+{len(text) - 1}"


@dataclass(frozen=True)
class Heading:
    """A section heading of ``level`` 2 or 3."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text (``**bold**``, ``*italic*``, ```code``` and links as in Markdown)."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Code:
    """A block of code or command lines, shown as written."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table: column names, rows of cells (numbers formatted on output) and a caption."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Figure:
    """An image file shown with a caption."""

    path: Path
    caption: str = ""


Block = Heading | Paragraph | Bullets | Code | Table | Figure


@dataclass
class Page:
    """A report page built block by block, written as Markdown and as self-contained HTML.

    Examples
    --------
    >>> page = Page("Vanishing gradients", subtitle="source document 003")
    >>> page.paragraph("The sigmoid's derivative is at most **0.25**.")
    >>> page.table(["layer", "gradient norm"], [[1, 1e-6], [2, 1e-3]])
    >>> "| layer | gradient norm |" in page.to_markdown()
    True
    """

    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        """Add a section heading (``level`` 2 or 3)."""
        if level not in (2, 3):
            raise ValueError(f"level must be 2 or 3, got {level}")
        self.blocks.append(Heading(text, level))

    def paragraph(self, text: str) -> None:
        """Add a paragraph of text."""
        self.blocks.append(Paragraph(text))

    def bullets(self, items: Iterable[str]) -> None:
        """Add a bulleted list of ``items``."""
        self.blocks.append(Bullets(tuple(items)))

    def code(self, text: str) -> None:
        """Add a block of code, shown as written."""
        self.blocks.append(Code(text))

    def table(
        self, columns: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = ""
    ) -> None:
        """Add a table; every row must have one cell per column."""
        body = tuple(tuple(row) for row in rows)
        for row in body:
            if len(row) != len(columns):
                raise ValueError(
                    f"table row has {len(row)} cells for {len(columns)} columns: {row!r}"
                )
        self.blocks.append(Table(tuple(columns), body, caption))

    def figure(self, path: str | os.PathLike[str], caption: str = "") -> None:
        """Add the image at ``path`` with a caption."""
        self.blocks.append(Figure(Path(path), caption))

    # -- Markdown ---------------------------------------------------------------------------
    def to_markdown(self, *, folder: str | os.PathLike[str] | None = None) -> str:
        """The page as Markdown; figures are linked relative to ``folder`` (where the page
        will be written)."""
        parts = [f"# {self.title}"]
        if self.subtitle:
            parts.append(f"*{self.subtitle}*")
        for block in self.blocks:
            parts.append(_markdown(block, Path(folder) if folder is not None else None))
        return "\n\n".join(parts) + "\n"

    # -- HTML -------------------------------------------------------------------------------
    def to_html(self) -> str:
        """The page as one self-contained HTML document (figures embedded as data URIs), its
        ``lang`` the language of :mod:`kobai.i18n`."""
        from kobai.i18n import get_language

        body = [f"<h1>{inline_html(self.title)}</h1>"]
        if self.subtitle:
            body.append(f'<p class="subtitle">{inline_html(self.subtitle)}</p>')
        body.extend(_html(block) for block in self.blocks)
        return (
            f'<!DOCTYPE html>\n<html lang="{get_language()}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(self.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
        )

    def write(self, folder: str | os.PathLike[str], stem: str = "report") -> tuple[Path, Path]:
        """Write ``stem.md`` and ``stem.html`` into ``folder``; return both paths."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        markdown = target / f"{stem}.md"
        page = target / f"{stem}.html"
        write_atomic(markdown, self.to_markdown(folder=target))
        write_atomic(page, self.to_html())
        return markdown, page


def _cell(value: Any) -> str:
    return format_number(value)


def _pipe(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(block: Block, folder: Path | None) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {block.text}"
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Code):
        return f"```\n{block.text}\n```"
    if isinstance(block, Table):
        lines = ["| " + " | ".join(_pipe(c) for c in block.columns) + " |"]
        lines.append("|" + "|".join("---" for _ in block.columns) + "|")
        lines += ["| " + " | ".join(_pipe(_cell(v)) for v in row) + " |" for row in block.rows]
        if block.caption:
            lines.append(f"\n*{block.caption}*")
        return "\n".join(lines)
    if isinstance(block, Figure):
        link = os.path.relpath(block.path, folder) if folder is not None else str(block.path)
        text = f"![{block.caption or block.path.stem}]({Path(link).as_posix()})"
        return text + (f"\n\n*{block.caption}*" if block.caption else "")
    raise TypeError(f"unknown block {type(block).__name__}")


def _html(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{inline_html(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{inline_html(block.text)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{inline_html(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Code):
        return f"<pre><code>{html.escape(block.text)}</code></pre>"
    if isinstance(block, Table):
        head = "".join(f"<th>{inline_html(c)}</th>" for c in block.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{inline_html(_cell(v))}</td>" for v in row) + "</tr>"
            for row in block.rows
        )
        caption = f"<caption>{inline_html(block.caption)}</caption>" if block.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Figure):
        caption = f"<figcaption>{inline_html(block.caption)}</figcaption>" if block.caption else ""
        alt = html.escape(block.caption or block.path.stem)
        return f'<figure><img src="{data_uri(block.path)}" alt="{alt}">{caption}</figure>'
    raise TypeError(f"unknown block {type(block).__name__}")


def data_uri(path: str | os.PathLike[str]) -> str:
    """The file at ``path`` as a ``data:`` URI (PNG, SVG or JPEG)."""
    source = Path(path)
    kind = _IMAGE_TYPES.get(source.suffix.lower())
    if kind is None:
        raise ValueError(
            f"cannot embed {source.name}: the image must be one of {', '.join(_IMAGE_TYPES)}"
        )
    encoded = base64.b64encode(source.read_bytes()).decode("ascii")
    return f"data:{kind};base64,{encoded}"
