"""``kobai evaluate RUN_DIR``: loss, metrics and confusion matrix of a saved run."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from kobai.i18n import pad, t, t_or


def add_parser(subparsers: Any) -> None:
    """Add ``kobai evaluate`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "evaluate",
        help="metrics and confusion matrix of a saved run on its test data",
        description="Load a run directory written by `kobai train` and evaluate its last "
        "checkpoint on the run's test split (or on the training split with --split train).",
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--split", choices=("test", "train"), default="test")


def confusion_matrix(predicted: np.ndarray, target: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs, shape (n_classes, n_classes)."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (target, predicted), 1)
    return matrix


def run(args: argparse.Namespace) -> int:
    """Run ``kobai evaluate`` with the parsed ``args``; return the exit status (0)."""
    from kobai.models.runs import load_run
    from kobai.train import evaluate, predict

    the_run = load_run(args.run_dir)
    data = the_run.data
    x, y = (data.x_test, data.y_test) if args.split == "test" else (data.x_train, data.y_train)
    scores = evaluate(the_run.model, (x, y), the_run.loss, task=data.task)
    split = t(f"train.row.{args.split}")
    print(
        t("cli.evaluate.head", run_dir=args.run_dir, model=the_run.config.model, data=data.name,
          split=split, n=len(x))
    )  # fmt: skip
    for name, value in scores.items():
        label = t_or(f"train.col.{name}", name)
        print(f"  {pad(label, 9, right=True)}: {value:.4f}")
    if data.task == "classification":
        predicted = predict(the_run.model, x).argmax(axis=1)
        matrix = confusion_matrix(predicted, y, data.n_outputs)
        print("\n" + t("cli.evaluate.confusion"))
        print("     " + "".join(f"{c:>6}" for c in range(data.n_outputs)))
        for c, row in enumerate(matrix):
            print(f"{c:>4} " + "".join(f"{v:>6}" for v in row))
    return 0
