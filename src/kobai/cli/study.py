"""``kobai study``: run an experiment that checks a claim of the source documents."""

from __future__ import annotations

import argparse
from typing import Any

from kobai.i18n import t


def add_parser(subparsers: Any) -> None:
    """Add ``kobai study`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "study",
        help="run a study: vanishing gradients, batch modes, learning rates, ...",
        description=(
            "Run a ready experiment that checks a claim of the source documents: it writes "
            "tables (CSV), figures (PNG, SVG) and a report (report.md and a self-contained "
            "report.html) to --out and prints its headline numbers. 'all' runs every study "
            "into --out/NAME."
        ),
    )
    p.add_argument("name", nargs="?", help="the study (see --list), or 'all'")
    p.add_argument("--list", action="store_true", help="list the studies and exit")
    p.add_argument("--quick", action="store_true", help="small settings: seconds, not minutes")
    p.add_argument("--out", help="output folder (default: studies/NAME)")
    p.add_argument("--seed", type=int, default=0, help="random seed (0): same seed, same numbers")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def run(args: argparse.Namespace) -> int:
    """Run ``kobai study`` with the parsed ``args``; return the exit status (0)."""
    from pathlib import Path

    from kobai import studies
    from kobai.studies.base import sources, study_text

    if args.list:
        for name in studies.available():
            study = studies.get(name)
            title = study_text(name, "title", study.title)
            print(f"{name:<24} {t('study.cli.list', title=title, source=sources(study.source))}")
        return 0
    if not args.name:
        raise ValueError("name a study (kobai study --list shows them) or 'all'")
    if args.seed < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    names = studies.available() if args.name == "all" else [studies.get(args.name).name]
    results = []
    for i, name in enumerate(names, start=1):
        out: Path | None
        if args.name == "all":
            out = Path(args.out or "studies") / name
            if not args.quiet:
                title = study_text(name, "title", studies.get(name).title)
                print(f"[{i}/{len(names)}] {name}: {title}", flush=True)
        else:
            out = Path(args.out) if args.out else None
        result = studies.run(
            name, quick=args.quick, out=out, seed=args.seed, verbose=not args.quiet
        )
        results.append(result)
        print(result.summary())
        print(t("study.cli.report", path=result.report) + "\n", flush=True)
    if args.name == "all":
        print(t("study.cli.index", path=write_index(Path(args.out or "studies"), results)))
    return 0


def write_index(folder: Any, results: list[Any]) -> Any:
    """``index.html`` (and ``index.md``) in ``folder``: one line per study, linking its report."""
    from kobai.report import Page
    from kobai.studies.base import study_text

    quick = any(r.quick for r in results)
    seed = t("study.cli.seed_quick" if quick else "study.cli.seed", seed=results[0].seed)
    page = Page(t("study.cli.index_title"), subtitle=seed)
    if quick:
        page.paragraph(t("report.warning_line", warning=t("report.quick_warning")))
    page.table(
        [t("study.cli.col.study"), t("study.cli.col.report"), t("study.cli.col.seconds")],
        [[study_text(r.name, "title", r.title), f"[{r.name}]({r.name}/report.html)",
          round(r.seconds, 1)] for r in results],
    )  # fmt: skip
    return page.write(folder, stem="index")[1]
