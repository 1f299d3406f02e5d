"""``kobai sweep``: many runs over learning rates, optimizers and seeds; ``kobai sweep report``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kobai.cli.options import key_values, parse_value
from kobai.i18n import t

RANGE_FORMS = ("logspace", "linspace", "log_uniform", "uniform", "choice")


def add_parser(subparsers: Any) -> None:
    """Register ``kobai sweep`` (and ``kobai sweep report DIR``) on the command parser."""
    p = subparsers.add_parser(
        "sweep",
        help="many runs over hyper-parameters and seeds (local processes or Dask); reports",
        description=(
            "Run the same training over a grid of hyper-parameters and several seeds. A TOML "
            "file names the base configuration (anything kobai train accepts, in [base]) and "
            "the [axes]; every cell is an ordinary run directory under DIR/cells/, and DIR/"
            "sweep.db records the plan, each cell's status, metrics and history. A killed "
            "sweep continues with --resume DIR. 'kobai sweep report DIR' writes figures and "
            "an HTML page."
        ),
    )
    p.add_argument("target", nargs="*", metavar="CONFIG | report DIR",
                   help="a sweep TOML file, or 'report' and a sweep directory")  # fmt: skip
    g = p.add_argument_group("plan (options override the file)")
    g.add_argument("--set", action="append", default=None, metavar="KEY=VALUE",
                   help="a base option of kobai train, e.g. --set data=moons")  # fmt: skip
    g.add_argument(
        "--axis", action="append", default=None, metavar="NAME=VALUES",
        help="an axis: lr=0.01,0.1 (grid), lr=logspace:1e-3:1:5, lr=log_uniform:1e-4:1 "
        "(random, with --samples), optimizer=sgd,momentum,adam (values that hold commas, "
        "such as mlp:64,32: in the TOML file)",
    )  # fmt: skip
    g.add_argument("--seeds", type=int, help="seed replicates per configuration (1)")
    g.add_argument("--seed", type=int, help="the sweep's seed (0): cells' seeds derive from it")
    g.add_argument("--samples", type=int, help="random draws of the random axes")
    g.add_argument("--metric", help="metric the summary and report rank by (val_loss)")
    g = p.add_argument_group("execution")
    g.add_argument("--out", help="sweep directory (sweeps/NAME)")
    g.add_argument("--resume", metavar="DIR", help="continue the sweep in DIR")
    g.add_argument("--workers", type=int, help="local worker processes (one per core)")
    g.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask cluster")
    g.add_argument("--vectorize", action="store_true",
                   help="train seed/lr groups of small MLPs as one batched ensemble")  # fmt: skip
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Start, resume or report a sweep from the parsed options; return the exit code."""
    if args.target[:1] == ["report"]:
        return report(args)
    if len(args.target) > 1:
        raise ValueError(f"kobai sweep takes one CONFIG file, got {' '.join(args.target)}")
    import sqlite3

    import kobai.sweep as ks

    spec = gather_spec(args)
    if args.resume:
        folder = Path(args.resume)
    else:
        if spec is None:
            raise ValueError("kobai sweep needs a CONFIG file or --axis options (or --resume DIR)")
        folder = Path(args.out or Path("sweeps") / str(spec.get("name", "sweep")))
    try:
        results = ks.run(
            spec, folder, resume=bool(args.resume), workers=args.workers, threads=args.threads,
            scheduler=args.scheduler, vectorize=True if args.vectorize else None,
            progress=False if args.quiet else None,
        )  # fmt: skip
    except ks.SweepInterrupted as exc:
        print(f"kobai sweep: {exc}", file=sys.stderr)
        return 130
    except ImportError as exc:
        raise ValueError(str(exc)) from None
    except sqlite3.Error as exc:
        raise OSError(f"cannot write {folder / 'sweep.db'}: {exc} (is the disk full?)") from None
    return summarise(results)


def gather_spec(args: argparse.Namespace) -> dict[str, Any] | None:
    """The sweep file's specification with the options laid over it (None: none given)."""
    from kobai.sweep.plan import read_spec

    given = any(v for v in (args.set, args.axis, args.seeds, args.seed, args.samples, args.metric))
    if not args.target and not given:
        return None
    spec: dict[str, Any] = read_spec(args.target[0]) if args.target else {"name": "sweep"}
    if args.set:
        spec["base"] = {**spec.get("base", {}), **key_values(args.set, "--set")}
    for text in args.axis or []:
        name, value = parse_axis(text)
        spec.setdefault("axes", {})[name] = value
    names = [parse_axis(text)[0] for text in args.axis or []]
    twice = [n for n in names if names.count(n) > 1]
    if twice:
        raise ValueError(f"--axis {twice[0]} is given twice; give each axis once")
    for option in ("seeds", "seed", "samples", "metric"):
        if getattr(args, option) is not None:
            spec[option] = getattr(args, option)
    return spec


def parse_axis(text: str) -> tuple[str, Any]:
    """``"lr=logspace:1e-3:1:5"`` -> ``("lr", {"logspace": [0.001, 1.0, 5]})``;
    ``"optimizer=sgd,adam"`` -> ``("optimizer", ["sgd", "adam"])``."""
    name, sep, values = text.partition("=")
    if not sep or not name.strip() or not values.strip():
        raise ValueError(f"--axis takes NAME=VALUES, got {text!r}")
    form, colon, rest = values.partition(":")
    if colon and form in RANGE_FORMS:
        args = [parse_value(v) for v in rest.split(":" if form != "choice" else ",")]
        return name.strip(), {form: args}
    parsed = parse_value(values)
    return name.strip(), list(parsed) if isinstance(parsed, tuple) else [parsed]


def summarise(results: Any) -> int:
    """Print what ran, the best configuration with its interval, timings and the sha256."""
    import json

    from kobai.sweep.analysis import best_configuration
    from kobai.sweep.report import status_counts
    from kobai.sweep.store import Store

    counts = {s: sum(r["status"] == s for r in results) for s in ("done", "diverged", "failed")}
    store = Store.open(results.folder)
    try:
        timing = json.loads(store.meta("timing") or "{}")
    finally:
        store.close()
    print(t("cli.sweep.cells", n=len(results), folder=results.folder, counts=status_counts(counts)))
    if timing.get("cells"):
        print(
            t("cli.sweep.timing", cells=timing["cells"], wall=f"{timing['wall_seconds']:.1f}",
              executor=timing["executor"], own=f"{timing['cell_seconds']:.1f}",
              overhead=f"{1000 * timing['overhead_per_cell']:.0f}",
              after=f"{1000 * timing['overhead_per_cell_after_startup']:.0f}",
              startup=f"{timing['startup_seconds']:.1f}")
        )  # fmt: skip
    best = best_configuration(results)
    if best is not None:
        print(
            t("cli.sweep.best", metric=best["metric"], config=best["config_key"],
              mean=f"{best['mean']:.4g}", low=f"{best['low']:.4g}", high=f"{best['high']:.4g}",
              n=best["n"])
        )  # fmt: skip
    print(t("cli.sweep.sha", sha=results.sha256()))
    print(t("cli.sweep.report", folder=results.folder))
    return 1 if counts["failed"] else 0


def report(args: argparse.Namespace) -> int:
    """``kobai sweep report DIR``: write the figures and the HTML page of a sweep."""
    from kobai.sweep.report import write_report

    if len(args.target) != 2:
        raise ValueError(f"kobai sweep report takes one sweep directory, got {args.target[1:]}")
    folder = Path(args.target[1])
    page = write_report(folder, metric=args.metric, out=Path(args.out) if args.out else None)
    print(f"kobai sweep report: {page}")
    return 0
