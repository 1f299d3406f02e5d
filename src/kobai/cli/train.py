"""``kobai train``: the main job. Trains an MLP (by default on the bundled MNIST subset)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from kobai.cli.options import key_values, new_run_dir, read_run_config, read_toml, write_run_config
from kobai.models.mlp import parse_spec

FLAGS = ("batchnorm", "save_every_epoch")


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train",
        help="train a network (default: an MLP on the bundled MNIST subset)",
        description=(
            "Train a multilayer perceptron by gradient descent and write a run directory "
            "(config.json, history.csv, checkpoint.npz, learning_curve.png). With no "
            "arguments: MLP 784-512-256-10 (ReLU, dropout 0.2) with Adam and a cosine schedule "
            "for 15 epochs on 8,000 bundled MNIST digits, tested on the other 2,000. Options "
            "override --config FILE (TOML), which overrides the defaults."
        ),
    )
    p.add_argument("--config", metavar="FILE", help="TOML file of options (keys as below, with _)")
    g = p.add_argument_group("data")
    g.add_argument(
        "--data",
        help="mnist (default), digits, moons, circles, spiral, xor, blobs, "
        "sine, csv:PATH, idx:FOLDER, fashion:FOLDER",
    )
    g.add_argument("--target", help="target column of a CSV data set")
    g.add_argument("--samples", type=int, help="size of a synthetic data set (1000)")
    g = p.add_argument_group("model")
    g.add_argument("--model", help="mlp:H1,H2,... hidden sizes (mlp:512,256) or linear")
    g.add_argument("--activation", help="relu (default), sigmoid, tanh, leaky_relu, elu, gelu, ...")
    g.add_argument("--init", help="default, xavier, he, lecun, std:0.01, ...")
    g.add_argument("--batchnorm", action="store_true", default=None, help="batch normalisation")
    g.add_argument("--dropout", type=float, help="dropout probability after activations (0.2)")
    g.add_argument("--dtype", choices=("float32", "float64"), help="float32 (default) or float64")
    g = p.add_argument_group("optimisation")
    g.add_argument(
        "--optimizer", help="any registered optimizer: adam (default), sgd, momentum, ..."
    )
    g.add_argument("--lr", type=float, help="learning rate (the optimizer's default)")
    g.add_argument("--momentum", type=float, help="momentum of sgd / rmsprop")
    g.add_argument("--weight-decay", type=float, help="weight decay")
    g.add_argument(
        "--opt",
        action="append",
        metavar="KEY=VALUE",
        default=None,
        help="any other optimizer hyper-parameter, e.g. --opt betas=0.9,0.99",
    )
    g.add_argument(
        "--schedule", help="learning-rate schedule: cosine (default), step, exponential, none, ..."
    )
    g.add_argument(
        "--schedule-opt",
        action="append",
        metavar="KEY=VALUE",
        default=None,
        help="schedule parameter, e.g. --schedule-opt gamma=0.5",
    )
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--batch-size", type=int, help="mini-batch size (64)")
    mode.add_argument("--full-batch", action="store_true", help="batch gradient descent")
    mode.add_argument("--stochastic", action="store_true", help="one sample per update")
    g.add_argument("--epochs", type=int, help="number of epochs (15)")
    g.add_argument(
        "--gradient", choices=("backprop", "numerical"), help="how gradients are computed"
    )
    g.add_argument(
        "--early-stopping",
        type=int,
        metavar="PATIENCE",
        help="stop after PATIENCE epochs without a better validation loss",
    )
    g.add_argument("--target-loss", type=float, help="stop when the training loss reaches this")
    g.add_argument("--seed", type=int, help="random seed (0): same seed, same numbers")
    g = p.add_argument_group("output")
    g.add_argument("--out", default="runs", help="folder of run directories (runs)")
    g.add_argument("--name", help="run directory name (default: a timestamp)")
    g.add_argument("--resume", metavar="RUN_DIR", help="continue a run from its last checkpoint")
    g.add_argument(
        "--save-every-epoch",
        action="store_true",
        default=None,
        help="also keep the parameters of every epoch (for loss-landscape paths)",
    )
    g.add_argument("--quiet", action="store_true", help="no progress bar, only the final table")


def gather_config(args: argparse.Namespace) -> dict[str, Any]:
    """Options of the command line over the TOML file over the defaults, as a config dict."""
    from kobai.models.runs import CONSTRAINTS

    values: dict[str, Any] = read_toml(args.config, CONSTRAINTS) if args.config else {}
    names = ("data", "target", "samples", "model", "activation", "init", "batchnorm", "dropout",
             "dtype", "optimizer", "lr", "schedule", "epochs", "gradient", "early_stopping",
             "target_loss", "seed", "save_every_epoch")  # fmt: skip
    values.update({n: getattr(args, n) for n in names if getattr(args, n) is not None})
    if args.batch_size is not None:
        values["batch_size"] = args.batch_size
    elif args.full_batch:
        values["batch_size"] = "full"
    elif args.stochastic:
        values["batch_size"] = 1
    options = dict(values.get("optimizer_options", {}))
    if args.momentum is not None:
        options["momentum"] = args.momentum
    if args.weight_decay is not None:
        options["weight_decay"] = args.weight_decay
    options.update(key_values(args.opt or [], "--opt"))
    if options:
        values["optimizer_options"] = options
    if args.schedule_opt:
        values["schedule_options"] = {
            **values.get("schedule_options", {}),
            **key_values(args.schedule_opt, "--schedule-opt"),
        }
    return values


def run(args: argparse.Namespace) -> int:
    from kobai.models.runs import RunConfig, build, load_into

    if args.resume:
        run_dir = Path(args.resume)
        saved = read_run_config(run_dir)
        if args.epochs is not None:
            saved["epochs"] = args.epochs
        config = RunConfig.from_dict(saved)
    else:
        config = RunConfig.from_dict(gather_config(args))
        run_dir = new_run_dir(args, marker="checkpoint.npz")
    the_run = build(config)
    if args.resume:
        load_into(the_run, run_dir, optimizer=True)  # refuse before writing anything
    write_run_config(run_dir, config.to_dict())
    return train_and_report(the_run, run_dir, resume=bool(args.resume), quiet=args.quiet)


def train_and_report(the_run: Any, run_dir: Path, *, resume: bool, quiet: bool) -> int:
    from kobai.train import EarlyStopping, StopAtTarget, TrainingDiverged, evaluate, fit
    from kobai.viz import plot_learning_curves

    config, data = the_run.config, the_run.data
    callbacks: list[Any] = []
    if config.early_stopping is not None:
        callbacks.append(EarlyStopping("val_loss", patience=config.early_stopping))
    if config.target_loss is not None:
        callbacks.append(StopAtTarget(config.target_loss, "train_loss"))
    if not quiet:
        print(
            f"kobai train: {config.model} on {data.name} ({len(data.x_train)} train, "
            f"{len(data.x_test)} test), {config.optimizer}, {config.epochs} epochs -> {run_dir}"
        )
    start = time.perf_counter()
    try:
        history = fit(
            the_run.model, (data.x_train, data.y_train), val=(data.x_test, data.y_test),
            loss=the_run.loss, optimizer=the_run.optimizer, scheduler=the_run.scheduler,
            batch_size=None if config.batch_size == "full" else config.batch_size,
            epochs=config.epochs, callbacks=callbacks, rng=the_run.fit_rng,
            gradient=config.gradient, task=data.task, run_dir=run_dir, resume=resume,
            save_every_epoch=config.save_every_epoch,
            scheduler_interval=getattr(the_run.scheduler, "interval", "epoch"),
            progress=False if quiet else None,
        )  # fmt: skip
    except TrainingDiverged as exc:
        print(f"kobai train: stopped: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    figures = plot_learning_curves(
        history,
        run_dir / "learning_curve",
        title=describe(config, data),
        formats=("png", "svg"),
    )
    train_scores = evaluate(
        the_run.model, (data.x_train, data.y_train), the_run.loss, task=data.task
    )
    test_scores = evaluate(the_run.model, (data.x_test, data.y_test), the_run.loss, task=data.task)
    print_table(train_scores, test_scores, seconds, len(history))
    stop = history.stop_reason
    if stop:
        print(f"stopped early: {stop}")
    print(f"run directory: {run_dir}  (learning curve: {figures[0].name})")
    return 0


def describe(config: Any, data: Any) -> str:
    """A one-line description of a run for figure titles."""
    sizes = [data.n_features, *parse_spec(config.model), data.n_outputs]
    lr = "default lr" if config.lr is None else f"lr {config.lr:g}"
    batch = "full batch" if config.batch_size == "full" else f"batch {config.batch_size}"
    extras = [f"{config.optimizer} {lr}", config.schedule or "constant lr", batch]
    if config.dropout:
        extras.append(f"dropout {config.dropout:g}")
    net = "-".join(map(str, sizes))
    return f"MLP {net} ({config.activation}) on {data.name}: " + ", ".join(extras)


def print_table(
    train: dict[str, float], test: dict[str, float], seconds: float, epochs: int
) -> None:
    names = list(train)
    print(f"\n{'':8}" + "".join(f"{n:>12}" for n in names))
    for label, scores in (("train", train), ("test", test)):
        print(f"{label:8}" + "".join(f"{scores[n]:>12.4f}" for n in names))
    print(f"time: {seconds:.1f} s for {epochs} epochs")
