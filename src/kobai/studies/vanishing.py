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
    ctx.page.heading("Setup")
    ctx.page.paragraph(
        f"Fully connected networks 784 → {WIDTH} × depth → 10 (depth {DEPTHS[0]} and "
        f"{DEPTHS[1]} hidden layers) on MNIST digits, for every combination of activation "
        f"({', '.join(ACTIVATIONS)}), initial weights (`std:1` and `std:0.01`: normal with that "
        "standard deviation; `xavier`: Glorot uniform; `he`: He normal) and batch normalisation "
        "(off / on). Biases start at zero. The *gradient norm of a layer* is the norm of the "
        "loss gradient with respect to all its parameters, measured at initialisation on one "
        f"batch of 256 digits and averaged over one epoch of plain SGD (lr {LR}, batches of "
        f"{BATCH}, {n} digits). The *ratio* is the first layer's norm over the last layer's: "
        "1 means every layer learns at the same pace, 1e-6 that the first layer learns a "
        "million times more slowly."
    )


def _headlines(ctx: Context, records: list[dict[str, Any]]) -> None:
    for name in ACTIVATIONS:
        ctx.headline(f"max_derivative/{name}", f"max of {name}'(x)", max_derivative(name)[0])
    deepest = max(DEPTHS)
    ctx.headline(
        "bound/sigmoid", f"0.25^{deepest}: {deepest} sigmoid derivatives at most", 0.25**deepest
    )
    rows = []
    for act, init in itertools.product(ACTIVATIONS, INITS):
        cells = []
        for depth, bn in itertools.product(DEPTHS, (False, True)):
            cells.append(_find(records, depth, act, init, bn)["ratio_init"])
        rows.append([f"{act} · {init}", *cells])
    columns = [
        f"{d} layers{' + BN' if bn else ''}" for d, bn in itertools.product(DEPTHS, (False, True))
    ]
    ctx.summary("first/last layer gradient norm at initialisation", ["network", *columns], rows)


def _find(records: list[dict[str, Any]], depth: int, act: str, init: str, bn: bool) -> dict:
    for r in records:
        if (r["depth"], r["activation"], r["init"], r["batchnorm"]) == (depth, act, init, bn):
            return r
    raise KeyError((depth, act, init, bn))


def _findings(ctx: Context, records: list[dict[str, Any]]) -> None:
    deep = max(DEPTHS)
    xavier = _find(records, deep, "sigmoid", "xavier", False)["ratio_init"]
    ctx.finding(
        f"Sigmoid, Xavier weights, {deep} hidden layers: the first layer's gradient is "
        f"{xavier:.2g} times the last layer's. Ten derivatives of at most 0.25 allow "
        f"0.25^{deep} = {0.25**deep:.2g} when the weights keep the scale of the signal, "
        "which is what Xavier initialisation does."
    )
    small = _find(records, deep, "sigmoid", "std:0.01", False)["ratio_init"]
    ctx.finding(
        f"Weights that are too small (std 0.01) shrink the gradient by the weights as well "
        f"as the derivatives: sigmoid {small:.2g}, ReLU "
        f"{_find(records, deep, 'relu', 'std:0.01', False)['ratio_init']:.2g}."
    )
    big = _find(records, deep, "sigmoid", "std:1", False)
    ctx.finding(
        f"Sigmoid with std-1 weights saturates (histograms below), yet its ratio is "
        f"{big['ratio_init']:.2g}: weights of std 1 over 100 inputs multiply the backward "
        f"signal by about 10 per layer, which makes up for the small derivatives. After one "
        f"epoch its loss is {big['loss']:.3f} (guessing gives ln 10 = 2.303)."
    )
    he = _find(records, deep, "relu", "he", False)["ratio_init"]
    tanh = _find(records, deep, "tanh", "xavier", False)["ratio_init"]
    ctx.finding(
        f"ReLU with He weights: {he:.2g}; tanh with Xavier weights: {tanh:.2g}. ReLU's "
        "derivative is exactly 1 where a unit is active and tanh's is up to 1, four times the "
        "sigmoid's peak, so with weights of the right scale the chain of factors stays near one."
    )
    with_bn = [r["ratio_init"] for r in records if r["depth"] == deep and r["batchnorm"]]
    without = [r["ratio_init"] for r in records if r["depth"] == deep and not r["batchnorm"]]
    ctx.finding(
        f"Batch normalisation: with it, every {deep}-layer ratio lies between "
        f"{min(with_bn):.2g} and {max(with_bn):.2g}, whatever the activation and the "
        f"initial weights; without it, between {min(without):.2g} and {max(without):.2g}."
    )
    _learning_finding(ctx, [r for r in records if r["depth"] == deep])


