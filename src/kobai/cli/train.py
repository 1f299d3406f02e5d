"""``kobai train``: the main job. Trains an MLP (by default on the bundled MNIST subset)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from kobai.cli.options import (
    add_field_options,
    field_values,
    new_run_dir,
    read_run_config,
    read_toml,
    write_run_config,
)
from kobai.i18n import pad, t, t_or
from kobai.train.config import CONSTRAINTS, RunConfig, parse_spec


def add_parser(subparsers: Any) -> None:
    """Add ``kobai train`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
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
    add_field_options(p, RunConfig, before={"output": _run_dir_options}, after={"output": _quiet})


def _run_dir_options(group: Any) -> None:
    group.add_argument("--out", default="runs", help="folder of run directories (runs)")
    group.add_argument("--name", help="run directory name (default: a timestamp)")
    group.add_argument(
        "--resume", metavar="RUN_DIR", help="continue a run from its last checkpoint"
    )


def _quiet(group: Any) -> None:
    group.add_argument("--quiet", action="store_true", help="no progress bar, only the final table")


def gather_config(args: argparse.Namespace) -> dict[str, Any]:
    """Options of the command line over the TOML file over the defaults, as a config dict."""
    values = read_toml(args.config, CONSTRAINTS) if args.config else {}
    return field_values(args, RunConfig, values)


def run(args: argparse.Namespace) -> int:
    """Run ``kobai train`` with the parsed ``args``; return 0, or 1 when training diverged."""
    from kobai.models.runs import build, load_into

    if args.resume:
        run_dir = Path(args.resume)
        saved = read_run_config(run_dir)
        planned = RunConfig.from_dict(saved)
        if args.epochs is not None:
            saved["epochs"] = args.epochs
        config = RunConfig.from_dict(saved)
    else:
        config = RunConfig.from_dict(gather_config(args))
        run_dir = new_run_dir(args, marker="checkpoint.npz")
    the_run = build(config)
    done = epochs_done(run_dir) if args.resume else 0
    if args.resume:
        load_into(the_run, run_dir)  # refuse a damaged checkpoint before writing anything
        print(resume_note(the_run, planned, run_dir, done))
    write_run_config(run_dir, config.to_dict())
    return train_and_report(the_run, run_dir, resume=bool(args.resume), quiet=args.quiet, done=done)


def epochs_done(run_dir: Path) -> int:
    """The epochs a run directory's checkpoint has trained (0 without one)."""
    from kobai.train import load_checkpoint

    checkpoint = run_dir / "checkpoint.npz"
    return int(load_checkpoint(checkpoint)["epoch"]) if checkpoint.exists() else 0


def resume_note(the_run: Any, planned: Any, run_dir: Path, done: int) -> str:
    """What resuming ``run_dir`` (planned as ``planned``, ``done`` epochs trained) to
    ``the_run.config.epochs`` does to its learning-rate schedule; ValueError if there is
    nothing left to train."""
    from kobai.models.runs import planned_lrs, steps_per_epoch

    config, name = the_run.config, config_schedule(the_run.config)
    if done > config.epochs:
        raise ValueError(
            f"cannot resume {run_dir} to {config.epochs} epochs: it has trained {done}"
        )
    if done == config.epochs:
        raise ValueError(
            f"{run_dir} has already trained its {done} epochs; give --epochs N with N > {done} "
            "to extend it"
        )
    if config.epochs == planned.epochs:
        return t("train.resuming", run_dir=run_dir, done=done, epochs=config.epochs)
    steps = steps_per_epoch(config, len(the_run.data.x_train))
    new = planned_lrs(config, steps, done + 1)
    old = planned_lrs(planned, steps, done + 1)
    if new is None or old is None:
        how = t("train.schedule_saved", name=name)
    elif new == old:
        how = t("train.lr_as_planned", name=name)
    else:
        how = t(
            "train.stretched_ended" if done >= planned.epochs else "train.stretched_stood",
            name=name, epochs=config.epochs, next=done + 1, new=f"{new[done]:.3g}",
            planned=planned.epochs, old=f"{old[done]:.3g}",
        )  # fmt: skip
    words = {"run_dir": run_dir, "planned": planned.epochs, "epochs": config.epochs, "done": done}
    return t("train.extending", how=how, **words)


def config_schedule(config: Any) -> str:
    """The schedule's name for the summary (``constant-rate`` when there is none)."""
    return config.schedule or "constant-rate"


def sharpness_monitor(config: Any, data: Any) -> Any:
    """The sharpness callback of ``--track-sharpness``: its own random stream from the seed."""
    import numpy as np

    from kobai.train import SharpnessMonitor
    from kobai.train.config import SHARPNESS_SAMPLES

    subset = (data.x_train[:SHARPNESS_SAMPLES], data.y_train[:SHARPNESS_SAMPLES])
    rng = np.random.default_rng(np.random.SeedSequence(config.seed).spawn(4)[3])
    return SharpnessMonitor(config.track_sharpness, data=subset, rng=rng)


def train_and_report(
    the_run: Any, run_dir: Path, *, resume: bool, quiet: bool, done: int = 0
) -> int:
    """Fit ``the_run`` into ``run_dir``, draw its learning curves and print its scores.

    Parameters
    ----------
    the_run : Run
        Built by :func:`kobai.models.runs.build`.
    run_dir : Path
    resume : bool
        Continue from the checkpoint in ``run_dir``.
    quiet : bool
        No progress bar and no header line.
    done : int, default 0
        Epochs already trained (a resumed run): the time report counts only the others.

    Returns
    -------
    int
        The exit status: 0, or 1 when training diverged (the message goes to standard error).
    """
    from kobai.train import TrainingDiverged, evaluate
    from kobai.viz import plot_learning_curves

    config, data = the_run.config, the_run.data
    callbacks: list[Any] = []
    if config.track_sharpness is not None:
        callbacks.append(sharpness_monitor(config, data))
    if not quiet:
        print(
            t("train.header", model=config.model, data=data.name, n_train=len(data.x_train),
              n_test=len(data.x_test), optimizer=config.optimizer,
              schedule=schedule_text(the_run), span=epoch_span(config.epochs), run_dir=run_dir)
        )  # fmt: skip
    warning = duration_warning(the_run, done)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        history = the_run.fit(
            run_dir, resume=resume, callbacks=callbacks, progress=False if quiet else None
        )
    except TrainingDiverged as exc:
        print(f"kobai train: stopped: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    figures = plot_learning_curves(
        history,
        run_dir / "learning_curve",
        title=describe(config, data),
        formats=("png", "svg"),
        held_out="test",
    )
    train_scores = evaluate(
        the_run.model, (data.x_train, data.y_train), the_run.loss, task=data.task
    )
    test_scores = evaluate(the_run.model, (data.x_test, data.y_test), the_run.loss, task=data.task)
    print_table(train_scores, test_scores, seconds, len(history) - done)
    if done:
        trained = f"{history['wall_time'][-1]:.1f}"
        print(t("train.resumed", first=done + 1, last=len(history), seconds=trained))
    stop = history.stop_reason
    if stop:
        print(t("train.stopped_early", reason=stop))
    print(t("train.run_dir", run_dir=run_dir, figure=figures[0].name))
    return 0


#: Warn before a stochastic run of at least this many updates (MNIST's default: 120,000).
MANY_UPDATES = 50_000


def duration_warning(the_run: Any, done: int) -> str | None:
    """A line for a stochastic run that will take minutes: updates, estimated time, a way out.

    The estimate times a few one-sample updates on a copy of the model, so the run itself
    (its parameters and random generators) is untouched.
    """
    config, n = the_run.config, len(the_run.data.x_train)
    if config.batch_size != 1 or config.epochs <= done:
        return None
    updates = n * (config.epochs - done)
    if updates < MANY_UPDATES:
        return None
    seconds = updates * seconds_per_update(the_run)
    if seconds >= 90:
        time_text = t("train.minutes", n=f"{seconds / 60:.0f}")
    else:
        time_text = t("train.seconds", n=f"{seconds:.0f}")
    words = {"updates": f"{updates:,}", "per_epoch": f"{n:,}", "epochs": config.epochs - done}
    return t("train.long_run", time=time_text, **words)


def seconds_per_update(the_run: Any, trials: int = 20) -> float:
    """Seconds one stochastic update (batch of one) of this run takes, averaged over ``trials``."""
    import copy

    from kobai import optim
    from kobai.autograd import Tensor
    from kobai.models.runs import optimizer_options

    model = copy.deepcopy(the_run.model)
    opt = optim.create(
        the_run.config.optimizer, model.parameters(), **optimizer_options(the_run.config)
    )
    x, y = the_run.data.x_train[:trials], the_run.data.y_train[:trials]
    start = time.perf_counter()
    for i in range(trials):
        opt.zero_grad()
        the_run.loss(model(Tensor(x[i : i + 1])), y[i : i + 1]).backward()
        opt.step()
    return (time.perf_counter() - start) / trials


def describe(config: Any, data: Any) -> str:
    """A one-line description of a run for figure titles."""
    from kobai.viz.style import text

    sizes = [data.n_features, *parse_spec(config.model), data.n_outputs]
    lr = text("train.default_lr") if config.lr is None else f"lr {config.lr:g}"
    batch = (
        text("train.full_batch")
        if config.batch_size == "full"
        else text("train.batch", size=config.batch_size)
    )
    extras = [f"{config.optimizer} {lr}", config.schedule or text("train.constant_lr"), batch]
    if config.dropout:
        extras.append(f"dropout {config.dropout:g}")
    net = "-".join(map(str, sizes))
    return text("train.title", net=net, activation=config.activation, data=data.name) + ", ".join(
        extras
    )


def schedule_text(the_run: Any) -> str:
    """``"step schedule (step_size 5, gamma 0.1)"``: the schedule with the defaults it got, in
    the language of messages."""
    from kobai.models.run_schedule import describe_options

    name = the_run.config.schedule
    if not name:
        return t("cli.train.constant_lr")
    shown = describe_options(the_run.schedule_options)
    if shown:
        return t("cli.train.schedule_options", name=name, options=shown)
    return t("cli.train.schedule", name=name)


def print_table(
    train: dict[str, float], test: dict[str, float], seconds: float, epochs: int
) -> None:
    """Print the train and test scores side by side, then the time taken for ``epochs``."""
    names = list(train)
    heads = [t_or(f"train.col.{n}", n) for n in names]
    print("\n" + pad("", 8) + "".join(pad(h, 12, right=True) for h in heads))
    for key, scores in (("train.row.train", train), ("train.row.test", test)):
        print(pad(t(key), 8) + "".join(f"{scores[n]:>12.4f}" for n in names))
    if epochs == 1:
        print(t("train.time_one", seconds=seconds))
    else:
        print(t("train.time", seconds=seconds, epochs=epochs))


def epoch_span(epochs: int) -> str:
    """``15 epochs``, ``1 epoch`` (in the current language)."""
    return t("train.epoch_one") if epochs == 1 else t("train.epochs_count", epochs=epochs)
