"""Study: the learning rate must be neither too large nor too small (sources 002 and 003).

A sweep of log-spaced learning rates for SGD and Adam on the same network, from the same
initial weights, for the same number of updates: too small a rate crawls, too large a rate
oscillates or diverges, and a range in between works. The same three regimes are then drawn
on the single neuron's loss surface.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.i18n import Joined, Message, Term, t
from kobai.models import MLP
from kobai.studies._common import mnist
from kobai.studies.base import Context
from kobai.studies.registry import register
from kobai.train import TrainingDiverged, evaluate, fit
from kobai.viz.style import text

HIDDEN, BATCH = 64, 64
GOOD_FRACTION = 0.25
# The single neuron: the (w, b) that made the data, the start and the number of steps.
NEURON_TRUE = (2.0, -1.0)
NEURON_START = (-0.5, 1.5)
# The catalogue's prefix of this study's words (kobai/i18n/messages/curvature.json).
L = "study.learning-rate"
NEURON_STEPS = 100


def classify(
    lrs: Sequence[float] | np.ndarray, finals: Sequence[float], initial: float
) -> list[str]:
    """Name the regime of each learning rate from the loss it reached.

    With :math:`L_0` the initial loss and :math:`L^*` the best final loss of the sweep, a rate
    is ``"good"`` when its final loss :math:`L` went at least three quarters of the way from
    :math:`L_0` down to :math:`L^*` on a log scale,

    .. math:: \\log L - \\log L^* \\le 0.25 (\\log L_0 - \\log L^*),

    ``"diverged"`` when :math:`L` is not finite or not below :math:`L_0`, otherwise
    ``"crawl"`` below the best rate and ``"unstable"`` above it.

    Parameters
    ----------
    lrs : sequence of float, increasing
    finals : sequence of float
        Final loss of each rate (NaN for a run stopped by divergence).
    initial : float
        The loss before training (the same start for every rate).
    """
    values = np.asarray(finals, dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return ["diverged"] * len(values)
    best_i = int(np.nanargmin(np.where(finite, values, np.inf)))
    best = values[best_i]
    labels = []
    for i, value in enumerate(values):
        if not math.isfinite(value) or value >= initial:
            labels.append("diverged")
        elif _close_to_best(value, best, initial):
            labels.append("good")
        else:
            labels.append("crawl" if i < best_i else "unstable")
    return labels


def _close_to_best(value: float, best: float, initial: float) -> bool:
    if best <= 0:  # a loss of exactly 0 (or below): only the best itself is good
        return value <= best
    return math.log(value / best) <= GOOD_FRACTION * math.log(initial / best)


def good_range(lrs: Sequence[float], labels: Sequence[str]) -> tuple[float, float]:
    """The smallest and largest learning rate labelled ``"good"`` (NaN, NaN if none)."""
    good = [lr for lr, label in zip(lrs, labels, strict=True) if label == "good"]
    return (min(good), max(good)) if good else (math.nan, math.nan)


def sweep(ctx: Context, name: str, lrs: Sequence[float], train: tuple, epochs: int) -> dict:
    """Train from the same start with each learning rate; final training loss of each."""
    loss = nn.CrossEntropyLoss()
    initial = evaluate(MLP(784, [HIDDEN], 10, rng=ctx.rng("init")), train, loss)["loss"]
    finals, curves = [], []
    for lr in lrs:
        model = MLP(784, [HIDDEN], 10, rng=ctx.rng("init"))
        try:
            # Too large a rate overflows on purpose; fit stops the run and says so.
            with np.errstate(over="ignore", invalid="ignore"):
                history = fit(
                    model,
                    train,
                    loss=loss,
                    optimizer=optim.create(name, model.parameters(), lr=lr),
                    batch_size=BATCH,
                    epochs=epochs,
                    rng=ctx.rng("shuffle"),
                    track_grad_norms=False,
                    train_metrics=False,
                    progress=False,
                )
            final = evaluate(model, train, loss)["loss"]
            curves.append([initial, *history["train_loss"]])
        except TrainingDiverged:
            final = math.nan
            curves.append([initial])
        finals.append(final if math.isfinite(final) else math.nan)
    labels = classify(lrs, finals, initial)
    return {
        "lrs": list(lrs),
        "finals": finals,
        "labels": labels,
        "initial": initial,
        "curves": curves,
    }


def neuron_runs(ctx: Context) -> dict[str, Any]:
    """Descent on the single neuron's loss surface: a sweep, then three chosen rates."""
    from kobai.data import make_single_neuron
    from kobai.landscape import neuron

    x, t = make_single_neuron(
        100, w=NEURON_TRUE[0], b=NEURON_TRUE[1], noise=0.05, rng=ctx.rng("neuron")
    )
    lrs = np.logspace(-2, 3, 21)
    runs = [neuron.descend_neuron(x, t, NEURON_START, float(lr), NEURON_STEPS) for lr in lrs]
    finals = [float(r.losses[-1]) for r in runs]
    labels = classify(lrs, finals, float(runs[0].losses[0]))
    best = int(np.argmin(finals))
    crawl = max(0, best - 8)  # 10^(8/4) = 100 times smaller
    above = [i for i in range(best + 1, len(lrs)) if labels[i] in ("unstable", "diverged")]
    large = above[0] if above else len(lrs) - 1
    chosen = {"too small": crawl, "good": best, "too large": large}
    return {
        "x": x,
        "t": t,
        "lrs": lrs,
        "finals": finals,
        "labels": labels,
        "chosen": {k: runs[i] for k, i in chosen.items()},
    }


