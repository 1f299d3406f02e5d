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
    p.add_argument(
        "--order",
        type=int,
        metavar="N",
        help="instead, draw each activation with its derivatives up to order N, computed by "
        "repeated kobai.grad (file activations_order<N>)",
    )
    p.add_argument("--out", default="figures", help="folder for the figure (figures)")
    add_formats(p)


def run(args: argparse.Namespace) -> int:
    """Run ``kobai activations`` with the parsed ``args``; return the exit status (0)."""
    from kobai.viz.activations import plot_activations

    formats = parse_formats(args.formats)
    names = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else None
    if args.order is not None:
        if not 1 <= args.order <= 8:
            raise ValueError(f"--order must be between 1 and 8, got {args.order}")
        from kobai.viz.derivatives import plot_activation_derivatives

        out = Path(args.out) / f"activations_order{args.order}"
        paths = plot_activation_derivatives(out, order=args.order, names=names, formats=formats)
    else:
        paths = plot_activations(Path(args.out) / "activations", names=names, formats=formats)
    for path in paths:
        print(f"wrote {path}")
    return 0
