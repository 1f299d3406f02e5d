"""Study: batch, stochastic and mini-batch gradient descent (source documents 002 and 003).

Batch gradient descent averages the loss over all N samples for every update; stochastic
gradient descent uses one sample; mini-batch gradient descent uses B. The source's table says:
batch is costly and stable, SGD cheap and unstable, mini-batch in between and the usual choice.
This study trains the same network from the same initial weights in each mode for the same
number of epochs and fills that table with measured numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.i18n import Joined, Message, Term, t
from kobai.models import MLP
from kobai.studies._common import EvaluateEachEpoch, mnist
from kobai.studies.base import Context
from kobai.studies.gradients import flat_gradient, forward_with_hook
from kobai.studies.registry import register
from kobai.train import fit
from kobai.viz.style import text

LR = 0.05
HIDDEN = 64
FULL_MNIST = 60_000
# The catalogue's prefix of this study's words (kobai/i18n/messages/findings.json).
B = "study.batch-modes"


def gradient_noise(
    model: nn.Module, loss: Any, x: np.ndarray, y: np.ndarray, batches: Sequence[np.ndarray]
) -> float:
    """How far mini-batch gradients stray from the full-batch gradient, relative to it.

    .. math:: \\text{noise} = \\frac{\\sqrt{\\operatorname{mean}_B \\|g_B - g\\|^2}}{\\|g\\|}

    where :math:`g` is the gradient of the loss averaged over all samples and :math:`g_B` that
    over the samples of batch :math:`B`. For batches of size :math:`b` drawn without
    replacement from :math:`N` samples the mean square is
    :math:`\\frac{\\sigma^2}{b} \\frac{N - b}{N - 1}` (:math:`\\sigma^2`: the mean square
    deviation of one sample's gradient): the noise falls as :math:`1/\\sqrt{b}` and is 0 for
    the full batch.

    Parameters
    ----------
    batches : sequence of index arrays
        The batches to average over.
    """
    full = flat_gradient(model, loss, x, y)
    squares = [np.sum((flat_gradient(model, loss, x[b], y[b]) - full) ** 2) for b in batches]
    return float(np.sqrt(np.mean(squares)) / np.linalg.norm(full))


def random_batches(n: int, size: int, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` batches of ``size`` distinct indices below ``n``."""
    return [rng.choice(n, size=size, replace=False) for _ in range(count)]


def activation_bytes(model: nn.Module, x: np.ndarray) -> int:
    """Bytes that backpropagation keeps from one forward pass of ``x`` until the backward
    pass: the input batch and every layer's output (reshapes such as Flatten are views and
    cost nothing)."""
    total = int(np.asarray(x).nbytes)

    def count(module: Any, inputs: Any, out: Any) -> None:
        nonlocal total
        total += out.data.nbytes

    leaves = [m for m in model.modules() if not list(m.children())]
    forward_with_hook(model, x, [m for m in leaves if not isinstance(m, nn.Flatten)], count)
    return total


def loss_jitter(step_losses: Sequence[float]) -> float:
    """Standard deviation of the change of the loss from one update to the next."""
    values = np.asarray(step_losses, dtype=np.float64)
    return float(np.std(np.diff(values))) if values.size > 2 else math.nan


def _modes() -> list[tuple[str, int | None]]:
    return [
        ("full batch", None),
        ("stochastic", 1),
        ("mini-batch 32", 32),
        ("mini-batch 64", 64),
        ("mini-batch 128", 128),
    ]


def train_modes(ctx: Context, train: tuple, test: tuple, epochs: int) -> list[dict[str, Any]]:
    """Train the same initial network once per mode; return what each run measured."""
    runs = []
    for label, size in _modes():
        ctx.log(f"{label}: {epochs} epochs")
        model = MLP(784, [HIDDEN], 10, rng=ctx.rng("init"))
        held_out = EvaluateEachEpoch(test, nn.CrossEntropyLoss())
        history = fit(
            model,
            train,
            loss=nn.CrossEntropyLoss(),
            optimizer=optim.create("sgd", model.parameters(), lr=LR),
            batch_size=size,
            epochs=epochs,
            rng=ctx.rng("shuffle"),
            callbacks=[held_out],
            log_steps=True,
            track_grad_norms=False,
            train_metrics=False,
            progress=False,
        )
        steps = [s["loss"] for s in history.steps]
        per_epoch = len(steps) // epochs
        runs.append(
            {
                "label": label,
                "batch": size or len(train[0]),
                "updates": per_epoch,
                "epoch_time": float(np.median(history["time"])),
                "wall": np.concatenate([[0.0], history["wall_time"]]),
                "test_loss": np.asarray(held_out.losses),
                "test_accuracy": held_out.accuracies[-1],
                "steps": np.asarray(steps),
                "jitter": loss_jitter(steps[-max(per_epoch, 3) :]),
                "bytes": activation_bytes(model, train[0][: size or len(train[0])]),
            }
        )
    return runs


def noise_by_batch_size(
    ctx: Context, train: tuple[np.ndarray, np.ndarray], count: int
) -> tuple[list[int], list[float]]:
    """Gradient noise at initialisation for batch sizes 1, 2, 4, ... up to the full batch."""
    n = len(train[0])
    sizes = [b for b in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024) if b < n] + [n]
    model = MLP(784, [HIDDEN], 10, rng=ctx.rng("init"))
    rng = ctx.rng("noise")
    # The full batch is one batch whatever the order: no sampling, no noise.
    noise = [
        gradient_noise(
            model,
            nn.CrossEntropyLoss(),
            *train,
            [np.arange(n)] if b == n else random_batches(n, b, count, rng),
        )
        for b in sizes
    ]
    return sizes, noise


