"""Study: numerical differentiation against backpropagation (source document 001).

Central differences give the gradient of any loss with no calculus at all, and they agree with
backpropagation to many digits; but every parameter costs two forward passes, where
backpropagation costs one forward and one backward pass for all of them together. So a network
trained with numerical gradients learns the same thing, at a cost that grows with the number of
parameters.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.autograd import numerical_grad
from kobai.i18n import Message, t
from kobai.models import MLP
from kobai.studies.base import Context
from kobai.studies.gradients import (
    count_forward_passes,
    flat_gradient,
    flat_loss,
    median_time,
    numerical_gradient,
    relative_difference,
)
from kobai.studies.registry import register
from kobai.train import fit
from kobai.viz.style import text

IN, OUT, BATCH = 16, 4, 32
ERROR_NET = (4, 4)  # hidden sizes of the network whose error against h is plotted
METHODS = ("forward", "backward", "central")
# The catalogue's prefix of this study's words (kobai/i18n/messages/findings.json).
N = "study.numerical-vs-backprop"


def error_against_step(
    model: nn.Module, loss: Any, x: np.ndarray, y: np.ndarray, steps: Sequence[float] | np.ndarray
) -> dict[str, list[float]]:
    """``|numerical - backprop| / |backprop|`` (norms) for each method and step ``h``."""
    exact = flat_gradient(model, loss, x, y)
    theta, f = flat_loss(model, loss, x, y)
    errors: dict[str, list[float]] = {m: [] for m in METHODS}
    try:
        for method in METHODS:
            for h in steps:
                approx = numerical_grad(f, theta.copy(), h=h, method=method)
                errors[method].append(float(np.linalg.norm(approx - exact) / np.linalg.norm(exact)))
    finally:
        f(theta)
    return errors


def _data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal((BATCH, IN))
    return x, rng.integers(0, OUT, BATCH)


def cost_against_size(ctx: Context, widths: Sequence[int]) -> list[dict[str, Any]]:
    """Time and forward passes of one gradient, both ways, for networks of growing width."""
    x, y = _data(ctx.rng("data"))
    loss = nn.CrossEntropyLoss()
    rows = []
    for width in widths:
        model = MLP(
            IN, [width, width], OUT, activation="tanh", rng=ctx.rng("net", width), dtype=np.float64
        )
        size = sum(p.data.size for p in model.parameters())
        ctx.log(f"width {width}: {size} parameters")
        exact = flat_gradient(model, loss, x, y)
        approx = numerical_gradient(model, loss, x, y)
        by_backprop = functools.partial(flat_gradient, model, loss, x, y)
        by_differences = functools.partial(numerical_gradient, model, loss, x, y)
        rows.append(
            {
                "width": width,
                "parameters": size,
                "difference": relative_difference(approx, exact),
                "norm_difference": float(np.linalg.norm(approx - exact) / np.linalg.norm(exact)),
                "abs_difference": float(np.max(np.abs(approx - exact))),
                "backprop_s": median_time(by_backprop),
                "numerical_s": median_time(by_differences, repeats=3),
                "backprop_passes": count_forward_passes(model, by_backprop),
                "numerical_passes": count_forward_passes(model, by_differences),
            }
        )
    return rows


def train_both_ways(ctx: Context, epochs: int) -> dict[str, Any]:
    """The same small network trained from the same start by both kinds of gradient."""
    from kobai.data import make_moons

    x, y = make_moons(200, noise=0.2, rng=ctx.rng("moons"))
    x = x.astype(np.float64)
    out: dict[str, Any] = {}
    for gradient in ("backprop", "numerical"):
        model = MLP(2, [8], 2, activation="tanh", rng=ctx.rng("moons-net"), dtype=np.float64)
        start = time.perf_counter()
        history = fit(
            model,
            (x, y),
            loss=nn.CrossEntropyLoss(),
            optimizer=optim.create("sgd", model.parameters(), lr=0.5),
            batch_size=50,
            epochs=epochs,
            rng=ctx.rng("moons-shuffle"),
            gradient=gradient,
            numerical_h=1e-6,
            progress=False,
        )
        out[gradient] = {
            "seconds": time.perf_counter() - start,
            "loss": np.asarray(history["train_loss"]),
            "accuracy": history.last()["train_accuracy"],
            "theta": np.concatenate([p.data.ravel() for p in model.parameters()]),
        }
    out["parameters"] = out["backprop"]["theta"].size
    return out


CLAIM = (
    "The gradient of the loss can be computed by *numerical differentiation*, "
    "(f(x + h) - f(x - h)) / 2h with a small h, for every weight: it agrees with the "
    "analytic derivative (for x²/2 at x = 2: 2 against about 2), and a multilayer network "
    "trained with it learns; but it needs forward passes for every weight, so networks are "
    "trained by backpropagation instead: the same gradient at a very different cost "
    "(source document 001)."
)


@register(
    "numerical-vs-backprop",
    title="Numerical differentiation against backpropagation",
    source="001",
    claim=CLAIM,
)
def study(ctx: Context) -> None:
    """Numerical against backpropagated gradients: agreement, cost by width, training."""
    widths = ctx.choose([2, 4, 8, 16, 32, 64, 96], [2, 4, 8, 16])
    epochs = ctx.choose(20, 4)
    ctx.page.heading(t("report.setup"))
    widths_text = ", ".join(map(str, widths))
    ctx.page.paragraph(
        t(f"{N}.setup", n_in=IN, n_out=OUT, widths=widths_text, batch=BATCH, epochs=epochs)
    )
    sizes = cost_against_size(ctx, widths)
    steps = np.logspace(-12, -1, 12)
    model = MLP(
        IN, list(ERROR_NET), OUT, activation="tanh", rng=ctx.rng("net", "error"), dtype=np.float64
    )
    errors = error_against_step(model, nn.CrossEntropyLoss(), *_data(ctx.rng("data")), steps)
    ctx.log(f"training a small network both ways for {epochs} epochs")
    trained = train_both_ways(ctx, epochs)
    _headlines(ctx, sizes, trained)
    _findings(ctx, sizes, steps, errors, trained)
    _figures(ctx, sizes, steps, errors, trained)
    _tables(ctx, sizes, steps, errors)


def _slope(x: Sequence[float], y: Sequence[float]) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0]) if len(x) > 1 else float("nan")


def _headlines(ctx: Context, sizes: list[dict[str, Any]], trained: dict[str, Any]) -> None:
    largest = sizes[-1]
    ctx.headline(
        "max_relative_difference",
        "central vs backprop: max element-wise rel. diff.",
        max(r["difference"] for r in sizes),
    )
    ctx.headline(
        "norm_relative_difference",
        "central vs backprop: |num - bp| / |bp|",
        max(r["norm_difference"] for r in sizes),
    )
    ctx.headline("parameters", "parameters of the largest network", largest["parameters"])
    ctx.headline(
        "numerical_passes", "forward passes per numerical gradient", largest["numerical_passes"]
    )
    ctx.headline(
        "backprop_passes", "forward passes per backprop gradient", largest["backprop_passes"]
    )
    ctx.headline("numerical_seconds", "seconds per numerical gradient", largest["numerical_s"])
    ctx.headline("backprop_seconds", "seconds per backprop gradient", largest["backprop_s"])
    ctx.headline("speedup", "backprop speed-up", largest["numerical_s"] / largest["backprop_s"])
    p = [r["parameters"] for r in sizes]
    ctx.headline(
        "numerical_slope",
        "log-log slope of numerical time against parameters",
        _slope(p, [r["numerical_s"] for r in sizes]),
    )
    ctx.headline(
        "backprop_slope",
        "log-log slope of backprop time against parameters",
        _slope(p, [r["backprop_s"] for r in sizes]),
    )
    bp, num = trained["backprop"], trained["numerical"]
    ctx.headline(
        "trained_parameter_difference",
        "trained both ways: max |parameter difference|",
        float(np.max(np.abs(bp["theta"] - num["theta"]))),
    )
    ctx.headline("trained_loss_backprop", "final training loss, backprop", float(bp["loss"][-1]))
    ctx.headline("trained_loss_numerical", "final training loss, numerical", float(num["loss"][-1]))
    ctx.headline(
        "trained_time_ratio", "training time, numerical / backprop", num["seconds"] / bp["seconds"]
    )


def _findings(ctx: Context, sizes: list, steps: np.ndarray, errors: dict, trained: dict) -> None:
    worst = max(sizes, key=lambda r: r["difference"])
    # Messages, not sentences: the report puts the same numbers into words in its language.
    agreement = {
        "norm": f"{max(r['norm_difference'] for r in sizes):.2g}",
        "absolute": f"{max(r['abs_difference'] for r in sizes):.2g}",
        "worst": f"{worst['difference']:.2g}",
    }
    ctx.finding(Message(f"{N}.f.agreement", agreement))
    step: dict[str, str] = {}
    for m in METHODS:
        step[f"{m}_h"] = f"{float(steps[int(np.argmin(errors[m]))]):.1g}"
        step[f"{m}_e"] = f"{float(np.min(errors[m])):.1g}"
        step[f"{m}_source"] = f"{_at(steps, errors[m], 1e-3):.1g}"
    ctx.finding(Message(f"{N}.f.step", step))
    largest = sizes[-1]
    cost = {
        "parameters": largest["parameters"],
        "numerical_passes": largest["numerical_passes"],
        "backprop_passes": largest["backprop_passes"],
        "numerical_s": f"{largest['numerical_s']:.3g}",
        "backprop_s": f"{largest['backprop_s']:.3g}",
        "slower": f"{largest['numerical_s'] / largest['backprop_s']:.0f}",
    }
    ctx.finding(Message(f"{N}.f.cost", cost))
    bp, num = trained["backprop"], trained["numerical"]
    training = {
        "parameters": trained["parameters"],
        "loss_bp": f"{bp['loss'][-1]:.6f}",
        "loss_num": f"{num['loss'][-1]:.6f}",
        "acc_bp": f"{bp['accuracy']:.3f}",
        "acc_num": f"{num['accuracy']:.3f}",
        "theta": f"{np.max(np.abs(bp['theta'] - num['theta'])):.1g}",
        "num_s": f"{num['seconds']:.3g}",
        "bp_s": f"{bp['seconds']:.3g}",
    }
    ctx.finding(Message(f"{N}.f.training", training))


def _at(steps: np.ndarray, values: Sequence[float], h: float) -> float:
    return float(values[int(np.argmin(np.abs(np.log(steps) - np.log(h))))])


def _figures(ctx: Context, sizes: list, steps: np.ndarray, errors: dict, trained: dict) -> None:
    from kobai.viz import studies as figures

    fig = figures.error_against_step(steps, errors, title=text("st.error_step"))
    shape = " → ".join(map(str, (IN, *ERROR_NET, OUT)))
    ctx.figure(
        fig,
        "error_against_step",
        t(f"{N}.fig.error", shape=shape),
    )
    p = [r["parameters"] for r in sizes]
    fig = figures.cost_against_size(
        p,
        {
            "numerical": [r["numerical_s"] for r in sizes],
            "backprop": [r["backprop_s"] for r in sizes],
        },
        {
            "numerical": [r["numerical_passes"] for r in sizes],
            "backprop": [r["backprop_passes"] for r in sizes],
        },
        title=text("st.cost"),
    )
    ctx.figure(
        fig,
        "cost_against_size",
        t(f"{N}.fig.cost"),
    )
    fig = figures.same_training(
        {"backprop": trained["backprop"]["loss"], "numerical": trained["numerical"]["loss"]},
        {k: trained[k]["seconds"] for k in ("backprop", "numerical")},
        title=text("st.same_training"),
    )
    ctx.figure(fig, "training", t(f"{N}.fig.training"))


def _tables(ctx: Context, sizes: list, steps: np.ndarray, errors: dict) -> None:
    ctx.page.heading(t("report.numbers"))
    ctx.table(
        "results",
        [
            "width",
            "parameters",
            "max element-wise rel. diff.",
            "norm-wise rel. diff.",
            "max abs. diff.",
            "backprop s",
            "numerical s",
            "speed-up",
            "backprop forward passes",
            "numerical forward passes",
        ],
        [
            [
                r["width"],
                r["parameters"],
                r["difference"],
                r["norm_difference"],
                r["abs_difference"],
                r["backprop_s"],
                r["numerical_s"],
                r["numerical_s"] / r["backprop_s"],
                r["backprop_passes"],
                r["numerical_passes"],
            ]
            for r in sizes
        ],
        caption=t(f"{N}.table.results"),
    )
    ctx.table(
        "error_against_step",
        ["h", *METHODS],
        [[h, *(errors[m][i] for m in METHODS)] for i, h in enumerate(steps)],
        caption=t(f"{N}.table.errors"),
        show=0,
    )
