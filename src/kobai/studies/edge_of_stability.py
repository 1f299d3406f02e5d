r"""Study: full-batch gradient descent trains at the edge of stability (Cohen et al. 2021).

On a quadratic with curvature :math:`\lambda`, gradient descent with learning rate
:math:`\eta` converges only while :math:`\lambda < 2/\eta`. Training a network, the sharpness
:math:`\lambda_{max}` of the loss Hessian first rises ("progressive sharpening") until it
reaches :math:`2/\eta`, then hovers just above it while the loss keeps falling, not
monotonically. This study trains the same MLP from the same start with three learning
rates and measures :math:`\lambda_{max}` along the way (Lanczos on exact Hessian-vector
products).

Reference: Cohen, Kaur, Li, Kolter and Talwalkar, "Gradient Descent on Neural Networks
Typically Occurs at the Edge of Stability", ICLR 2021.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.i18n import Message, Term, t
from kobai.models import MLP
from kobai.studies.base import Context
from kobai.studies.registry import register
from kobai.viz.style import text

LRS = (2.0, 1.0, 0.5)
HIDDEN = (32, 32)
# The sharpness counts as having reached 2/lr within this fraction below it.
REACHED = 0.9
# Hovering: after reaching, the median of lambda/(2/lr) stays in this band and no
# measurement exceeds HOVER_MAX (a sharpness that kept growing would pass it).
HOVER_BAND = (0.9, 1.25)
HOVER_MAX = 1.6
# Fewer measurements than this after reaching 2/lr are too few to say it hovered.
MIN_AFTER = 20
# The catalogue's prefix of this study's words (kobai/i18n/messages/curvature.json).
E = "study.edge-of-stability"


def small_digits(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` bundled MNIST training digits, averaged down to 7x7 pixels (49
    inputs, float64), with one-hot targets of shape (n, 10) for the squared error."""
    from kobai.data import load_mnist_subset

    x, y = load_mnist_subset("train")
    if not 1 <= n <= len(x):
        raise ValueError(f"n must be between 1 and {len(x)}, got {n}")
    small = x[:n].reshape(n, 7, 4, 7, 4).mean(axis=(2, 4)).reshape(n, 49)
    return small.astype(np.float64), np.eye(10)[y[:n]]


def edge_summary(steps: Sequence[int], sharpness: Sequence[float], lr: float) -> dict[str, Any]:
    """What the sharpness did relative to :math:`2/\\eta`.

    Parameters
    ----------
    steps, sharpness : sequences of the same length
        When it was measured (updates done) and :math:`\\lambda_{max}` there.
    lr : float

    Returns
    -------
    dict
        ``ratios`` (:math:`\\lambda / (2/\\eta)`), ``initial`` (first ratio), ``reached_step``
        (first step with ratio >= 0.9, or None), ``median_after`` / ``max_after`` (ratios
        from then on), ``after`` (how many), and ``verdict``: ``"hovered"``, ``"overshot"``
        (it kept rising past 2/lr), ``"not reached"`` or ``"too few steps"``.
    """
    ratios = np.asarray(sharpness, dtype=float) * lr / 2.0
    where = np.flatnonzero(ratios >= REACHED)
    out: dict[str, Any] = {"ratios": ratios, "initial": float(ratios[0]), "after": 0}
    out.update(reached_step=None, median_after=math.nan, max_after=math.nan)
    if where.size == 0:
        out["verdict"] = "not reached"
        return out
    after = ratios[where[0] :]
    out.update(
        reached_step=int(steps[where[0]]),
        median_after=float(np.median(after)),
        max_after=float(after.max()),
        after=int(after.size),
    )
    if after.size < MIN_AFTER:
        out["verdict"] = "too few steps"
    elif HOVER_BAND[0] <= out["median_after"] <= HOVER_BAND[1] and after.max() <= HOVER_MAX:
        out["verdict"] = "hovered"
    else:
        out["verdict"] = "overshot"
    return out


def run_descent(ctx: Context, lr: float, steps: int, every: int, data: Any) -> dict[str, Any]:
    """Full-batch gradient descent for ``steps`` updates, sharpness every ``every`` steps."""
    from kobai.train import SharpnessMonitor, TrainingDiverged, fit

    model = MLP(49, list(HIDDEN), 10, activation="tanh", rng=ctx.rng("init")).double()
    loss = nn.MSELoss()
    monitor = SharpnessMonitor(every, data=data, rng=ctx.rng("lanczos", str(lr)), tol=1e-4)
    start = monitor.measure(model, loss)
    try:
        history = fit(
            model, data, loss=loss, optimizer=optim.SGD(model.parameters(), lr=lr),
            batch_size="full", epochs=steps, callbacks=[monitor], rng=ctx.rng("order"),
            track_grad_norms=False, train_metrics=False, progress=False,
        )  # fmt: skip
        losses, stopped = list(history["train_loss"]), None
    except TrainingDiverged as exc:
        losses, stopped = [], str(exc)
    marks = [0] + [r["epoch"] for r in monitor.records]
    values = [float(start.eigenvalues[0])] + [r["eigenvalues"][0] for r in monitor.records]
    iterations = [int(start.iterations)] + [r["iterations"] for r in monitor.records]
    return {
        "lr": lr, "losses": np.array(losses), "steps": np.array(marks),
        "sharpness": np.array(values), "iterations": np.array(iterations), "stopped": stopped,
        "summary": edge_summary(marks, values, lr),
    }  # fmt: skip


CLAIM = (
    "Gradient descent on a quadratic diverges once the learning rate exceeds 2/λ_max. Yet "
    "full-batch gradient descent on a network does not stay where that bound is safe: its "
    "sharpness λ_max rises until it reaches 2/lr and then hovers there, while the loss keeps "
    "falling, non-monotonically (Cohen et al., ICLR 2021)."
)