CLAIM = (
    "The learning rate sets the size of each step. *Too large* and the steps overshoot the "
    "valley and do not converge; *too small* and learning makes no progress. There is no "
    "general rule for it: it is found by trial and error (source document 002, section 1.1; "
    "source document 003, section 1.1)."
)


@register("learning-rate", title="Choosing the learning rate", source="002 and 003", claim=CLAIM)
def study(ctx: Context) -> None:
    """Sweep the learning rate of SGD and Adam on MNIST and name each regime."""
    n, epochs = ctx.choose((2000, 3), (400, 2))
    lrs = list(np.logspace(-5, 1, ctx.choose(25, 7)))
    train, _ = mnist(n, 1)
    sweeps = {}
    for name in ("sgd", "adam"):
        ctx.log(f"{name}: {len(lrs)} learning rates")
        sweeps[name] = sweep(ctx, name, lrs, train, epochs)
    ctx.log("single neuron")
    cell = neuron_runs(ctx)
    ctx.log("curvature: 2/lambda_max against the measured divergence")
    curv = thresholds(ctx, cell, train)
    ctx.page.heading(t("report.setup"))
    ctx.page.paragraph(
        t(f"{L}.setup", hidden=HIDDEN, n=n, epochs=epochs, batch=BATCH, count=len(lrs))
    )
    _headlines(ctx, sweeps, cell)
    _findings(ctx, sweeps, cell)
    _curvature_numbers(ctx, curv, sweeps)
    _figures(ctx, sweeps, cell, 2 / curv["network"])
    _tables(ctx, sweeps, cell)


def thresholds(ctx: Context, cell: dict[str, Any], train: tuple) -> dict[str, Any]:
    """The stability bound 2/lambda_max against the largest learning rate from which
    gradient descent returns to the minimum, on a quadratic (linear least squares) and on
    the single neuron; and lambda_max of the sweep's network at initialisation."""
    from kobai.curvature import Hessian
    from kobai.studies._curvature import (
        flat_parameters,
        measured_threshold,
        neuron_hessian,
        neuron_minimum,
    )

    rng = ctx.rng("quadratic")
    x = rng.standard_normal((100, 2)) * np.array([3.0, 0.5])
    t = x @ np.array([[1.5], [-2.0]]) + 0.5 + 0.1 * rng.standard_normal((100, 1))
    model = nn.Linear(2, 1).double()
    solution = np.linalg.lstsq(np.hstack([x, np.ones((100, 1))]), t, rcond=None)[0][:, 0]
    model.load_state_dict({"weight": solution[None, :2], "bias": solution[2:]})
    quadratic = Hessian(model, nn.MSELoss(), (x, t))
    minimum = neuron_minimum(cell["x"], cell["t"], NEURON_TRUE)
    network = MLP(784, [HIDDEN], 10, rng=ctx.rng("init"))
    top = Hessian(network, nn.CrossEntropyLoss(), train).eigenvalues(
        1, rng=ctx.rng("lanczos"), tol=1e-3
    )
    return {
        "quadratic": measured_threshold(quadratic, flat_parameters(quadratic)),
        "neuron": measured_threshold(neuron_hessian(cell["x"], cell["t"], *minimum), minimum),
        "network": float(top.eigenvalues[0]),
    }


