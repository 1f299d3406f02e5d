"""Study: vanishing gradients in deep networks, and what prevents them (source document 003).

Backpropagation multiplies one factor per layer: the activation's derivative and the layer's
weights. The sigmoid's derivative is at most 1/4, so ten sigmoid layers can shrink a gradient
by up to :math:`4^{-10} \\approx 10^{-6}`; weights that are too small shrink it too, weights
that are too large saturate the sigmoid. ReLU (derivative 1 where active), Xavier/He
initialisation and batch normalisation keep the product near one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.i18n import Joined, Message, Term, t
from kobai.models import MLP
from kobai.studies.base import Context
from kobai.studies.gradients import (
    gradient_ratio,
    hidden_activations,
    layer_gradient_norms,
    max_derivative,
)
from kobai.studies.registry import register
from kobai.train import TrainingDiverged, fit
from kobai.viz.style import text

ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITS = ("std:1", "std:0.01", "xavier", "he")
WIDTH = 100
DEPTHS = (5, 10)
LR, BATCH = 0.1, 64
# The catalogue's prefix of this study's words (kobai/i18n/messages/vanishing.json).
V = "study.vanishing-gradients"
Batch = tuple[np.ndarray, np.ndarray]
# The classic figure: histograms of each hidden layer's outputs for these settings.
HISTOGRAM_CASES = (
    ("sigmoid", "std:1"),
    ("sigmoid", "std:0.01"),
    ("sigmoid", "xavier"),
    ("tanh", "xavier"),
    ("relu", "std:0.01"),
    ("relu", "xavier"),
    ("relu", "he"),
)


def _network(depth: int, activation: str, init: str, batchnorm: bool, rng: Any) -> MLP:
    return MLP(
        784, [WIDTH] * depth, 10, activation=activation, init=init, batchnorm=batchnorm, rng=rng
    )


def _first_epoch(ctx: Context, model: MLP, data: Batch, label: tuple) -> dict[str, Any]:
    opt = optim.create("sgd", model.parameters(), lr=LR)
    try:
        # Exploding networks (ReLU, std 1) overflow on purpose: the run reports "diverged".
        with np.errstate(over="ignore", invalid="ignore"):
            history = fit(
                model,
                data,
                loss=nn.CrossEntropyLoss(),
                optimizer=opt,
                batch_size=BATCH,
                epochs=1,
                rng=ctx.rng("shuffle", *label),
                progress=False,
            )
    except TrainingDiverged:
        return {"status": "diverged", "loss": math.nan, "accuracy": math.nan, "norms": {}}
    row = history.last()
    norms = {k.partition("/")[2]: v for k, v in row.items() if k.startswith("grad_norm/")}
    return {
        "status": "ok",
        "loss": row["train_loss"],
        "accuracy": row.get("train_accuracy"),
        "norms": norms,
    }


def measure(ctx: Context, data: Batch, probe: Batch) -> list[dict[str, Any]]:
    """Every combination of depth x activation x initialisation x batch normalisation."""
    records = []
    grid = list(itertools.product(DEPTHS, ACTIVATIONS, INITS, (False, True)))
    for i, (depth, act, init, bn) in enumerate(grid, start=1):
        if i % len(INITS * 2) == 1:  # a line every few networks: the whole grid takes minutes
            ctx.log(f"network {i}/{len(grid)}: depth {depth}, {act}")
        label = (depth, act, init, int(bn))
        model = _network(depth, act, init, bn, ctx.rng("init", *label))
        at_init = layer_gradient_norms(model, *probe, nn.CrossEntropyLoss())
        epoch = _first_epoch(ctx, model, data, label)
        names = list(at_init)
        epoch_norms = [epoch["norms"].get(n, math.nan) for n in names]
        records.append(
            {
                "depth": depth,
                "activation": act,
                "init": init,
                "batchnorm": bn,
                "init_norms": list(at_init.values()),
                "epoch_norms": epoch_norms,
                "ratio_init": gradient_ratio(at_init),
                "ratio_epoch": gradient_ratio(epoch_norms) if epoch["norms"] else math.nan,
                "loss": epoch["loss"],
                "accuracy": epoch["accuracy"],
                "status": epoch["status"],
            }
        )
    return records


def ratio_against_depth(ctx: Context, probe: Batch, depths: Sequence[int]) -> dict[str, list]:
    """First/last gradient ratio at initialisation of sigmoid networks of several depths."""
    out: dict[str, list] = {}
    for init in INITS:
        out[init] = [
            gradient_ratio(
                layer_gradient_norms(
                    _network(d, "sigmoid", init, False, ctx.rng("depth", d, init)),
                    *probe,
                    nn.CrossEntropyLoss(),
                )
            )
            for d in depths
        ]
    return out


def _label(r: dict[str, Any]) -> str:
    return f"{r['activation']} · {r['init']}" + (" · BN" if r["batchnorm"] else "")


CLAIM = (
    "Backpropagation multiplies the gradient by one factor per layer, and *the sigmoid's "
    "derivative is at most 0.25*, so in a deep network the gradient shrinks layer by layer "
    "towards the input and the first layers stop learning. The remedies: ReLU, Xavier "
    "(Glorot) initialisation for sigmoid and tanh, He initialisation for ReLU, and batch "
    "normalisation (source document 003, section 2.2)."
)


@register("vanishing-gradients", title="Vanishing gradients", source="003", claim=CLAIM)
def study(ctx: Context) -> None:
    """Gradients layer by layer across depth, activation, initialisation and batch norm."""
    from kobai.data import load_mnist_subset

    x, y = load_mnist_subset("train")
    n = ctx.choose(8000, 512)
    probe = (x[-256:], y[-256:])
    ctx.log(f"48 networks: gradients at initialisation and over one epoch of {n} digits")
    records = measure(ctx, (x[:n], y[:n]), probe)
    depths = list(range(1, 11)) if not ctx.quick else [1, 2, 4, 6, 8, 10]
    by_depth = ratio_against_depth(ctx, probe, depths)
    _setup(ctx, n)
    _headlines(ctx, records)
    _findings(ctx, records)
    _derivative_figure(ctx, depths, by_depth)
    _gradient_figures(ctx, [r for r in records if r["depth"] == max(DEPTHS)])
    _histogram_figure(ctx, x[:1000])
    _tables(ctx, records)


def _setup(ctx: Context, n: int) -> None:
    ctx.page.heading(t("report.setup"))
    activations = ", ".join(ACTIVATIONS)
    ctx.page.paragraph(
        t(f"{V}.setup", width=WIDTH, d1=DEPTHS[0], d2=DEPTHS[1], activations=activations,
          lr=LR, batch=BATCH, n=n)
    )  # fmt: skip


def _headlines(ctx: Context, records: list[dict[str, Any]]) -> None:
    for name in ACTIVATIONS:
        label = Message(f"{V}.h.max_derivative", {"name": name})
        ctx.headline(f"max_derivative/{name}", label, max_derivative(name)[0])
    deepest = max(DEPTHS)
    label = Message(f"{V}.h.bound", {"deep": deepest})
    ctx.headline("bound/sigmoid", label, 0.25**deepest)
    rows = []
    for act, init in itertools.product(ACTIVATIONS, INITS):
        cells = []
        for depth, bn in itertools.product(DEPTHS, (False, True)):
            cells.append(_find(records, depth, act, init, bn)["ratio_init"])
        rows.append([f"{act} · {init}", *cells])
    columns = [
        t(f"{V}.col.layers_bn" if bn else f"{V}.col.layers", d=d)
        for d, bn in itertools.product(DEPTHS, (False, True))
    ]
    ctx.summary(t(f"{V}.summary"), [t(f"{V}.col.network"), *columns], rows)


def _find(records: list[dict[str, Any]], depth: int, act: str, init: str, bn: bool) -> dict:
    for r in records:
        if (r["depth"], r["activation"], r["init"], r["batchnorm"]) == (depth, act, init, bn):
            return r
    raise KeyError((depth, act, init, bn))


def _findings(ctx: Context, records: list[dict[str, Any]]) -> None:
    deep = max(DEPTHS)
    xavier = _find(records, deep, "sigmoid", "xavier", False)["ratio_init"]
    # Messages, not sentences: the report puts the same numbers into words in its language.
    words = {"deep": deep, "ratio": f"{xavier:.2g}", "bound": f"{0.25**deep:.2g}"}
    ctx.finding(Message(f"{V}.f.xavier", words))
    small = _find(records, deep, "sigmoid", "std:0.01", False)["ratio_init"]
    relu = _find(records, deep, "relu", "std:0.01", False)["ratio_init"]
    ctx.finding(Message(f"{V}.f.small", {"sigmoid": f"{small:.2g}", "relu": f"{relu:.2g}"}))
    big = _find(records, deep, "sigmoid", "std:1", False)
    words = {"ratio": f"{big['ratio_init']:.2g}", "loss": f"{big['loss']:.3f}"}
    ctx.finding(Message(f"{V}.f.big", words))
    he = _find(records, deep, "relu", "he", False)["ratio_init"]
    tanh = _find(records, deep, "tanh", "xavier", False)["ratio_init"]
    ctx.finding(Message(f"{V}.f.he", {"he": f"{he:.2g}", "tanh": f"{tanh:.2g}"}))
    with_bn = [r["ratio_init"] for r in records if r["depth"] == deep and r["batchnorm"]]
    without = [r["ratio_init"] for r in records if r["depth"] == deep and not r["batchnorm"]]
    words = {
        "deep": deep,
        "with_low": f"{min(with_bn):.2g}",
        "with_high": f"{max(with_bn):.2g}",
        "without_low": f"{min(without):.2g}",
        "without_high": f"{max(without):.2g}",
    }
    ctx.finding(Message(f"{V}.f.batchnorm", words))
    _learning_finding(ctx, [r for r in records if r["depth"] == deep])


def _learning_finding(ctx: Context, records: list[dict[str, Any]]) -> None:
    vanished = [r for r in records if r["ratio_init"] < 1e-3 and r["status"] == "ok"]
    healthy = [r for r in records if 0.1 <= r["ratio_init"] <= 10 and r["status"] == "ok"]
    diverged = [_label(r) for r in records if r["status"] != "ok"]
    if vanished and healthy:
        words = {
            "vanished": len(vanished),
            "vanished_loss": f"{np.mean([r['loss'] for r in vanished]):.3f}",
            "healthy": len(healthy),
            "healthy_loss": f"{np.mean([r['loss'] for r in healthy]):.3f}",
        }
        ctx.finding(Message(f"{V}.f.learning", words))
    if diverged:
        ctx.finding(Message(f"{V}.f.exploded", {"networks": Joined(tuple(diverged))}))


def _derivative_figure(ctx: Context, depths: list[int], by_depth: dict[str, list]) -> None:
    from kobai.viz.studies import derivatives_and_depth

    x = np.linspace(-6, 6, 1201)
    derivs = {n: np.asarray(nn.activation.derivative(n, x)) for n in ACTIVATIONS}
    fig = derivatives_and_depth(
        x,
        derivs,
        {f"sigmoid, {k}": (depths, v) for k, v in by_depth.items()},
        bound=0.25,
        title=text("st.why_vanish"),
    )
    ctx.figure(
        fig,
        "derivatives",
        t(f"{V}.fig.derivatives"),
    )


def _gradient_figures(ctx: Context, records: list[dict[str, Any]]) -> None:
    from kobai.viz.studies import gradient_heatmap, gradient_lines

    labels = [_label(r) for r in records]
    panels = {
        t(f"{V}.panel.init"): np.array([r["init_norms"] for r in records]),
        t(f"{V}.panel.epoch"): np.array([r["epoch_norms"] for r in records]),
    }
    depth = records[0]["depth"]
    fig = gradient_heatmap(labels, panels, title=text("st.norm_per_layer_units", depth=depth))
    ctx.figure(
        fig,
        "gradient_heatmap",
        t(f"{V}.fig.heatmap"),
    )
    curves: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    for r in records:
        key = (t(f"{V}.bn") if r["batchnorm"] else t(f"{V}.no_bn"), r["activation"])
        curves.setdefault(key, {})[r["init"]] = np.array([r["init_norms"], r["epoch_norms"]])
    fig = gradient_lines(
        curves,
        row_names=[t(f"{V}.no_bn"), t(f"{V}.bn")],
        column_names=list(ACTIVATIONS),
        title=text("st.norm_per_layer", depth=depth),
    )
    ctx.figure(
        fig,
        "gradient_lines",
        t(f"{V}.fig.lines"),
    )


def _histogram_figure(ctx: Context, x: np.ndarray) -> None:
    from kobai.viz.studies import activation_histograms

    cases = {}
    for act, init in HISTOGRAM_CASES:
        model = _network(5, act, init, False, ctx.rng("histogram", act, init))
        cases[f"{act} · {init}"] = hidden_activations(model, x)
    fig = activation_histograms(
        cases,
        title=text("st.outputs"),
    )
    ctx.figure(
        fig,
        "activation_histograms",
        t(f"{V}.fig.histograms"),
    )
    last = cases["sigmoid · std:1"][-1]
    saturated = float(np.mean((last < 0.02) | (last > 0.98)))
    collapsed = float(cases["sigmoid · std:0.01"][-1].std())
    words = {"share": f"{saturated:.0%}", "spread": f"{collapsed:.2g}"}
    ctx.finding(Message(f"{V}.f.saturated", words))


def _tables(ctx: Context, records: list[dict[str, Any]]) -> None:
    columns = [
        "depth",
        "activation",
        "init",
        "batchnorm",
        "first layer norm",
        "last layer norm",
        "ratio at init",
        "ratio epoch 1",
        "loss epoch 1",
        "accuracy epoch 1",
        "status",
    ]
    rows = [
        [
            r["depth"],
            r["activation"],
            r["init"],
            Term(f"{V}.on" if r["batchnorm"] else f"{V}.off"),
            r["init_norms"][0],
            r["init_norms"][-1],
            r["ratio_init"],
            r["ratio_epoch"],
            r["loss"],
            r["accuracy"],
            Term(f"{V}.status.{r['status']}"),
        ]
        for r in records
    ]
    ctx.page.heading(t(f"{V}.every"))
    ctx.table(
        "results",
        columns,
        rows,
        caption=t(f"{V}.table"),
        show=None,
    )
    long_rows = [
        [r["depth"], r["activation"], r["init"], int(r["batchnorm"]), i + 1, a, b]
        for r in records
        for i, (a, b) in enumerate(zip(r["init_norms"], r["epoch_norms"], strict=True))
    ]
    ctx.table(
        "layer_norms",
        ["depth", "activation", "init", "batchnorm", "layer", "norm at init", "norm epoch 1"],
        long_rows,
        show=0,
    )
