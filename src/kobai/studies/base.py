"""What every study shares: a seed, a quick mode, an output folder, tables, figures, a report.

A study is a function ``study(ctx)`` registered with :func:`register`. It computes, and tells
the :class:`Context` what it found: ``ctx.table`` writes a CSV file and shows the table in the
report, ``ctx.figure`` saves a figure as PNG and SVG and shows it, ``ctx.headline`` records a
headline number, ``ctx.finding`` states what the numbers say, ``ctx.page`` takes any other
text. :func:`run_study` then writes ``report.md``, a self-contained ``report.html`` (figures
embedded) and ``headlines.json``, and returns a :class:`StudyResult`.
"""

from __future__ import annotations

import csv
import json
import math
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kobai.files import atomic_writer, write_atomic
from kobai.i18n import Message, t, t_or
from kobai.report import Page, format_number
from kobai.validation import check_int

FORMATS = ("png", "svg")
#: What a quick run says first: its settings are for checking that the study runs.
QUICK_WARNING = (
    "QUICK RUN: settings too small to conclude anything; its findings can contradict the full "
    "study's (run it without --quick for numbers to quote)"
)


@dataclass(frozen=True)
class Study:
    """One registered study: its name, what it checks, where the claim comes from."""

    name: str
    title: str
    source: str
    claim: str
    function: Callable[[Context], None]


@dataclass(frozen=True)
class Headline:
    """One headline number: a machine key, a label for people (text, or a
    :class:`~kobai.i18n.Message` put into words in the report's language), the value."""

    key: str
    label: str | Message
    value: Any


@dataclass(frozen=True)
class Summary:
    """A small table of headline numbers (printed and shown atop the report)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def lines(self) -> list[str]:
        """The table as aligned text lines, the title first."""
        from kobai.i18n import pad, width

        cells = [list(self.columns)] + [[format_number(v) for v in row] for row in self.rows]
        widths = [max(width(str(row[i])) for row in cells) for i in range(len(self.columns))]
        out = [f"  {self.title}"]
        for row in cells:
            first, *rest = (str(v) for v in row)
            out.append(
                f"    {pad(first, widths[0])}"
                + "".join(
                    f"  {pad(v, w, right=True)}" for v, w in zip(rest, widths[1:], strict=True)
                )
            )
        return out


@dataclass
class StudyResult:
    """What a study run produced.

    Attributes
    ----------
    name, title : str
    out : Path
        The folder holding every file.
    seed : int
    quick : bool
    seconds : float
        Wall time of the run.
    headlines : list of Headline
    summaries : list of Summary
        Tables of headline numbers (e.g. a ratio for every combination of settings).
    files : list of Path
        Every file written (CSV, PNG, SVG, report.md, report.html, headlines.json).
    """

    name: str
    title: str
    out: Path
    seed: int
    quick: bool
    seconds: float
    headlines: list[Headline] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        for headline in self.headlines:
            if headline.key == key:
                return headline.value
        raise KeyError(f"no headline {key!r}; headlines: {', '.join(self.keys())}")

    def keys(self) -> list[str]:
        """The headline keys, in the order they were recorded."""
        return [h.key for h in self.headlines]

    @property
    def report(self) -> Path:
        """The path of the study's HTML report (``out/report.html``)."""
        return self.out / "report.html"

    def summary(self) -> str:
        """The headline numbers as printed by ``kobai study`` (in :mod:`kobai.i18n`'s language
        where the catalogue has the study's words)."""
        from kobai.i18n import pad, width

        labels = [headline_label(self.name, h) for h in self.headlines]
        widest = max(map(width, labels), default=0)
        title = study_text(self.name, "title", self.title)
        mode = t("report.run_quick" if self.quick else "report.run_default", seed=self.seed)
        lines = [t("report.run_line", title=title, mode=mode, seconds=self.seconds)]
        if self.quick:
            lines.append(f"  {t('report.quick_warning')}")
        lines += [
            f"  {pad(label, widest)}  {format_number(h.value)}"
            for label, h in zip(labels, self.headlines, strict=True)
        ]
        for summary in self.summaries:
            lines += summary.lines()
        return "\n".join(lines)