def _curvature_numbers(ctx: Context, curv: dict[str, Any], sweeps: dict[str, dict]) -> None:
    rows = []
    for name in ("quadratic", "neuron"):
        c = curv[name]
        low, high = c["bracket"]
        inside = Term(f"{L}.yes" if low <= c["predicted"] <= high else f"{L}.no")
        problem = Term(f"{L}.problem.{name}")
        rows.append([problem, c["lambda_max"], c["predicted"], low, high, inside])
        ctx.headline(f"{name}/predicted_lr", f"{name}: 2/λ_max", c["predicted"])
        ctx.headline(f"{name}/measured_lr", f"{name}: measured largest stable lr", c["measured"])
    columns = [t(f"{L}.col.{c}") for c in ("problem", "lambda")]
    columns += ["2/λ_max", *(t(f"{L}.col.{c}") for c in ("stable", "diverges", "inside"))]
    ctx.summary(t(f"{L}.summary.curvature"), columns, rows)
    quad, neu = curv["quadratic"], curv["neuron"]
    # Messages, not sentences: the report puts the same numbers into words in its language.
    threshold = {
        "quad_predicted": f"{quad['predicted']:.5g}",
        "quad_measured": f"{quad['measured']:.5g}",
        "neuron_predicted": f"{neu['predicted']:.5g}",
        "neuron_measured": f"{neu['measured']:.5g}",
    }
    ctx.finding(Message(f"{L}.f.threshold", threshold))
    bound = 2 / curv["network"]
    s = sweeps["sgd"]
    diverged = [lr for lr, label in zip(s["lrs"], s["labels"], strict=True) if label == "diverged"]
    first = f"{min(diverged):.3g}" if diverged else Message(f"{L}.none")
    ctx.headline("sgd/curvature_bound", "sgd: 2/λ_max of the network at initialisation", bound)
    network = {"lam": f"{curv['network']:.4g}", "bound": f"{bound:.3g}", "first": first}
    ctx.finding(Message(f"{L}.f.network", network))


def _headlines(ctx: Context, sweeps: dict[str, dict], cell: dict[str, Any]) -> None:
    rows = []
    for name, s in sweeps.items():
        low, high = good_range(s["lrs"], s["labels"])
        best = int(np.nanargmin(s["finals"]))
        diverged = [
            lr for lr, label in zip(s["lrs"], s["labels"], strict=True) if label == "diverged"
        ]
        rows.append(
            [
                name,
                low,
                high,
                s["lrs"][best],
                s["finals"][best],
                min(diverged) if diverged else math.nan,
            ]
        )
        ctx.headline(f"{name}/good_low", f"{name}: smallest good learning rate", low)
        ctx.headline(f"{name}/good_high", f"{name}: largest good learning rate", high)
        ctx.headline(f"{name}/best_lr", f"{name}: best learning rate", s["lrs"][best])
    names = ("optimizer", "good_from", "good_to", "best_lr", "best_loss", "first_diverging")
    ctx.summary(t(f"{L}.summary.sweep"), [t(f"{L}.col.{c}") for c in names], rows)
    for regime, tr in cell["chosen"].items():
        words = {"lr": f"{tr.lr:.3g}", "regime": Message(f"vs.regime.{regime}")}
        ctx.headline(f"neuron/{regime}", Message(f"{L}.h.neuron_final", words), tr.losses[-1])