CLAIM = (
    "*Batch* gradient descent computes the gradient on all the training data for every "
    "update: stable, but costly and memory-hungry on large data. *Stochastic* gradient "
    "descent uses one random sample per update: cheap, but its updates are noisy. "
    "*Mini-batch* gradient descent (batches of 32, 64, 128) sits in between and is the usual "
    "choice. Each epoch splits the data at random into mini-batches anew (source documents "
    "002, section 1.3-1.4, and 003, section 1.2-1.3)."
)


@register(
    "batch-modes",
    title="Batch, stochastic and mini-batch gradient descent",
    source="002 and 003",
    claim=CLAIM,
)
def study(ctx: Context) -> None:
    """Full batch, stochastic and mini-batch descent on MNIST: speed, noise and accuracy."""
    n, n_test, epochs = ctx.choose((2000, 1000, 10), (400, 200, 3))
    train, test = mnist(n, n_test)
    runs = train_modes(ctx, train, test, epochs)
    ctx.log("gradient noise against batch size")
    sizes, noise = noise_by_batch_size(ctx, train, ctx.choose(30, 8))
    noise_of = dict(zip(sizes, noise, strict=True))
    for run in runs:
        run["noise"] = noise_of[run["batch"]]
    ctx.page.heading(t("report.setup"))
    ctx.page.paragraph(t(f"{B}.setup", hidden=HIDDEN, lr=LR, n=n, epochs=epochs, n_test=n_test))
    _headlines(ctx, runs)
    _findings(ctx, runs, sizes, noise)
    _figures(ctx, runs, sizes, noise, n)
    _table(ctx, runs)


def _headlines(ctx: Context, runs: list[dict[str, Any]]) -> None:
    rows = [
        [
            str(_mode(r["label"])),
            r["updates"],
            r["epoch_time"],
            r["noise"],
            r["test_loss"][-1],
            r["test_accuracy"],
        ]
        for r in runs
    ]
    columns = ("mode", "updates", "s_epoch", "noise", "test_loss", "test_accuracy")
    ctx.summary(t(f"{B}.summary"), [t(f"{B}.col.{c}") for c in columns], rows)
    by = {r["label"]: r for r in runs}
    ctx.headline(
        "slowdown",
        "time per epoch, stochastic / full batch",
        by["stochastic"]["epoch_time"] / by["full batch"]["epoch_time"],
    )
    ctx.headline(
        "noise_ratio",
        "gradient noise, batch 1 / batch 128",
        by["stochastic"]["noise"] / by["mini-batch 128"]["noise"],
    )
    best = min(runs, key=lambda r: r["test_loss"][-1])
    ctx.headline("best", "lowest test loss after the same epochs", _term(best["label"]))


# The source's table (document 003, section 1.3), in English, for each mode.
SOURCE_WORDS = {
    "full batch": ("high", "stable", "memory may run out"),
    "stochastic": ("low", "unstable", "suits large data"),
    "mini-batch": ("medium", "fairly stable", "easy to apply"),
}


def _words(label: str) -> tuple[Term, ...]:
    words = SOURCE_WORDS["mini-batch" if label.startswith("mini-batch") else label]
    return tuple(Term(f"{B}.source.{w}") for w in words)


def _term(label: str) -> Term:
    """A mode's name as data: English in CSV and JSON, the report's language where shown."""
    return _mode(label).term()


def _mode(label: str) -> Message:
    """A mode's name, put into words in the report's language."""
    if label.startswith("mini-batch "):
        return Message(f"{B}.mode.mini", {"size": label.removeprefix("mini-batch ")})
    return Message(f"{B}.mode.{'full' if label == 'full batch' else 'stochastic'}")