class Context:
    """The run of one study: its settings, its random streams and what it writes.

    Parameters
    ----------
    study : Study
    out : Path
        Folder of the files (created).
    seed : int
        Every random stream of the study derives from it: same seed, same numbers.
    quick : bool
        Smaller settings that finish in seconds (the tests use them).
    verbose : bool
        Print progress lines to standard error.
    """

    def __init__(
        self, study: Study, *, out: Path, seed: int, quick: bool, verbose: bool = False
    ) -> None:
        self.study, self.out, self.seed, self.quick = study, out, seed, quick
        self.verbose = verbose
        self.page = Page(study.title)
        self.headlines: list[Headline] = []
        self.summaries: list[Summary] = []
        self.findings: list[str | Message] = []
        self.files: list[Path] = []
        out.mkdir(parents=True, exist_ok=True)

    def choose(self, default: Any, quick: Any) -> Any:
        """``quick`` in quick mode, else ``default``."""
        return quick if self.quick else default

    def rng(self, *keys: str | int) -> np.random.Generator:
        """An independent random stream for ``keys`` (e.g. ``ctx.rng("init", 3)``): the same
        seed and keys give the same numbers, whatever else the study draws."""
        words = [self.seed] + [
            zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in keys
        ]
        return np.random.default_rng(np.random.SeedSequence(words))

    def log(self, message: str) -> None:
        """Print a progress line to standard error when the study runs verbosely."""
        if self.verbose:
            print(f"  [{self.study.name}] {message}", file=sys.stderr, flush=True)

    def headline(self, key: str, label: str | Message, value: Any) -> None:
        """Record a headline number (printed, in ``headlines.json`` and atop the report); a
        label that carries a number (``lr 0.5: verdict``) is a :class:`~kobai.i18n.Message`
        with that number as a field."""
        self.headlines.append(Headline(key, label, _plain(value)))

    def summary(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Record a small table of headline numbers (printed, in ``headlines.json``, atop the
        report)."""
        body = tuple(tuple(_plain(v) for v in row) for row in rows)
        self.summaries.append(Summary(title, tuple(columns), body))

    def finding(self, text: str | Message) -> None:
        """A sentence on what the numbers show (listed under "What the numbers say"); a
        :class:`~kobai.i18n.Message` is put into words in the report's language."""
        self.findings.append(text)

    def table(
        self,
        name: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        caption: str = "",
        show: int | None = 40,
    ) -> Path:
        """Write ``name.csv`` and show up to ``show`` rows of it in the report (0: none).

        The CSV file keeps ``columns`` as its machine-readable header; the table shown names
        each column in the report's language (the catalogue's ``study.<name>.col.<column>``,
        else the column itself)."""
        body = [list(row) for row in rows]
        path = self.out / f"{name}.csv"
        with atomic_writer(path, text=True) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([[_csv_cell(v) for v in row] for row in body])
        self.files.append(path)
        if show != 0:
            limit = len(body) if show is None else show
            rows = "report.rows_first" if len(body) > limit else "report.rows_all"
            full = t(rows, limit=limit, total=len(body), file=path.name)
            shown = [column_label(self.study.name, c) for c in columns]
            self.page.table(shown, body[:limit], caption=(caption + full).strip())
        return path

    def figure(self, fig: Any, name: str, caption: str) -> Path:
        """Save a matplotlib figure as ``name.png`` and ``name.svg`` and show it."""
        from kobai.viz.style import save_figure

        paths = save_figure(fig, self.out / name, formats=FORMATS)
        return self.saved_figure(paths, caption)

    def figure_path(self, name: str) -> Path:
        """Where a figure drawn and saved by a ``kobai.viz`` function should go (pass
        ``formats=FORMATS`` to it, then its paths to :meth:`saved_figure`)."""
        return self.out / name

    def saved_figure(self, paths: Sequence[Path], caption: str) -> Path:
        """Show a figure already saved (PNG first) and list its files."""
        self.files.extend(paths)
        self.page.figure(paths[0], caption)
        return paths[0]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return repr(number) if math.isfinite(number) else str(number)
    return _plain(value)


def run_study(
    study: Study,
    *,
    out: str | Path,
    seed: int = 0,
    quick: bool = False,
    verbose: bool = False,
) -> StudyResult:
    """Run ``study`` into the folder ``out`` and write its report; see :func:`kobai.studies.run`."""
    seed = check_int("seed", seed, low=0)
    folder = Path(out)
    ctx = Context(study, out=folder, seed=int(seed), quick=bool(quick), verbose=verbose)
    start = time.perf_counter()
    study.function(ctx)
    seconds = time.perf_counter() - start
    result = StudyResult(
        study.name,
        study.title,
        folder,
        int(seed),
        bool(quick),
        seconds,
        list(ctx.headlines),
        list(ctx.summaries),
    )
    page = _report_page(study, ctx, seconds)
    result.files = [*ctx.files, *page.write(folder), _write_headlines(result)]
    return result


def _report_page(study: Study, ctx: Context, seconds: float) -> Page:
    mode = t("report.quick" if ctx.quick else "report.default")
    documents = t("report.documents" if " and " in study.source else "report.document")
    page = Page(
        study_text(study.name, "title", study.title),
        subtitle=t(
            "report.subtitle", name=study.name, documents=documents, source=sources(study.source)
        ),  # fmt: skip
    )
    if ctx.quick:
        page.paragraph(t("report.warning_line", warning=t("report.quick_warning")))
    page.heading(t("report.claim"))
    page.paragraph(study_text(study.name, "claim", study.claim))
    if ctx.headlines:
        page.heading(t("report.headlines"))
        rows = [[headline_label(study.name, h), h.value] for h in ctx.headlines]
        page.table([t("report.quantity"), t("report.value")], rows)
    for summary in ctx.summaries:
        page.paragraph(f"**{summary.title.capitalize()}**")
        page.table(summary.columns, summary.rows)
    if ctx.findings:
        page.heading(t("report.findings_quick" if ctx.quick else "report.findings"))
        page.bullets([str(f) for f in ctx.findings])
    page.blocks.extend(ctx.page.blocks)
    page.heading(t("report.reproduce"))
    quick = " --quick" if ctx.quick else ""
    page.paragraph(t("report.made_with", mode=mode, seed=ctx.seed, seconds=seconds))
    page.code(
        f"kobai study {study.name}{quick} --seed {ctx.seed}\n\n"
        f"# {t('report.from_python')}\nimport kobai.studies\n"
        f'kobai.studies.run("{study.name}", quick={ctx.quick}, seed={ctx.seed}, out="...")'
    )
    return page


def study_text(name: str, part: str, english: str) -> str:
    """The study's ``part`` (``title``, ``claim``) in the current language: the catalogue's
    ``study.<name>.<part>`` where it has one, else ``english``."""
    return t_or(f"study.{name}.{part}", english)


def sources(source: str) -> str:
    """``"002 and 003"`` in the current language (``"002 と 003"``)."""
    first, sep, second = source.partition(" and ")
    return t("report.and", a=first, b=second) if sep else source


def headline_label(name: str, headline: Headline) -> str:
    """A headline's label in the current language: a :class:`~kobai.i18n.Message` label put
    into words, else the catalogue's ``study.<name>.h.<key>``, else the label itself."""
    if isinstance(headline.label, Message):
        return headline.label.text()
    return study_text(name, f"h.{headline.key}", headline.label)


def column_label(name: str, column: str) -> str:
    """A CSV column's name in the current language, as a table of the report shows it
    (``study.<name>.col.<column>``, else ``column``)."""
    return study_text(name, f"col.{column}", column)


def _write_headlines(result: StudyResult) -> Path:
    path = result.out / "headlines.json"
    payload = {
        "study": result.name,
        "seed": result.seed,
        "quick": result.quick,
        "seconds": round(result.seconds, 3),
        "headlines": {h.key: _json_value(h.value) for h in result.headlines},
        "summaries": [
            {
                "title": s.title,
                "columns": list(s.columns),
                "rows": [[_json_value(v) for v in row] for row in s.rows],
            }
            for s in result.summaries
        ],
    }
    write_atomic(path, json.dumps(payload, indent=2) + "\n")
    return path


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