def _findings(ctx: Context, sweeps: dict[str, dict], cell: dict[str, Any]) -> None:
    for name, s in sweeps.items():
        low, high = good_range(s["lrs"], s["labels"])
        counts = {k: s["labels"].count(k) for k in ("crawl", "good", "unstable", "diverged")}
        smallest = s["finals"][0]
        words = {
            "name": name,
            "low": f"{low:.2g}",
            "high": f"{high:.2g}",
            "factor": f"{high / low:.3g}",
            "first_lr": f"{s['lrs'][0]:.1g}",
            "initial": f"{s['initial']:.3f}",
            "smallest": f"{smallest:.3f}",
            **counts,
        }
        ctx.finding(Message(f"{L}.f.sweep", words))
    sgd_best = sweeps["sgd"]["lrs"][int(np.nanargmin(sweeps["sgd"]["finals"]))]
    adam_best = sweeps["adam"]["lrs"][int(np.nanargmin(sweeps["adam"]["finals"]))]
    factor = sgd_best / adam_best
    relation = "smaller" if factor > 1 else "larger"
    shown = f"{factor:.3g}" if factor > 1 else f"{1 / factor:.3g}"
    pair = {"adam": f"{adam_best:.2g}", "sgd": f"{sgd_best:.2g}", "factor": shown}
    ctx.finding(Message(f"{L}.f.optimiser_{relation}", pair))
    runs = tuple(
        Message(f"{L}.f.neuron_run", {
            "lr": f"{tr.lr:.3g}", "regime": Message(f"vs.regime.{k}"),
            "loss": f"{tr.losses[-1]:.3g}", "w": f"{tr.points[-1][0]:.3g}",
            "b": f"{tr.points[-1][1]:.3g}",
        })
        for k, tr in cell["chosen"].items()
    )  # fmt: skip
    neuron = {"runs": Joined(runs, "; "), "w": NEURON_TRUE[0], "b": NEURON_TRUE[1]}
    ctx.finding(Message(f"{L}.f.neuron", neuron))


def _figures(ctx: Context, sweeps: dict[str, dict], cell: dict[str, Any], bound: float) -> None:
    from kobai.landscape import neuron
    from kobai.viz.studies import learning_rate_paths, learning_rate_sweep

    fig = learning_rate_sweep(sweeps, title=text("st.lr_sweep"), marks={"sgd": bound})
    ctx.figure(
        fig,
        "sweep",
        t(f"{L}.fig.sweep"),
    )
    # The window holds every path, however far a large step throws it, and the true point.
    points = np.concatenate(
        [tr.points for tr in cell["chosen"].values()]
        + [np.array([[NEURON_TRUE[0], NEURON_TRUE[1]]])]
    )
    low, high = points.min(axis=0), points.max(axis=0)
    margin = 0.1 * np.maximum(high - low, 1.0)
    w = np.linspace(low[0] - margin[0], high[0] + margin[0], 181)
    b = np.linspace(low[1] - margin[1], high[1] + margin[1], 181)
    grid = neuron.loss_grid(cell["x"], cell["t"], w, b)
    fig = learning_rate_paths(
        w,
        b,
        grid,
        cell["chosen"],
        true_params=(NEURON_TRUE[0], NEURON_TRUE[1]),
        title=text("st.lr_paths"),
    )
    ctx.figure(
        fig,
        "neuron_paths",
        t(f"{L}.fig.paths", start=NEURON_START, steps=NEURON_STEPS),
    )


def _tables(ctx: Context, sweeps: dict[str, dict], cell: dict[str, Any]) -> None:
    ctx.page.heading(t(f"{L}.every"))
    rows = [
        [name, lr, final, Term(f"vs.regime.{label}")]
        for name, s in sweeps.items()
        for lr, final, label in zip(s["lrs"], s["finals"], s["labels"], strict=True)
    ]
    rows += [
        [Term(f"{L}.single_neuron"), lr, final, Term(f"vs.regime.{label}")]
        for lr, final, label in zip(cell["lrs"], cell["finals"], cell["labels"], strict=True)
    ]
    ctx.table(
        "results",
        ["optimizer", "learning rate", "final loss", "regime"],
        rows,
        caption=t(f"{L}.table"),
        show=None,
    )
