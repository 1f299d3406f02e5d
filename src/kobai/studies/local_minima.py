"""Study: local minima, random restarts, and the copies of every minimum that permutation
symmetry makes (source documents 002 and 003).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.i18n import Joined, Message, t
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
# The catalogue's prefix of this study's words (kobai/i18n/messages/local_minima.json).
L = "study.local-minima"


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
    ctx.page.heading(t("report.setup"))
    ctx.page.paragraph(
        t(f"{L}.setup", hidden=XOR_HIDDEN[0], count=count, epochs=epochs, settings=settings,
          tolerance=BASIN_TOLERANCE, layers=" → ".join(map(str, SYMMETRY_HIDDEN)))
    )  # fmt: skip
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
        label = Message(f"{L}.h.best_fraction", {"name": name})
        ctx.headline(f"{name}/best_fraction", label, groups[0][1] / len(finals))
    all_finals = [v for finals in found["finals"].values() for v in finals]
    # Fixed labels: the report shows the catalogue's study.local-minima.h.<key> (a test checks
    # that its English is the label written here).
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
    rows = [
        [
            f"2 → {' → '.join(map(str, s))} → 2",
            pair_swap_count(s),
            permutation_count(s),
            sign_flip_count(s),
        ]
        for s in (XOR_HIDDEN, symmetry["sizes"], [100, 100])
    ]
    columns = ("network", "pair_swaps", "permutations", "sign_flips")
    ctx.summary(t(f"{L}.summary"), [t(f"{L}.col.{c}") for c in columns], rows)
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
    # Messages, not sentences: the report puts the same numbers into words in its language.
    for name, finals in found["finals"].items():
        groups = basins(finals)
        listed = Joined(
            tuple(
                Message(f"{L}.basin", {"loss": f"{loss:.3f}", "n": n, "total": len(finals)})
                for loss, n in groups
            )
        )
        words = {"name": name, "count": len(groups), "listed": listed}
        ctx.finding(Message(f"{L}.f.basins", words))
    _share_finding(ctx, found["finals"])
    _restart_finding(ctx, found["finals"]["sgd"])
    words = {
        "output": f"{symmetry['output_difference']:.2g}",
        "loss": f"{symmetry['loss_difference']:.2g}",
        "distance": f"{symmetry['distance']:.2f}",
        "base": f"{symmetry['loss']:.3f}",
        "barrier": f"{symmetry['barrier']:.3f}",
    }
    separate = symmetry["barrier"] > 1.5 * symmetry["loss"]
    ctx.finding(Message(f"{L}.f.symmetry_separate" if separate else f"{L}.f.symmetry", words))
    a, b = symmetry["sizes"]
    words = {
        "a": a,
        "b": b,
        "pairs": f"{pair_swap_count([a, b]):,}",
        "perms": f"{permutation_count([a, b]):,}",
        "power": a + b,
        "signs": f"{sign_flip_count([a, b]):,}",
        "pairs100": format_number(pair_swap_count([100, 100])),
        "perms100": format_number(permutation_count([100, 100])),
    }
    ctx.finding(Message(f"{L}.f.count", words))
    words = {
        "same": brute["same_output"],
        "total": permutation_count([2, 3]),
        "distinct": brute["distinct"],
        "single": brute["single_swaps"],
        "pairs": pair_swap_count([2, 3]),
    }
    ctx.finding(Message(f"{L}.f.brute", words))


def _share_finding(ctx: Context, finals: dict[str, list[float]]) -> None:
    lowest = min(min(v) for v in finals.values())
    share = {
        k: float(np.mean(np.asarray(v) <= lowest + BASIN_TOLERANCE)) for k, v in finals.items()
    }
    sgd_finals = np.asarray(finals["sgd"])
    same = {
        k: float(np.mean(np.abs(np.asarray(v) - sgd_finals) <= BASIN_TOLERANCE))
        for k, v in finals.items()
        if k != "sgd"
    }
    words = {
        "tolerance": BASIN_TOLERANCE,
        "lowest": f"{lowest:.3f}",
        "shares": ", ".join(f"{k} {v:.0%}" for k, v in share.items()),
        "same": Joined(
            tuple(
                Message(f"{L}.same_as_sgd", {"name": k, "share": f"{v:.0%}"})
                for k, v in same.items()
            ),
            Message(f"{L}.and"),
        ),
        "conclusion": Message(
            f"{L}.start_decides" if min(same.values()) >= 0.5 else f"{L}.optimiser_decides"
        ),
    }
    ctx.finding(Message(f"{L}.f.share", words))


def _restart_finding(ctx: Context, sgd: list[float]) -> None:
    best, hits = basins(sgd)[0]
    r = len(sgd)
    ks = [k for k in (1, 3, 5) if k <= r]
    chance = {k: 1 - math.comb(r - hits, k) / math.comb(r, k) for k in ks}
    words = {
        "chances": Joined(
            tuple(Message(f"{L}.chance", {"share": f"{chance[k]:.0%}", "k": k}) for k in ks)
        ),
        "expected": ", ".join(f"{expected_best_of(sgd, k):.3f}" for k in ks),
    }
    ctx.finding(Message(f"{L}.f.restarts", words))


def _figures(ctx: Context, found: dict, symmetry: dict) -> None:
    from kobai.viz import studies as figures

    finals = found["finals"]
    r = len(next(iter(finals.values())))
    best_of = {k: [expected_best_of(v, j) for j in range(1, r + 1)] for k, v in finals.items()}
    fig = figures.restart_distribution(finals, best_of, title=text("st.restarts"))
    ctx.figure(fig, "restarts", t(f"{L}.fig.restarts"))
    sgd = finals["sgd"]
    order = np.argsort(sgd)
    chosen = {
        t(f"{L}.panel.best", loss=f"{sgd[order[0]]:.3f}"): found["models"]["sgd"][order[0]],
        t(f"{L}.panel.worst", loss=f"{sgd[order[-1]]:.3f}"): found["models"]["sgd"][order[-1]],
    }
    fig = figures.decision_regions(chosen, found["x"], found["y"], title=text("st.two_minima"))
    ctx.figure(fig, "minima", t(f"{L}.fig.minima"))
    fig = figures.permuted_network(
        symmetry["model"],
        symmetry["copy"],
        *symmetry["outputs"],
        title=text("st.permuting"),
    )
    ctx.figure(fig, "permutation", t(f"{L}.fig.permutation"))
    fig = figures.loss_between_copies(
        symmetry["ts"], symmetry["lines"], title=text("st.between_copies")
    )
    ctx.figure(fig, "between_copies", t(f"{L}.fig.between"))


def _tables(ctx: Context, found: dict) -> None:
    ctx.page.heading(t(f"{L}.every"))
    rows = [
        [name, seed, loss]
        for name, finals in found["finals"].items()
        for seed, loss in enumerate(finals)
    ]
    ctx.table("results", ["optimizer", "restart", "final loss"], rows, show=0)
