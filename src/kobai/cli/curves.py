"""``kobai curves RUN_DIR...``: learning curves of one run or several, side by side."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kobai.i18n import t

# Runs compared when none is named: as many as the palette has colours.
LATEST = 8


def add_parser(subparsers: Any) -> None:
    """Add ``kobai curves`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "curves",
        help="learning curves of runs: loss and accuracy against epoch and wall time",
        description=(
            "Plot the training (solid) and test (dashed) loss and accuracy of one or "
            "more run directories written by `kobai train`, one colour per run: compare "
            "optimisers, batch modes or learning rates. Without --x, writes one figure "
            "against epochs and one against wall time."
        ),
    )
    p.add_argument(
        "run_dirs",
        nargs="*",
        metavar="RUN_DIR",
        help=f"run directories (default: the {LATEST} latest in runs/)",
    )
    p.add_argument(
        "--labels",
        help="comma-separated legend labels, one per run (default: the optimiser and the "
        "settings that differ between the runs)",
    )
    p.add_argument("--x", choices=("epoch", "time"), help="x axis (default: both figures)")
    p.add_argument("--out", default="figures", help="folder for the figures (figures)")
    p.add_argument("--name", default="curves", help="file name stem (curves)")
    p.add_argument("--title", help="figure title")


def read_run(folder: Path) -> tuple[Any, dict[str, Any]]:
    """The History and the config of a run directory, with one-line errors."""
    from kobai.train.history import History

    if not folder.is_dir():
        raise FileNotFoundError(f"no run directory at {folder}")
    source = folder / "history.json"
    if not source.is_file():
        raise FileNotFoundError(
            f"{folder} is not a run directory of `kobai train` (no history.json)"
        )
    history = History.from_json(source)
    if len(history) == 0:
        raise ValueError(f"{folder} has no finished epoch to plot")
    config_file = folder / "config.json"
    config = json.loads(config_file.read_text()) if config_file.is_file() else {}
    return history, config


def run(args: argparse.Namespace) -> int:
    """Run ``kobai curves`` with the parsed ``args``; return the exit status (0)."""
    from kobai.landscape.run_landscape import find_runs
    from kobai.viz.curves import describe_runs, plot_learning_curves

    folders = [Path(d) for d in args.run_dirs]
    if not folders:
        folders = comparable_runs(find_runs("runs"))
    if not folders:
        raise FileNotFoundError(
            "no RUN_DIR given and no run directory in runs/; train one first with `kobai train`"
        )
    loaded = [read_run(f) for f in folders]
    tasks = {_task(h) for h, _ in loaded}
    if len(tasks) > 1:
        raise ValueError(
            "cannot draw classification and regression runs on one axis (cross-entropy "
            "against squared error); name runs of one kind"
        )
    if args.labels:
        labels = [s.strip() for s in args.labels.split(",")]
        if len(labels) != len(folders):
            raise ValueError(
                f"--labels has {len(labels)} label(s) for {len(folders)} run(s); give one each"
            )
    else:
        labels = describe_runs([c for _, c in loaded], [f.name for f in folders])
    if len(set(labels)) != len(labels):
        raise ValueError(f"the labels must differ, got {', '.join(labels)}")
    histories = {label: h for label, (h, _) in zip(labels, loaded, strict=True)}
    title = args.title or _title([c for _, c in loaded], folders)
    out = Path(args.out)
    for x in [args.x] if args.x else ["epoch", "time"]:
        files = plot_learning_curves(
            histories, out / f"{args.name}_{x}", title=title, formats=("png", "svg"), x=x,
            held_out="test",
        )  # fmt: skip
        print(t(f"cli.curves_{x}", paths=", ".join(str(f) for f in files)))
    return 0


def comparable_runs(found: list[Path]) -> list[Path]:
    """The latest runs (up to ``LATEST``) on the same data as the newest one: runs on other
    data sets have losses of other sizes and meanings, and are named, not mixed in."""
    if not found:
        return []

    def data_of(folder: Path) -> Any:
        config = json.loads((folder / "config.json").read_text())
        return config.get("data"), config.get("target")

    newest = data_of(found[-1])
    same = [f for f in found if data_of(f) == newest]
    chosen, others = same[-LATEST:], len(found) - len(same)
    note = t("cli.curves.others", others=others) if others else ""
    print(t("cli.curves.latest", n=len(chosen), data=newest[0], note=note))
    return chosen


def _task(history: Any) -> str:
    keys = history.keys()
    return "regression" if any(k.endswith("_r2") or k.endswith("_rmse") for k in keys) else "other"


def _title(configs: list[dict[str, Any]], folders: list[Path]) -> str:
    """``"Learning curves: mlp:16,16 on moons"`` when the runs share a model and data."""
    from kobai.viz.style import text

    shared = {(c.get("model"), c.get("data")) for c in configs}
    if len(shared) == 1 and None not in next(iter(shared)):
        model, data = next(iter(shared))
        return text("curves.title_model", model=model, data=data)
    if len(folders) > 1:
        return text("curves.title")
    return text("curves.title_of", name=folders[0].name)