def _findings(ctx: Context, runs: list[dict[str, Any]], sizes: list[int], noise: list) -> None:
    # Messages, not sentences: the report puts the same numbers into words in its language.
    by = {r["label"]: r for r in runs}
    full, sgd = by["full batch"], by["stochastic"]
    full_update = full["epoch_time"]
    sgd_update = sgd["epoch_time"] / sgd["updates"]
    cost = {
        "full_ms": f"{1e3 * full_update:.3g}",
        "sgd_ms": f"{1e3 * sgd_update:.3g}",
        "ratio": f"{full_update / sgd_update:.3g}",
        "full_s": f"{full['epoch_time']:.3g}",
        "sgd_s": f"{sgd['epoch_time']:.3g}",
        "updates": sgd["updates"],
    }
    cheaper = "full" if full["epoch_time"] < sgd["epoch_time"] else "sgd"
    ctx.finding(Message(f"{B}.f.cost_{cheaper}", cost))
    small = [(b, v) for b, v in zip(sizes, noise, strict=True) if b <= sizes[-1] // 10]
    slope = np.polyfit(np.log([b for b, _ in small]), np.log([v for _, v in small]), 1)[0]
    stability = {
        "sgd_noise": f"{sgd['noise']:.3g}",
        "mb_noise": f"{by['mini-batch 128']['noise']:.3g}",
        "slope": f"{slope:.2f}",
        "sgd_jitter": f"{sgd['jitter']:.3g}",
        "mb_jitter": f"{by['mini-batch 32']['jitter']:.3g}",
        "full_jitter": f"{full['jitter']:.3g}",
    }
    ctx.finding(Message(f"{B}.f.stability", stability))
    order = sorted(runs, key=lambda r: r["test_loss"][-1])
    items = tuple(
        Message(
            f"{B}.f.progress_item", {"mode": _mode(r["label"]), "loss": f"{r['test_loss'][-1]:.3f}"}
        )
        for r in order
    )
    progress = {
        "epochs": len(full["test_loss"]) - 1,
        "progress": Joined(items),
        "before": f"{order[0]['test_loss'][0]:.3f}",
    }
    ctx.finding(Message(f"{B}.f.progress", progress))
    per_sample = full["bytes"] / full["batch"]
    memory = {
        "kb": f"{per_sample / 1e3:.3g}",
        "n": f"{FULL_MNIST:,}",
        "mb_full": f"{per_sample * FULL_MNIST / 1e6:.3g}",
        "mb_128": f"{per_sample * 128 / 1e6:.3g}",
    }
    ctx.finding(Message(f"{B}.f.memory", memory))


def _figures(ctx: Context, runs: list, sizes: list[int], noise: list, n: int) -> None:
    from kobai.viz.studies import curves_by_epoch_and_time, step_losses_and_noise

    fig = curves_by_epoch_and_time(
        {str(_mode(r["label"])): {"y": r["test_loss"], "time": r["wall"]} for r in runs},
        ylabel=text("st.test_loss"),
        title=text("st.batch_test_loss"),
    )
    ctx.figure(
        fig,
        "loss_curves",
        t(f"{B}.fig.curves"),
    )
    fig = step_losses_and_noise(
        {str(_mode(r["label"])): (r["steps"], r["updates"]) for r in runs},
        sizes,
        noise,
        n_samples=n,
        title=text("st.batch_noise"),
    )
    ctx.figure(
        fig,
        "noise",
        t(f"{B}.fig.noise"),
    )


def _table(ctx: Context, runs: list[dict[str, Any]]) -> None:
    ctx.page.heading(t(f"{B}.table"))
    columns = [
        "mode",
        "batch",
        "cost (source)",
        "ms/update",
        "s/epoch",
        "stability (source)",
        "gradient noise",
        "loss jitter",
        "large data (source)",
        f"MB/update at N = {FULL_MNIST:,}",
        "test loss",
        "test accuracy",
    ]
    rows = []
    for r in runs:
        cost, stability, large = _words(r["label"])
        per_sample = r["bytes"] / r["batch"]
        batch = FULL_MNIST if r["label"] == "full batch" else r["batch"]
        rows.append(
            [
                _term(r["label"]),
                r["batch"],
                cost,
                1e3 * r["epoch_time"] / r["updates"],
                r["epoch_time"],
                stability,
                r["noise"],
                r["jitter"],
                large,
                per_sample * batch / 1e6,
                r["test_loss"][-1],
                r["test_accuracy"],
            ]
        )
    ctx.table(
        "results",
        columns,
        rows,
        caption=t(f"{B}.table.caption"),
        show=None,
    )
