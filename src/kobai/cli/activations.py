"""``kobai activations``: every activation and its derivative, in one figure."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kobai.cli.descend import add_formats, parse_formats


def add_parser(subparsers: Any) -> None:
    """Add ``kobai activations`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "activations",
        help="gallery of every activation and its derivative",
        description=(
            "Draw every activation of kobai.nn with its derivative (the sigmoid's maximum "
            "derivative 0.25 and tanh's 1 marked) and compare the derivatives of sigmoid, tanh "
            "and ReLU, the root of vanishing gradients."
        ),
    )
    p.add_argument("--only", metavar="A,B,...", help="draw only these activations")
    p.add_argument("--out", default="figures", help="folder for the figure (figures)")
    add_formats(p)


def run(args: argparse.Namespace) -> int:
    """Run ``kobai activations`` with the parsed ``args``; return the exit status (0)."""
    from kobai.viz.activations import plot_activations

    formats = parse_formats(args.formats)
    names = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else None
    for path in plot_activations(Path(args.out) / "activations", names=names, formats=formats):
        print(f"wrote {path}")
    return 0
