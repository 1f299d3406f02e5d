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
    ctx.page.heading("Setup")
    ctx.page.paragraph(
        f"One network, 784 → {HIDDEN} (ReLU) → 10, starts from the same initial weights in "
        f"every mode and is trained with plain SGD (lr {LR}) on {n} MNIST digits for {epochs} "
        f"epochs; the loss is cross-entropy and the test loss is measured on {n_test} other "
        "digits before training and after every epoch. Only the batch size differs: all "
        f"{n} samples (full batch), 1, 32, 64 or 128."
    )
    _headlines(ctx, runs)
    _findings(ctx, runs, sizes, noise)
    _figures(ctx, runs, sizes, noise, n)
    _table(ctx, runs)


def _headlines(ctx: Context, runs: list[dict[str, Any]]) -> None:
    rows = [
        [
            r["label"],
            r["updates"],
            r["epoch_time"],
            r["noise"],
            r["test_loss"][-1],
            r["test_accuracy"],
        ]
        for r in runs
    ]
    ctx.summary(
        "measured per mode",
        ["mode", "updates/epoch", "s/epoch", "gradient noise", "test loss", "test accuracy"],
        rows,
    )
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
    ctx.headline("best", "lowest test loss after the same epochs", best["label"])


# The source's table (document 003, section 1.3), in English, for each mode.
SOURCE_WORDS = {
    "full batch": ("high", "stable", "memory may run out"),
    "stochastic": ("low", "unstable", "suits large data"),
    "mini-batch": ("medium", "fairly stable", "easy to apply"),
}


def _words(label: str) -> tuple[str, str, str]:
    return SOURCE_WORDS["mini-batch" if label.startswith("mini-batch") else label]


def _findings(ctx: Context, runs: list[dict[str, Any]], sizes: list[int], noise: list) -> None:
    by = {r["label"]: r for r in runs}
    full, sgd = by["full batch"], by["stochastic"]
    full_update = full["epoch_time"]
    sgd_update = sgd["epoch_time"] / sgd["updates"]
    cheaper = "full batch" if full["epoch_time"] < sgd["epoch_time"] else "stochastic"
    ctx.finding(
        f"Cost: one full-batch update takes {1e3 * full_update:.3g} ms and one stochastic "
        f"update {1e3 * sgd_update:.3g} ms ({full_update / sgd_update:.3g} times as long). "
        f"A whole epoch takes {full['epoch_time']:.3g} s with the full batch and "
        f"{sgd['epoch_time']:.3g} s with {sgd['updates']} single-sample updates: per epoch "
        f"the {cheaper} mode is the cheaper"
        + (
            ", because one large matrix product costs far less than many small ones."
            if cheaper == "full batch"
            else "."
        )
    )
    small = [(b, v) for b, v in zip(sizes, noise, strict=True) if b <= sizes[-1] // 10]
    slope = np.polyfit(np.log([b for b, _ in small]), np.log([v for _, v in small]), 1)[0]
    ctx.finding(
        f"Stability: the gradient of one sample strays from the full gradient by "
        f"{sgd['noise']:.3g} times the full gradient's length (rms); a batch of 128 by "
        f"{by['mini-batch 128']['noise']:.3g}; the full batch by 0. On a log-log scale the "
        f"noise falls with slope {slope:.2f} against the batch size (1/sqrt(b) is -0.5). The "
        f"loss moves by {sgd['jitter']:.3g} (standard deviation) from one stochastic update "
        f"to the next, by {by['mini-batch 32']['jitter']:.3g} with batches of 32 and by "
        f"{full['jitter']:.3g} with the full batch."
    )
    order = sorted(runs, key=lambda r: r["test_loss"][-1])
    epochs = len(full["test_loss"]) - 1
    ctx.finding(
        f"Progress for the same {epochs} epochs: "
        + ", ".join(f"{r['label']} {r['test_loss'][-1]:.3f}" for r in order)
        + f" (test loss; {order[0]['test_loss'][0]:.3f} before training). The full batch makes "
        f"only {epochs} updates in that budget."
    )
    per_sample = full["bytes"] / full["batch"]
    ctx.finding(
        f"Memory: backpropagation keeps {per_sample / 1e3:.3g} kB per sample of this network "
        "(its input and every layer's output) "
        f"of this network, so a full batch of all {FULL_MNIST:,} MNIST training images needs "
        f"{per_sample * FULL_MNIST / 1e6:.3g} MB for one update, a batch of 128 needs "
        f"{per_sample * 128 / 1e6:.3g} MB, whatever the size of the data set."
    )


def _figures(ctx: Context, runs: list, sizes: list[int], noise: list, n: int) -> None:
    from kobai.viz.studies import curves_by_epoch_and_time, step_losses_and_noise

    fig = curves_by_epoch_and_time(
        {r["label"]: {"y": r["test_loss"], "time": r["wall"]} for r in runs},
        ylabel=text("st.test_loss"),
        title=text("st.batch_test_loss"),
    )
    ctx.figure(
        fig,
        "loss_curves",
        "Test loss against epochs (left) and against seconds of "
        "training (right). The full batch makes one update per epoch, SGD one per "
        "sample.",
    )
    fig = step_losses_and_noise(
        {r["label"]: (r["steps"], r["updates"]) for r in runs},
        sizes,
        noise,
        n_samples=n,
        title=text("st.batch_noise"),
    )
    ctx.figure(
        fig,
        "noise",
        "Left: the loss of the batch used by every update (SGD: one "
        "sample). Right: how far the gradient of a random batch strays from the full "
        "gradient, at the initial weights, against the batch size.",
    )


def _table(ctx: Context, runs: list[dict[str, Any]]) -> None:
    ctx.page.heading("The source's table, measured")
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
                r["label"],
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
        caption="Words from the source's table beside the "
        "numbers measured here. Gradient noise: rms distance of a batch gradient from "
        "the full gradient, relative to its length. Loss jitter: standard deviation of "
        "the change of the loss between consecutive updates in the last epoch. Memory: the "
        "input and the layer outputs kept for the backward pass.",
        show=None,
    )
