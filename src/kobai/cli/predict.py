"""``kobai predict RUN_DIR --input FILE``: outputs of a saved model for new inputs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np


def add_parser(subparsers: Any) -> None:
    """Add ``kobai predict`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "predict",
        help="predict with a saved run for inputs in a .npy, .npz or .csv file",
        description="Load a run directory written by `kobai train` and print (or write as CSV) "
        "its predictions for the rows of --input: a .npy array, the first array of a .npz, or "
        "a CSV file of numbers (with or without a header). Images may be given as (n, 28, 28) "
        "arrays with values in 0..255 or 0..1.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--input", required=True, metavar="FILE")
    p.add_argument("--output", metavar="FILE", help="write a CSV here instead of printing it")


def run(args: argparse.Namespace) -> int:
    """Run ``kobai predict`` with the parsed ``args``; return the exit status (0)."""
    from kobai.data.arrays import load_array
    from kobai.files import same_file, write_atomic
    from kobai.models.runs import load_run
    from kobai.train import predict

    if args.output and same_file(args.output, args.input):
        raise ValueError(f"--output {args.output} is the --input file; choose another name")
    the_run = load_run(args.run_dir)
    x = load_array(args.input).astype(the_run.config.dtype)
    if x.max(initial=0) > 1.5 and the_run.data.name == "mnist":
        x = x / 255.0  # raw 0..255 pixels
    features = the_run.data.n_features
    if x.ndim == 1:
        x = x[None]
    if int(np.prod(x.shape[1:])) != features:
        raise ValueError(
            f"the model of {args.run_dir} takes {features} features per row, "
            f"got inputs of shape {x.shape}"
        )
    outputs = predict(the_run.model, x.reshape(len(x), features))
    lines = []
    if the_run.data.task == "classification":
        shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
        probs = shifted / shifted.sum(axis=1, keepdims=True)
        lines.append("row,prediction," + ",".join(f"p{c}" for c in range(probs.shape[1])))
        for i, (label, row) in enumerate(zip(probs.argmax(axis=1), probs, strict=True)):
            lines.append(f"{i},{label}," + ",".join(f"{p:.6f}" for p in row))
    else:
        lines.append("row," + ",".join(f"y{j}" for j in range(outputs.shape[1])))
        lines.extend(f"{i}," + ",".join(f"{v:.6g}" for v in row) for i, row in enumerate(outputs))
    text = "\n".join(lines) + "\n"
    if args.output:
        write_atomic(args.output, text)
        print(f"wrote {len(x)} predictions to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
