"""``kobai landscape RUN_DIR``: the loss landscape of a trained run (Li et al. 2018)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kobai.i18n import pad, t


def add_parser(subparsers: Any) -> None:
    """Add ``kobai landscape`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "landscape",
        help="loss landscape of a trained run: slices, contours, surface, training path",
        description=(
            "Evaluate the loss of a trained run (a run directory of `kobai train`) around its "
            "final parameters, in eval mode on a fixed subset of its data: a 1-D slice along a "
            "filter-normalised random direction, the linear interpolation from the initial to "
            "the final parameters, and a 2-D contour and 3-D surface over a plane. The plane "
            "is spanned by two filter-normalised random directions (--mode random) or by the "
            "two principal components of the training path, drawn on it (--mode pca; needs "
            "`kobai train --save-every-epoch`). Biases and BatchNorm parameters stay fixed "
            "unless --include-bias-bn."
        ),
    )
    p.add_argument(
        "run_dir",
        metavar="RUN_DIR",
        nargs="?",
        help="a run directory of `kobai train` (default: the latest one in runs/)",
    )
    p.add_argument("--resolution", type=int, default=41, help="points per axis (41)")
    p.add_argument(
        "--range",
        type=float,
        default=1.0,
        help="half-width of the plane in filter-normalised units (random), or a multiple of "
        "the box around the training path (pca) (1.0)",
    )
    p.add_argument("--samples", type=int, default=1000, help="size of the fixed subset (1000)")
    p.add_argument("--seed", type=int, default=0, help="draws the subset and directions (0)")
    p.add_argument(
        "--mode",
        choices=("auto", "random", "pca"),
        default="auto",
        help="plane of random directions or of the training path's PCA (auto: pca when the "
        "run saved per-epoch checkpoints)",
    )
    p.add_argument("--split", choices=("train", "test"), default="train", help="data (train)")
    p.add_argument("--norm", choices=("filter", "layer", "none"), default="filter", help="(filter)")
    p.add_argument(
        "--include-bias-bn",
        action="store_true",
        help="also move biases and BatchNorm parameters (the paper keeps them fixed)",
    )
    p.add_argument("--batch-size", type=int, help="samples per forward pass (all at once)")
    p.add_argument(
        "--max-minutes",
        type=float,
        default=30.0,
        help="refuse a surface estimated to take longer (30)",
    )
    p.add_argument("--out", help="folder for the figures (RUN_DIR/landscape)")


def run(args: argparse.Namespace) -> int:
    """Run ``kobai landscape`` with the parsed ``args``; return the exit status (0)."""
    import numpy as np

    from kobai.landscape.run_landscape import landscape_of_run
    from kobai.landscape.trajectory import HOW_TO_SAVE
    from kobai.viz.landscape import plot_run_landscape

    if args.max_minutes <= 0:
        raise ValueError(f"--max-minutes must be > 0, got {args.max_minutes}")
    if args.run_dir is None:
        args.run_dir = str(latest_run())
    bar = _progress(args.resolution)
    try:
        result = landscape_of_run(
            args.run_dir, resolution=args.resolution, extent=args.range, samples=args.samples,
            seed=args.seed, mode=args.mode, split=args.split, norm=args.norm,
            ignore_bias_bn=not args.include_bias_bn, batch_size=args.batch_size,
            max_seconds=60.0 * args.max_minutes, progress=bar.update if bar else None,
        )  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    out = Path(args.out) if args.out else Path(args.run_dir) / "landscape"
    figures = plot_run_landscape(result, out, formats=("png", "svg"))
    numbers = result.save(out / "landscape.npz")
    path = result.interpolation
    final = int(np.flatnonzero(path.alphas == 1.0)[0])
    print(t("land.cli.header", title=result.title, samples=f"{result.samples:,}",
            split=args.split, n=args.resolution, seconds=result.seconds))  # fmt: skip
    print(t("land.cli.trained", loss=f"{path.loss[final]:.4g}", metric=path.metric_name,
            value=f"{path.metric[final]:.4g}"))  # fmt: skip
    ratio = result.explained_variance_ratio
    if ratio is not None:
        print(t("land.cli.pca", points=len(result.epochs), first=f"{ratio[0]:.1%}",
                second=f"{ratio[1]:.1%}"))  # fmt: skip
    else:
        print(t("land.cli.random", norm=args.norm))
        if args.mode == "auto":
            print(t("land.cli.no_path", how=HOW_TO_SAVE))
    if result.initial_rebuilt:
        print(t("land.cli.rebuilt"))
    for kind, files in figures.items():
        print(f"{pad(t(f'land.cli.{kind}'), 13, right=True)}: {', '.join(map(str, files))}")
    print(f"{pad(t('land.cli.numbers'), 13, right=True)}: {numbers}")
    return 0


def latest_run() -> Path:
    """The most recent run directory in ``runs/`` (where ``kobai train`` writes them)."""
    from kobai.landscape.run_landscape import find_runs

    runs = find_runs("runs")
    if not runs:
        raise FileNotFoundError(
            "no RUN_DIR given and no run directory in runs/; train one first with `kobai train`"
        )
    return runs[-1]


def _progress(resolution: int) -> Any:
    # The bar of fit and the sweep driver: on a terminal, not in a log file.
    from kobai._progress import progress_bar, show_progress

    if not show_progress(None) or not isinstance(resolution, int) or resolution < 2:
        return None
    return progress_bar(total=resolution * resolution, unit="point", leave=False, desc="surface")
