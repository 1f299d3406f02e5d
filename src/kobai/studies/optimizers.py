"""Study: SGD, Momentum, AdaGrad, RMSprop and Adam (source documents 003 and 004).

The same network from the same initial weights, trained on MNIST with each optimiser at the
learning rate source document 004 gives it, over several seeds (mean and spread); then the
optimisers race on 2-D test functions, among them a saddle point and a plateau, where the
size of the gradient alone makes plain SGD slow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.i18n import MESSAGES, Joined, Message, Term, t
from kobai.models import MLP
from kobai.studies._common import EvaluateEachEpoch, mnist
from kobai.studies.base import FORMATS, Context
from kobai.studies.registry import register
from kobai.train import fit
from kobai.viz.style import text

# Source document 004's learning rates (RMSprop, which it does not cover, takes Adam's).
OPTIMIZERS = {
    "sgd": {"lr": 0.01},
    "momentum": {"lr": 0.01, "momentum": 0.9},
    "adagrad": {"lr": 0.01},
    "rmsprop": {"lr": 0.001},
    "adam": {"lr": 0.001},
}
HIDDEN, BATCH = 100, 64
# The catalogue's prefix of this study's words (kobai/i18n/messages/findings.json).
O = "study.optimizers"
FUNCTIONS = ("saddle", "plateau", "rosenbrock", "beale")
DONE_FRACTION = 0.01


def steps_to_reach(values: Sequence[float], reference: float, fraction: float = 0.01) -> int | None:
    """The first step at which :math:`f(x_t) - f^*` falls to ``fraction`` of
    :math:`f(x_0) - f^*` (None if it never does).

    >>> steps_to_reach([10.0, 5.0, 1.0, 0.05], 0.0)
    3
    """
    gaps = np.asarray(values, dtype=np.float64) - reference
    target = fraction * gaps[0]
    hits = np.flatnonzero(gaps <= target)
    return int(hits[0]) if hits.size else None


def mean_and_spread(curves: Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over runs (rows) at each epoch (columns)."""
    values = np.asarray(curves, dtype=np.float64)
    return values.mean(axis=0), values.std(axis=0)


def train_mnist(ctx: Context, seeds: int, epochs: int, n: int) -> dict[str, dict[str, Any]]:
    """Each optimiser on the same networks (one per seed): test loss and accuracy per epoch."""
    train, test = mnist(n, ctx.choose(2000, 500))
    results: dict[str, dict[str, Any]] = {}
    for name, hyper in OPTIMIZERS.items():
        ctx.log(f"{name}: {seeds} seeds x {epochs} epochs")
        losses, accuracies, train_losses = [], [], []
        for seed in range(seeds):
            model = MLP(784, [HIDDEN], 10, rng=ctx.rng("init", seed))
            held_out = EvaluateEachEpoch(test, nn.CrossEntropyLoss())
            history = fit(
                model,
                train,
                loss=nn.CrossEntropyLoss(),
                optimizer=optim.create(name, model.parameters(), **hyper),
                batch_size=BATCH,
                epochs=epochs,
                rng=ctx.rng("shuffle", seed),
                callbacks=[held_out],
                track_grad_norms=False,
                train_metrics=False,
                progress=False,
            )
            losses.append(held_out.losses)
            accuracies.append(held_out.accuracies)
            train_losses.append(history["train_loss"])
        results[name] = {
            "test_loss": losses,
            "test_accuracy": accuracies,
            "train_loss": train_losses,
            "hyper": hyper,
        }
    return results


def race(ctx: Context, steps: int, functions: Sequence[str]) -> dict[str, Any]:
    """The optimisers on each 2-D test function, from its start, with its learning rates."""
    from kobai.landscape import descend, get_function

    races = {}
    for name in functions:
        function = get_function(name)
        runs = descend(function, list(OPTIMIZERS), steps=steps)
        reference = function.f_min if function.f_min is not None else 0.0
        races[name] = {"function": function, "runs": runs, "reference": reference}
    return races


CLAIM = (
    "Plain SGD follows the gradient as it is: big steps where the slope is steep, almost none "
    "where it is flat. *Momentum* keeps a velocity (v ← 0.9 v − lr g) and rolls on through "
    "flat places; *AdaGrad* divides each step by the root of the sum of past squared "
    "gradients; *Adam* combines a moving average of the gradient with one of its square. "
    "Momentum and Adam get out of places where gradient descent gets stuck, and Adam gives "
    "good results on many tasks (source document 004 with its learning rates; source "
    "document 003, section 2.3)."
)


@register("optimizers", title="Optimisers compared", source="003 and 004", claim=CLAIM)
def study(ctx: Context) -> None:
    """The optimisers on MNIST over several seeds, and racing on 2-D test functions."""
    seeds, epochs, n, steps = ctx.choose((3, 8, 4000, 300), (2, 2, 500, 150))
    results = train_mnist(ctx, seeds, epochs, n)
    ctx.log("2-D test functions")
    races = race(ctx, steps, ctx.choose(FUNCTIONS, FUNCTIONS[:2]))
    ctx.page.heading(t("report.setup"))
    settings = ", ".join(f"{k} ({_hyper(v)})" for k, v in OPTIMIZERS.items())
    ctx.page.paragraph(
        t(f"{O}.setup", hidden=HIDDEN, n=n, epochs=epochs, batch=BATCH, seeds=seeds,
          settings=settings, steps=steps)
    )  # fmt: skip
    _headlines(ctx, results, races)
    _findings(ctx, results, races)
    _figures(ctx, results, races)
    _tables(ctx, results, races)


