"""``kobai neuron``: the single neuron y = f(w x + b), its loss surface and descent paths."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from kobai.cli.descend import add_formats, parse_floats, parse_formats, parse_int, parse_range
from kobai.i18n import t as message


def add_parser(subparsers: Any) -> None:
    """Add ``kobai neuron`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "neuron",
        help="single neuron y = f(wx + b): loss surface over (w, b), 3-D, contours and paths",
        description=(
            "Fit one neuron y = f(w x + b) by gradient descent on the mean squared error and "
            "draw its loss surface over (w, b): in 3-D, as contours with the path from the "
            "start (marked x) and arrows of steepest descent at right angles to the contours, "
            "and full-batch vs mini-batch vs stochastic paths on the same surface. Data: "
            "made by a neuron with known (w, b) plus noise, or your CSV file."
        ),
    )
    p.add_argument("--activation", default="sigmoid", help="sigmoid (default), tanh, relu, ...")
    p.add_argument("--samples", default="100", metavar="N", help="synthetic samples (100)")
    p.add_argument("--noise", default="0.05", help="noise on the synthetic targets (0.05)")
    p.add_argument("--true", default="2,-1", metavar="W,B", help="(w, b) of the data (2,-1)")
    p.add_argument("--data", metavar="CSV", help="your data: a CSV file with columns x and t")
    p.add_argument("--target", default="t", help="target column of --data (t)")
    p.add_argument("--lr", default="2.0", help="learning rate (2.0)")
    p.add_argument("--steps", default="100", metavar="N", help="updates (100)")
    p.add_argument("--start", default="-1.5,2.5", metavar="W,B", help="start (w, b) (-1.5,2.5)")
    p.add_argument("--batch-size", default="10", metavar="B", help="mini-batch size (10)")
    p.add_argument("--w-range", default="-2,6", metavar="LO,HI", help="w axis (-2,6)")
    p.add_argument("--b-range", default="-5,3", metavar="LO,HI", help="b axis (-5,3)")
    p.add_argument("--grid", default="201", metavar="N", help="grid points per axis (201)")
    p.add_argument("--seed", default="0", help="seed of the data and the shuffles (0)")
    p.add_argument("--out", default="figures", help="folder for the figures (figures)")
    add_formats(p)


def _data(args: argparse.Namespace, seed: int) -> tuple[np.ndarray, np.ndarray, Any]:
    if args.data:
        from kobai.data import load_csv

        x, t = load_csv(args.data, args.target, target_type="value")
        if x.ndim != 2 or x.shape[1] != 1:
            raise ValueError(f"{args.data} must have one input column besides {args.target!r}")
        return x, t, None
    from kobai.data import make_single_neuron
    from kobai.landscape import neuron

    w, b = parse_floats(args.true, "--true", count=(2,))
    noise = parse_floats(args.noise, "--noise", count=(1,))[0]
    name = neuron.check_activation(args.activation)
    # make_single_neuron knows sigmoid, tanh, relu and identity; for the other activations
    # the targets are the same neuron's outputs, computed here.
    direct = name in ("sigmoid", "tanh", "relu", "identity")
    x, t = make_single_neuron(
        parse_int(args.samples, "--samples"), w=w, b=b,
        activation=name if direct else "identity", noise=noise, rng=seed,
    )  # fmt: skip
    if not direct:
        clean = neuron.activate(w * x + b, name)
        t = (clean + (t - (w * x + b))).astype(x.dtype)
    return x, t, (w, b)


def _arrow_points(path: np.ndarray, w_range: list[float], b_range: list[float]) -> np.ndarray:
    """A few points along the start of the path and a 4 x 3 lattice over the plane."""
    ws = np.linspace(w_range[0], w_range[1], 6)[1:-1]
    bs = np.linspace(b_range[0], b_range[1], 5)[1:-1]
    lattice = np.array([(w, b) for w in ws for b in bs])
    return np.vstack([path[:9:3], lattice])


def run(args: argparse.Namespace) -> int:
    """Run ``kobai neuron`` with the parsed ``args``; return the exit status (0)."""
    from kobai.landscape import neuron
    from kobai.viz.neuron import mode_label, plot_batch_modes, plot_neuron_landscape

    seed = parse_int(args.seed, "--seed", minimum=0)
    formats = parse_formats(args.formats)
    neuron.check_activation(args.activation)
    x, t, true = _data(args, seed)
    lr = parse_floats(args.lr, "--lr", count=(1,))[0]
    steps = parse_int(args.steps, "--steps")
    start = parse_floats(args.start, "--start", count=(2,))
    w_range = parse_range(args.w_range, "--w-range")
    b_range = parse_range(args.b_range, "--b-range")
    n = parse_int(args.grid, "--grid", minimum=2)
    batch = parse_int(args.batch_size, "--batch-size")
    w_values = np.linspace(w_range[0], w_range[1], n)
    b_values = np.linspace(b_range[0], b_range[1], n)
    clock = time.perf_counter()
    losses = neuron.loss_grid(x, t, w_values, b_values, args.activation)
    seconds = time.perf_counter() - clock
    path = neuron.descend_neuron(x, t, start, lr, steps, activation=args.activation)
    arrows = neuron.gradient_arrows(
        x, t, _arrow_points(path.points, w_range, b_range), args.activation
    )
    modes = [
        neuron.descend_neuron(
            x, t, start, lr, steps, batch_size=size, activation=args.activation, rng=seed
        )
        for size in (None, batch, 1)
    ]
    out = Path(args.out)
    common = {"true_params": true, "activation": args.activation, "formats": formats}
    written = plot_neuron_landscape(
        w_values, b_values, losses, path, out / "neuron_surface", arrows=arrows,
        samples=len(x), **common,
    )  # fmt: skip
    written += plot_batch_modes(
        w_values, b_values, losses, {m.label: m for m in modes}, out / "neuron_batch_modes",
        **common,
    )  # fmt: skip
    head = {"activation": args.activation, "n": len(x), "grid": n, "seconds": f"{seconds:.3f}"}
    print(message("cli.neuron.head", **head))
    for m in modes:
        w, b = m.points[-1]
        label = mode_label(m.label)
        if m.diverged_at is not None:
            rate, smaller = f"{m.lr:g}", f"{m.lr / 10:g}"
            line = message(
                "cli.neuron.diverged", label=label, step=m.diverged_at, lr=rate, smaller=smaller
            )
            print("  " + line)
            continue
        point = {"w": f"{w:.4g}", "b": f"{b:.4g}", "loss": f"{m.losses[-1]:.4g}"}
        print("  " + message("cli.neuron.run", label=label, **point))
    for file in written:
        print(message("cli.wrote", path=file))
    return 0
