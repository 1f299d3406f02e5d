"""Study: local minima, random restarts, and the copies of every minimum that permutation
symmetry makes (source documents 002 and 003).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.models import MLP
from kobai.report import format_number
from kobai.studies.base import Context
from kobai.studies.registry import register
from kobai.studies.symmetry import (
    brute_force_copies,
    flat_parameters,
    hidden_sizes,
    loss_between,
    outputs,
    pair_swap_count,
    permutation_count,
    permute_hidden_units,
    sign_flip_count,
)
from kobai.train import evaluate, fit
from kobai.viz.style import text

# Plain gradient descent and the two remedies of source 003, each at a rate that suits it.
RESTART_OPTIMIZERS = {"sgd": {"lr": 0.5}, "momentum": {"lr": 0.5}, "adam": {"lr": 0.05}}
XOR_HIDDEN = [2]
SYMMETRY_HIDDEN = [8, 6]
BASIN_TOLERANCE = 0.01


def expected_best_of(losses: Sequence[float], k: int) -> float:
    """The expected lowest loss among ``k`` restarts drawn at random (without replacement)
    from the restarts that gave ``losses``.

    The ``i``-th smallest of :math:`R` losses is the best of a random ``k``-subset with
    probability :math:`\\binom{R - i}{k - 1} / \\binom{R}{k}`.

    >>> expected_best_of([1.0, 2.0, 3.0], 2)
    1.3333333333333333
    """
    values = np.sort(np.asarray(losses, dtype=np.float64))
    r = values.size
    if not 1 <= k <= r:
        raise ValueError(f"k must be between 1 and {r}, got {k}")
    weights = np.array([math.comb(r - i, k - 1) for i in range(1, r + 1)], dtype=np.float64)
    return float(np.dot(weights, values) / math.comb(r, k))


def restarts(ctx: Context, count: int, epochs: int) -> dict[str, Any]:
    """Train the small XOR network from ``count`` random initialisations with each optimiser
    (full batch); the final training loss of each run."""
    from kobai.data import make_xor

    x, y = make_xor(200, rng=ctx.rng("xor"))
    finals: dict[str, list[float]] = {name: [] for name in RESTART_OPTIMIZERS}
    models: dict[str, list[MLP]] = {name: [] for name in RESTART_OPTIMIZERS}
    for name, hyper in RESTART_OPTIMIZERS.items():
        ctx.log(f"{name}: {count} restarts x {epochs} full-batch steps")
        for seed in range(count):
            model = MLP(2, XOR_HIDDEN, 2, activation="tanh", rng=ctx.rng("restart", seed))
            fit(
                model,
                (x, y),
                loss=nn.CrossEntropyLoss(),
                optimizer=optim.create(name, model.parameters(), **hyper),
                batch_size=None,
                epochs=epochs,
                rng=ctx.rng("order"),
                track_grad_norms=False,
                train_metrics=False,
                progress=False,
            )
            finals[name].append(evaluate(model, (x, y), nn.CrossEntropyLoss())["loss"])
            models[name].append(model)
    return {"x": x, "y": y, "finals": finals, "models": models}


def basins(finals: Sequence[float], tolerance: float = BASIN_TOLERANCE) -> list[tuple[float, int]]:
    """Group final losses that lie within ``tolerance`` of each other: (lowest loss, count)
    per group, best first."""
    groups: list[list[float]] = []
    for value in sorted(finals):
        if groups and value - groups[-1][0] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [(g[0], len(g)) for g in groups]


def trained_for_symmetry(ctx: Context, epochs: int) -> tuple[MLP, tuple[np.ndarray, Any]]:
    """A float64 tanh network with two hidden layers, trained on two moons."""
    from kobai.data import make_moons

    x, y = make_moons(300, noise=0.2, rng=ctx.rng("moons"))
    x = x.astype(np.float64)
    model = MLP(2, SYMMETRY_HIDDEN, 2, activation="tanh", rng=ctx.rng("symmetry"), dtype=np.float64)
    fit(
        model,
        (x, y),
        loss=nn.CrossEntropyLoss(),
        optimizer=optim.create("adam", model.parameters(), lr=0.01),
        batch_size=32,
        epochs=epochs,
        rng=ctx.rng("symmetry-order"),
        progress=False,
    )
    return model, (x, y)


CLAIM = (
    "The loss of a deep network is not convex: besides the global minimum it has a great "
    "many local minima, and gradient descent stops in one of them. Swapping two hidden units "
    "of a layer, with their incoming and outgoing weights, leaves the output unchanged, so "
    "every minimum comes in many copies: source document 002 counts "
    "∏ₗ C(dₗ, 2) of them. Remedies (source document 003): momentum, Adam, and random "
    "initialisation with several restarts."
)


@register(
    "local-minima",
    title="Local minima, restarts and permutation symmetry",
    source="002 and 003",
    claim=CLAIM,
)
def study(ctx: Context) -> None:
    """Restarts from many seeds, permutation symmetry and the copies of a minimum."""
    count, epochs = ctx.choose((24, 600), (6, 200))
    found = restarts(ctx, count, epochs)
    ctx.log("permutation symmetry")
    model, data = trained_for_symmetry(ctx, ctx.choose(60, 10))
    symmetry = _symmetry(ctx, model, data)
    brute = brute_force_copies([2, 3], rng=ctx.rng("brute"))
    settings = ", ".join(f"{k} lr {v['lr']}" for k, v in RESTART_OPTIMIZERS.items())
    ctx.page.heading("Setup")
    ctx.page.paragraph(
        f"**Restarts**: a network 2 → {XOR_HIDDEN[0]} (tanh) → 2 learns the XOR of the signs of "
        f"200 points in the square, from {count} random initialisations, with full-batch "
        f"gradient descent for {epochs} steps: plain SGD, momentum and Adam "
        f"({settings}). Final "
        f"losses within {BASIN_TOLERANCE} of each other count as the same minimum. "
        f"**Symmetry**: a network 2 → {' → '.join(map(str, SYMMETRY_HIDDEN))} (tanh) → 2 in "
        "float64, trained on 300 two-moons points, has its hidden units reordered at random."
    )
    _headlines(ctx, found, symmetry, brute)
    _findings(ctx, found, symmetry, brute)
    _figures(ctx, found, symmetry)
    _tables(ctx, found)


def _symmetry(ctx: Context, model: MLP, data: tuple[np.ndarray, Any]) -> dict[str, Any]:
    rng = ctx.rng("permutations")
    sizes = hidden_sizes(model)
    base_out = outputs(model, data[0])
    base_loss = evaluate(model, data, nn.CrossEntropyLoss())["loss"]
    theta = flat_parameters(model)
    copies = []
    for _ in range(5):
        permuted = permute_hidden_units(model, [rng.permutation(d) for d in sizes])
        copies.append(permuted)
    flipped = permute_hidden_units(
        model,
        [rng.permutation(d) for d in sizes],
        signs=[rng.choice([-1.0, 1.0], d) for d in sizes],
    )
    ts = np.linspace(-0.25, 1.25, ctx.choose(31, 13))
    lines = [loss_between(model, c, data, ts) for c in copies]
    first = copies[0]
    return {
        "model": model,
        "copy": first,
        "sizes": sizes,
        "loss": base_loss,
        "output_difference": max(
            float(np.max(np.abs(outputs(c, data[0]) - base_out))) for c in [*copies, flipped]
        ),
        "loss_difference": max(
            abs(evaluate(c, data, nn.CrossEntropyLoss())["loss"] - base_loss)
            for c in [*copies, flipped]
        ),
        "distance": float(np.linalg.norm(flat_parameters(first) - theta) / np.linalg.norm(theta)),
        "ts": ts,
        "lines": lines,
        "outputs": (base_out, outputs(first, data[0])),
        "barrier": float(np.max([line.max() for line in lines])),
    }


def _headlines(ctx: Context, found: dict, symmetry: dict, brute: dict[str, int]) -> None:
    for name, finals in found["finals"].items():
        groups = basins(finals)
        ctx.headline(
            f"{name}/best_fraction",
            f"{name}: restarts reaching the best minimum",
            groups[0][1] / len(finals),
        )
    all_finals = [v for finals in found["finals"].values() for v in finals]
    ctx.headline(
        "minima", "distinct final losses (minima) over all restarts", len(basins(all_finals))
    )
    ctx.headline(
        "output_difference",
        "permuted copies: max |output difference|",
        symmetry["output_difference"],
    )
    ctx.headline(
        "loss_difference", "permuted copies: max |loss difference|", symmetry["loss_difference"]
    )
    ctx.headline("distance", "permuted copy: |θ' - θ| / |θ|", symmetry["distance"])
    ctx.headline(
        "barrier", "highest loss on the straight lines between copies", symmetry["barrier"]
    )
    sizes = symmetry["sizes"]
    rows = [
        [
            f"2 → {' → '.join(map(str, s))} → 2",
            pair_swap_count(s),
            permutation_count(s),
            sign_flip_count(s),
        ]
        for s in (XOR_HIDDEN, sizes, [100, 100])
    ]
    ctx.summary(
        "copies of one minimum",
        ["network", "source: ∏ C(d,2)", "all: ∏ d!", "with tanh sign flips: ∏ 2^d d!"],
        rows,
    )
    ctx.headline(
        "brute_force",
        "brute force, hidden (2, 3): permutations with equal output",
        brute["same_output"],
    )
    ctx.headline(
        "brute_force_distinct",
        "brute force: distinct parameter vectors among them",
        brute["distinct"],
    )
    ctx.headline(
        "brute_force_single_swaps",
        "brute force: one pair swapped in every layer",
        brute["single_swaps"],
    )


def _findings(ctx: Context, found: dict, symmetry: dict, brute: dict[str, int]) -> None:
    for name, finals in found["finals"].items():
        groups = basins(finals)
        listed = ", ".join(f"{loss:.3f} ({n} of {len(finals)})" for loss, n in groups)
        ctx.finding(f"{name}: {len(groups)} different final losses: {listed}.")
    lowest = min(min(v) for v in found["finals"].values())
    share = {
        k: float(np.mean(np.asarray(v) <= lowest + BASIN_TOLERANCE))
        for k, v in found["finals"].items()
    }
    sgd_finals = np.asarray(found["finals"]["sgd"])
    same = {
        k: float(np.mean(np.abs(np.asarray(v) - sgd_finals) <= BASIN_TOLERANCE))
        for k, v in found["finals"].items()
        if k != "sgd"
    }
    ctx.finding(
        f"Share of restarts ending within {BASIN_TOLERANCE} of the lowest loss found "
        f"({lowest:.3f}): "
        + ", ".join(f"{k} {v:.0%}" for k, v in share.items())
        + ". From the same initial weights, "
        + " and ".join(
            f"{k} ends at the same loss as plain SGD in {v:.0%}" for k, v in same.items()
        )
        + " of the restarts: "
        + (
            "where a run ends depends mostly on where it starts."
            if min(same.values()) >= 0.5
            else "the optimiser changes which minimum a given start leads to."
        )
    )
    sgd = found["finals"]["sgd"]
    best, hits = basins(sgd)[0]
    r = len(sgd)
    ks = [k for k in (1, 3, 5) if k <= r]
    chance = {k: 1 - math.comb(r - hits, k) / math.comb(r, k) for k in ks}
    ctx.finding(
        "Restarts help: with plain SGD, the chance that the best of k random restarts reaches "
        "the best minimum is "
        + ", ".join(f"{chance[k]:.0%} for k = {k}" for k in ks)
        + "; the expected best loss is "
        + ", ".join(f"{expected_best_of(sgd, k):.3f}" for k in ks)
        + "."
    )
    ctx.finding(
        "Permutation symmetry: reordering the hidden units (and, tanh being odd, flipping "
        f"signs) changes the outputs by at most {symmetry['output_difference']:.2g} and the "
        f"loss by {symmetry['loss_difference']:.2g} (float64 rounding), while the parameters "
        f"move by {symmetry['distance']:.2f} of their length. On the straight line between "
        f"the trained network (loss {symmetry['loss']:.3f}) and a permuted copy the loss rises "
        f"to {symmetry['barrier']:.3f}"
        + (
            ": the copies are separate minima of equal depth, not one wide valley."
            if symmetry["barrier"] > 1.5 * symmetry["loss"]
            else "."
        )
    )
    a, b = symmetry["sizes"]
    ctx.finding(
        f"How many copies? For hidden layers of {a} and {b} units, source 002's product "
        f"C({a},2) · C({b},2) = {pair_swap_count([a, b]):,} counts the ways to swap *exactly "
        f"one pair in every layer at once*. But any reordering of a layer's units is a "
        f"symmetry: there are {a}! · {b}! = {permutation_count([a, b]):,} of them, the "
        "identity included, because swaps compose (every permutation is a sequence of swaps) "
        "and a layer may also be left alone while another is reordered. So a minimum whose "
        f"units all differ has {permutation_count([a, b]):,} equivalent copies, and with tanh "
        f"the sign flips multiply that by 2^{a + b}: {sign_flip_count([a, b]):,}. For two "
        f"layers of 100 units: {format_number(pair_swap_count([100, 100]))} against "
        f"{format_number(permutation_count([100, 100]))}."
    )
    ctx.finding(
        "Brute force on a small network with hidden layers of 2 and 3 units: all "
        f"{brute['same_output']} of the 2! · 3! = {permutation_count([2, 3])} reorderings give "
        f"the same outputs and {brute['distinct']} distinct parameter vectors; "
        f"{brute['single_swaps']} of them (= C(2,2) · C(3,2) = {pair_swap_count([2, 3])}) swap "
        "exactly one pair in each layer."
    )


def _figures(ctx: Context, found: dict, symmetry: dict) -> None:
    from kobai.viz import studies as figures

    finals = found["finals"]
    r = len(next(iter(finals.values())))
    best_of = {k: [expected_best_of(v, j) for j in range(1, r + 1)] for k, v in finals.items()}
    fig = figures.restart_distribution(finals, best_of, title=text("st.restarts"))
    ctx.figure(
        fig,
        "restarts",
        "Left: the final loss of every restart (each dot one "
        "initialisation). Right: the expected lowest loss among k restarts.",
    )
    sgd = finals["sgd"]
    order = np.argsort(sgd)
    chosen = {
        f"best restart (loss {sgd[order[0]]:.3f})": found["models"]["sgd"][order[0]],
        f"worst restart (loss {sgd[order[-1]]:.3f})": found["models"]["sgd"][order[-1]],
    }
    fig = figures.decision_regions(chosen, found["x"], found["y"], title=text("st.two_minima"))
    ctx.figure(
        fig,
        "minima",
        "What the network learned in the best and in the worst minimum "
        "that plain SGD reached: the predicted class over the square, and the data.",
    )
    fig = figures.permuted_network(
        symmetry["model"],
        symmetry["copy"],
        *symmetry["outputs"],
        title=text("st.permuting"),
    )
    ctx.figure(
        fig,
        "permutation",
        "The first layer's weights before and after reordering the "
        "hidden units, and the outputs of the two networks on every training point.",
    )
    fig = figures.loss_between_copies(
        symmetry["ts"], symmetry["lines"], title=text("st.between_copies")
    )
    ctx.figure(
        fig,
        "between_copies",
        "Loss at (1 − t) θ + t π(θ) for five random "
        "permutations π: equal at t = 0 and t = 1, higher in between.",
    )


def _tables(ctx: Context, found: dict) -> None:
    ctx.page.heading("Every restart")
    rows = [
        [name, seed, loss]
        for name, finals in found["finals"].items()
        for seed, loss in enumerate(finals)
    ]
    ctx.table("results", ["optimizer", "restart", "final loss"], rows, show=0)