def _learning_finding(ctx: Context, records: list[dict[str, Any]]) -> None:
    vanished = [r for r in records if r["ratio_init"] < 1e-3 and r["status"] == "ok"]
    healthy = [r for r in records if 0.1 <= r["ratio_init"] <= 10 and r["status"] == "ok"]
    diverged = [_label(r) for r in records if r["status"] != "ok"]
    if vanished and healthy:
        ctx.finding(
            f"What it does to learning: after one epoch the {len(vanished)} networks whose "
            f"ratio is below 1e-3 reach a mean loss of "
            f"{np.mean([r['loss'] for r in vanished]):.3f} (guessing gives ln 10 = 2.303), "
            f"the {len(healthy)} with a ratio between 0.1 and 10 reach "
            f"{np.mean([r['loss'] for r in healthy]):.3f}."
        )
    if diverged:
        ctx.finding(
            "Gradients can explode as well as vanish: "
            + ", ".join(diverged)
            + " overflowed in the first epoch (the loss became infinite or NaN)."
        )


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
        "Left: the derivatives of sigmoid, tanh and ReLU; the "
        "sigmoid's never exceeds 0.25. Right: the first/last gradient ratio of sigmoid "
        "networks at initialisation against their depth, beside 0.25^depth.",
    )


def _gradient_figures(ctx: Context, records: list[dict[str, Any]]) -> None:
    from kobai.viz.studies import gradient_heatmap, gradient_lines

    labels = [_label(r) for r in records]
    panels = {
        "at initialisation": np.array([r["init_norms"] for r in records]),
        "mean over the first epoch": np.array([r["epoch_norms"] for r in records]),
    }
    depth = records[0]["depth"]
    fig = gradient_heatmap(labels, panels, title=text("st.norm_per_layer_units", depth=depth))
    ctx.figure(
        fig,
        "gradient_heatmap",
        "log10 of each layer's gradient norm (columns: layer 1 "
        "at the input to the output layer) for every network; grey: the run diverged.",
    )
    curves: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    for r in records:
        key = ("batch norm" if r["batchnorm"] else "no batch norm", r["activation"])
        curves.setdefault(key, {})[r["init"]] = np.array([r["init_norms"], r["epoch_norms"]])
    fig = gradient_lines(
        curves,
        row_names=["no batch norm", "batch norm"],
        column_names=list(ACTIVATIONS),
        title=text("st.norm_per_layer", depth=depth),
    )
    ctx.figure(
        fig,
        "gradient_lines",
        "The same norms as lines: solid at initialisation, "
        "dashed averaged over the first epoch of SGD.",
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
        "The classic picture: sigmoid with std 1 "
        "saturates at 0 and 1, with std 0.01 it collapses to 0.5, Xavier keeps a "
        "spread; ReLU with std 0.01 shrinks to zero layer after layer, He keeps its "
        "spread.",
    )
    last = cases["sigmoid · std:1"][-1]
    saturated = float(np.mean((last < 0.02) | (last > 0.98)))
    collapsed = float(cases["sigmoid · std:0.01"][-1].std())
    ctx.finding(
        f"At initialisation, {saturated:.0%} of the 5th sigmoid layer's outputs lie within "
        f"0.02 of 0 or 1 with std-1 weights (where the derivative is below 0.02); with "
        f"std-0.01 weights they spread by only {collapsed:.2g} around 0.5."
    )


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
            "on" if r["batchnorm"] else "off",
            r["init_norms"][0],
            r["init_norms"][-1],
            r["ratio_init"],
            r["ratio_epoch"],
            r["loss"],
            r["accuracy"],
            r["status"],
        ]
        for r in records
    ]
    ctx.page.heading("Every network")
    ctx.table(
        "results",
        columns,
        rows,
        caption="Gradient norms at initialisation, the "
        "first/last ratio at initialisation and averaged over epoch 1, and the training "
        "loss and accuracy of epoch 1.",
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