@register(
    "edge-of-stability",
    title="Gradient descent at the edge of stability",
    source="Cohen et al. 2021",
    claim=CLAIM,
)
def study(ctx: Context) -> None:
    """The edge-of-stability study: full-batch descent at three rates, sharpness against 2/lr."""
    n, steps, every = 500, ctx.choose(4000, 800), 20
    data = small_digits(n)
    runs = []
    for lr in LRS:
        ctx.log(f"lr {lr:g}: {steps} steps, sharpness every {every}")
        runs.append(run_descent(ctx, lr, steps, every, data))
    _setup(ctx, n, steps, every)
    _numbers(ctx, runs, steps)
    _figure(ctx, runs, n)
    _tables(ctx, runs)


def _setup(ctx: Context, n: int, steps: int, every: int) -> None:
    ctx.page.heading(t("report.setup"))
    lrs = ", ".join(f"{lr:g}" for lr in LRS)
    ctx.page.paragraph(
        t(f"{E}.setup", h1=HIDDEN[0], h2=HIDDEN[1], n=n, steps=steps, lrs=lrs, every=every,
          reached=f"{REACHED:g}", low=f"{HOVER_BAND[0]:g}", high=f"{HOVER_BAND[1]:g}",
          top=f"{HOVER_MAX:g}", least=MIN_AFTER)
    )  # fmt: skip


def _numbers(ctx: Context, runs: list[dict[str, Any]], steps: int) -> None:
    if ctx.quick:
        # A short run that has not reached 2/lr yet says nothing about whether it would.
        for r in runs:
            if r["summary"]["verdict"] == "not reached":
                r["summary"]["verdict"] = "too few steps"
    undecided = [r["lr"] for r in runs if r["summary"]["verdict"] == "too few steps"]
    if ctx.quick and undecided:
        rates = ", ".join(f"{lr:g}" for lr in undecided)
        note = Term(f"{E}.quick_note", {"steps": steps, "rates": rates})
        ctx.headline("quick_note", "NOTE", note)
    rows = []
    for r in runs:
        s, lr = r["summary"], r["lr"]
        reached = s["reached_step"] if s["reached_step"] is not None else Term(f"{E}.never")
        # Words that are data: English in headlines.json, the report's language where shown.
        verdict = Term(f"{E}.verdict.{s['verdict']}")
        rows.append(
            [lr, 2 / lr, r["sharpness"][0], reached, s["median_after"], s["max_after"], verdict]
        )
        # The labels carry the rate: messages with an {lr} field, whatever rates are run.
        rate = {"lr": f"{lr:g}"}
        for part, value in (
            ("initial_fraction", s["initial"]),
            ("median_fraction", s["median_after"]),
            ("verdict", verdict),
        ):
            ctx.headline(f"lr{lr:g}/{part}", Message(f"{E}.h.{part}", rate), value)
        ctx.finding(_sentence(r, steps))
    names = ("start", "reached", "median", "max", "verdict")
    ctx.summary(t(f"{E}.summary"), ["lr", "2/lr", *(t(f"{E}.col.{c}") for c in names)], rows)


def _sentence(r: dict[str, Any], steps: int) -> Message:
    """What happened at one learning rate, as a message put into words in the report's
    language (the same numbers in either)."""
    s, lr = r["summary"], r["lr"]
    start = Message(f"{E}.start", {
        "lr": f"{lr:g}", "bound": f"{2 / lr:g}", "start": f"{r['sharpness'][0]:.3g}",
        "share": f"{s['initial']:.0%}",
    })  # fmt: skip
    if r["stopped"]:
        return Message(f"{E}.f.diverged", {"start": start, "reason": r["stopped"]})
    if s["reached_step"] is None:
        key = "too_few_to_tell" if s["verdict"] == "too few steps" else "not_reached"
        words = {"start": start, "top": f"{s['ratios'].max():.0%}", "steps": steps}
        return Message(f"{E}.f.{key}", words)
    losses = r["losses"]
    rises = int(np.sum(np.diff(losses[s["reached_step"] :]) > 0))
    tail = Message(f"{E}.tail", {
        "reached": s["reached_step"], "median": f"{s['median_after']:.0%}",
        "top": f"{s['max_after']:.0%}", "after": s["after"],
    })  # fmt: skip
    if s["verdict"] == "too few steps":
        return Message(f"{E}.f.too_few", {"start": start, "tail": tail})
    key = "hovered" if s["verdict"] == "hovered" else "overshot"
    return Message(f"{E}.f.{key}", {
        "start": start, "tail": tail, "first": f"{losses[s['reached_step']]:.4g}",
        "last": f"{losses[-1]:.4g}", "rises": rises,
        "steps": len(losses) - s["reached_step"] - 1,
    })  # fmt: skip


def _figure(ctx: Context, runs: list[dict[str, Any]], n: int) -> None:
    from kobai.viz.studies.curvature import edge_of_stability

    fig = edge_of_stability(runs, title=text("st.eos", n=n))
    ctx.figure(
        fig,
        "sharpness",
        t(f"{E}.fig"),
    )


def _tables(ctx: Context, runs: list[dict[str, Any]]) -> None:
    rows = [
        [r["lr"], int(step), value, value * r["lr"] / 2, int(it)]
        for r in runs
        for step, value, it in zip(r["steps"], r["sharpness"], r["iterations"], strict=True)
    ]
    ctx.table(
        "sharpness",
        ["lr", "step", "lambda_max", "lambda_max / (2/lr)", "lanczos iterations"],
        rows,
        caption=t(f"{E}.table"),
        show=0,
    )