def _hyper(hyper: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in hyper.items())


def _headlines(ctx: Context, results: dict[str, dict], races: dict[str, Any]) -> None:
    rows = []
    for name, r in results.items():
        loss = np.asarray(r["test_loss"])[:, -1]
        accuracy = np.asarray(r["test_accuracy"])[:, -1]
        rows.append([name, r["hyper"]["lr"], loss.mean(), loss.std(), accuracy.mean()])
    ctx.summary(
        t(f"{O}.summary.mnist"),
        [
            t(f"{O}.col.optimizer"),
            "lr",
            t(f"{O}.col.test_loss"),
            t(f"{O}.col.sd"),
            t(f"{O}.col.test_accuracy"),
        ],
        rows,
    )
    table = []
    for name, race_ in races.items():
        cells = []
        for tr in race_["runs"].values():
            reached = steps_to_reach(tr.values, race_["reference"], DONE_FRACTION)
            cells.append("—" if reached is None else reached)
        table.append([name, *cells])
    ctx.summary(t(f"{O}.summary.races"), [t(f"{O}.col.function"), *OPTIMIZERS], table)
    best = min(rows, key=lambda row: row[2])
    ctx.headline("mnist_best", "lowest MNIST test loss", best[0])


def _findings(ctx: Context, results: dict[str, dict], races: dict[str, Any]) -> None:
    means = {k: float(np.mean(np.asarray(r["test_loss"])[:, -1])) for k, r in results.items()}
    order = sorted(means, key=means.__getitem__)
    # Messages, not sentences: the report puts the same numbers into words in its language.
    losses = Joined(tuple(f"{k} {means[k]:.3f}" for k in order))
    if order[-1] == "sgd":
        lr = OPTIMIZERS["sgd"]["lr"]
        ctx.finding(Message(f"{O}.f.mnist_sgd_slowest", {"losses": losses, "lr": lr}))
    else:
        ctx.finding(Message(f"{O}.f.mnist", {"losses": losses}))
    for name in ("saddle", "plateau"):
        race_ = races[name]
        steps = {
            k: steps_to_reach(tr.values, race_["reference"], DONE_FRACTION)
            for k, tr in race_["runs"].items()
        }
        items = tuple(
            Message(f"{O}.item", {"name": k, "value": Message(f"{O}.never") if v is None else v})
            for k, v in steps.items()
        )
        sgd = race_["runs"]["sgd"]
        race_words = {
            "name": name,
            "description": _description(name, race_["function"].description),
            "steps": Joined(items),
            "total": sgd.steps,
            "status": _status(sgd.status),
        }
        ctx.finding(Message(f"{O}.f.race", race_words))


def _description(name: str, english: str) -> Message | str:
    """What a test function shows, in the report's language where the catalogue has it."""
    return Message(f"web.surface.{name}") if f"web.surface.{name}" in MESSAGES else english


def _status(status: str) -> Message | str:
    for key in (f"descent.status.{status}", f"descent.{status}"):
        if key in MESSAGES:
            return Message(key)
    return status


def _status_term(status: str) -> Term | str:
    """A run's status as data: English in CSV, the report's language where shown."""
    message = _status(status)
    return message.term() if isinstance(message, Message) else message


def _figures(ctx: Context, results: dict[str, dict], races: dict[str, Any]) -> None:
    from kobai.viz.descent import plot_race
    from kobai.viz.studies import mean_curves

    curves = {
        f"{k} ({_hyper(r['hyper'])})": mean_and_spread(r["test_loss"]) for k, r in results.items()
    }
    accuracy = {
        f"{k} ({_hyper(r['hyper'])})": mean_and_spread(r["test_accuracy"])
        for k, r in results.items()
    }
    fig = mean_curves(
        {text("st.test_loss"): curves, text("st.test_accuracy"): accuracy},
        title=text("st.mnist"),
    )
    ctx.figure(
        fig,
        "mnist",
        t(f"{O}.fig.mnist"),
    )
    for name, race_ in races.items():
        paths = plot_race(
            race_["function"], race_["runs"], ctx.figure_path(f"race_{name}"), formats=FORMATS
        )
        description = _description(name, race_["function"].description)
        ctx.saved_figure(paths, t(f"{O}.fig.race", name=name, description=description))


def _tables(ctx: Context, results: dict[str, dict], races: dict[str, Any]) -> None:
    ctx.page.heading(t("report.numbers"))
    rows = []
    for name, r in results.items():
        for seed, (losses, accs) in enumerate(zip(r["test_loss"], r["test_accuracy"], strict=True)):
            rows += [
                [name, seed, epoch, loss, acc]
                for epoch, (loss, acc) in enumerate(zip(losses, accs, strict=True))
            ]
    ctx.table(
        "results",
        ["optimizer", "seed", "epoch", "test loss", "test accuracy"],
        rows,
        caption=t(f"{O}.table.results"),
        show=0,
    )
    race_rows = []
    for name, race_ in races.items():
        for label, tr in race_["runs"].items():
            reached = steps_to_reach(tr.values, race_["reference"], DONE_FRACTION)
            race_rows.append(
                [
                    name,
                    label,
                    tr.describe_hyper(),
                    _status_term(tr.status),
                    tr.steps,
                    float(tr.values[-1]) - race_["reference"],
                    math.nan if reached is None else reached,
                ]
            )
    ctx.table(
        "races",
        ["function", "optimizer", "settings", "status", "steps", "final f - f*", "steps to 1 %"],
        race_rows,
        caption=t(f"{O}.table.races"),
        show=None,
    )
