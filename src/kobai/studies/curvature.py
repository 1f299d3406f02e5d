r"""Study: the curvature of learning — the Hessian's spectrum before and after training, the
sharpness SGD and Adam end in, and on the single neuron why a step above
:math:`2/\lambda_{max}` zig-zags across the narrow direction of the valley.

Near a minimum the loss is a quadratic :math:`\frac12 \delta^\top H \delta`; gradient descent
multiplies the component along each eigenvector :math:`u_i` of :math:`H` by
:math:`1 - \eta \lambda_i` per step. Along the sharpest direction that factor is below
:math:`-1` once :math:`\eta > 2/\lambda_{max}`: the iterate jumps across the valley, further
each time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai import nn, optim
from kobai.i18n import Joined, Message, Term, t
from kobai.models import MLP
from kobai.studies._curvature import neuron_hessian, neuron_minimum
from kobai.studies.base import Context
from kobai.studies.edge_of_stability import small_digits
from kobai.studies.registry import register
from kobai.viz.style import text

HIDDEN = (32, 32)
RUNS = {"sgd": ("sgd", 1.0), "adam": ("adam", 0.005)}
NEURON_TRUE = (2.0, -1.0)
# The three step sizes drawn on the neuron, as fractions of 2 / lambda_max.
FRACTIONS = (0.5, 0.95, 1.1)
# The catalogue's prefix of this study's words (kobai/i18n/messages/curvature.json).
C = "study.curvature"


def _model(ctx: Context) -> Any:
    return MLP(49, list(HIDDEN), 10, activation="tanh", rng=ctx.rng("init")).double()


def train_runs(ctx: Context, data: Any, epochs: int) -> dict[str, Any]:
    """Mini-batch SGD and Adam from the same start, sharpness after every epoch."""
    from kobai.train import SharpnessMonitor, fit

    loss, out = nn.CrossEntropyLoss(), {}
    for label, (name, lr) in RUNS.items():
        model = _model(ctx)
        monitor = SharpnessMonitor(1, data=data, rng=ctx.rng("lanczos", label), tol=1e-4)
        start = monitor.measure(model, loss)
        history = fit(
            model, data, loss=loss, optimizer=optim.create(name, model.parameters(), lr=lr),
            batch_size=50, epochs=epochs, callbacks=[monitor], rng=ctx.rng("order"),
            track_grad_norms=False, progress=False,
        )  # fmt: skip
        out[label] = {
            "name": name, "lr": lr, "model": model, "loss": history["train_loss"],
            "accuracy": history["train_accuracy"],
            "sharpness": [float(start.eigenvalues[0])] + list(history["sharpness"]),
        }  # fmt: skip
    return out


def densities(ctx: Context, data: Any, runs: dict[str, Any], probes: int, steps: int) -> dict:
    """SLQ densities of the Hessian at initialisation and after each run, on one grid."""
    from kobai.curvature import Hessian

    loss = nn.CrossEntropyLoss()
    models = {"initialisation": _model(ctx)}
    models.update({f"after {r['name']}": r["model"] for r in runs.values()})
    found = {}
    for label, model in models.items():
        hessian = Hessian(model, loss, data)
        found[label] = {
            "density": hessian.density(rng=ctx.rng("slq", label), probes=probes, steps=steps),
            "top": hessian.eigenvalues(3, rng=ctx.rng("top", label), tol=1e-6),
            "trace": hessian.trace(rng=ctx.rng("trace", label), probes=probes * 4),
            "n": hessian.size,
        }
    return found


def neuron_cell(ctx: Context) -> dict[str, Any]:
    """The neuron's minimum, its Hessian there, and gradient descent at three step sizes."""
    from kobai.data import make_single_neuron
    from kobai.landscape import neuron

    x, t = make_single_neuron(100, w=2.0, b=-1.0, noise=0.05, rng=ctx.rng("neuron"))
    minimum = neuron_minimum(x, t, NEURON_TRUE)
    matrix = neuron_hessian(x, t, *minimum).matrix()
    values, vectors = np.linalg.eigh(matrix)
    bound = 2.0 / values[-1]
    # Start off the minimum along both eigenvectors: the paths show each direction's factor.
    start = minimum + 0.08 * vectors[:, 1] + 0.25 * vectors[:, 0]
    paths = {
        f"lr = {f:g} × 2/λ_max = {f * bound:.3g}": neuron.descend_neuron(
            x, t, start, float(f * bound), 30
        )
        for f in FRACTIONS
    }
    return {"x": x, "t": t, "minimum": minimum, "values": values, "vectors": vectors,
            "bound": bound, "paths": paths, "start": start}  # fmt: skip


CLAIM = (
    "The Hessian of the loss says how fast and how far gradient descent may step: along its "
    "top eigenvector a step of learning rate lr multiplies the error by 1 − lr λ_max, so "
    "lr > 2/λ_max overshoots the valley's narrow direction and zig-zags. Training changes "
    "the spectrum: a few outlier eigenvalues grow out of a bulk near zero (Ghorbani et al. "
    "2019), and which optimiser trained the network changes how sharp the end point is."
)


@register("curvature", title="The curvature of learning", source="000 and 002", claim=CLAIM)
def study(ctx: Context) -> None:
    """Hessian densities, the sharpness of SGD and Adam, and the neuron's eigenvectors."""
    n, epochs = ctx.choose(500, 200), ctx.choose(30, 4)
    x, onehot = small_digits(n)
    data = (x, onehot.argmax(axis=1))
    ctx.log(f"training SGD and Adam for {epochs} epochs on {n} digits")
    runs = train_runs(ctx, data, epochs)
    ctx.log("densities")
    found = densities(ctx, data, runs, ctx.choose(8, 3), ctx.choose(80, 30))
    ctx.log("single neuron")
    cell = neuron_cell(ctx)
    _setup(ctx, n, epochs)
    _numbers(ctx, runs, found, cell)
    _figures(ctx, runs, found, cell)


def _setup(ctx: Context, n: int, epochs: int) -> None:
    ctx.page.heading(t("report.setup"))
    runs = ", ".join(f"{name} (lr {lr:g})" for name, lr in RUNS.values())
    ctx.page.paragraph(t(f"{C}.setup", h1=HIDDEN[0], h2=HIDDEN[1], n=n, epochs=epochs, runs=runs))


def _zigzags(path: Any, minimum: np.ndarray, direction: np.ndarray) -> int:
    """How often the component along ``direction`` changes sign: jumps across the valley."""
    along = (path.points - minimum) @ direction
    return int(np.sum(np.sign(along[1:]) != np.sign(along[:-1])))


def _numbers(ctx: Context, runs: dict, found: dict, cell: dict) -> None:
    for label, f in found.items():
        key = label.replace(" ", "_")
        ctx.headline(f"{key}/lambda_max", f"λ_max, {label}", float(f["top"].eigenvalues[0]))
    rows = []
    for label, f in found.items():
        d, top = f["density"], f["top"].eigenvalues
        negative = float((d.weights * (d.nodes < -0.01 * top[0])).sum(axis=1).mean())
        run = Term(f"{C}.run.after", {"name": label.removeprefix("after ")})
        if label == "initialisation":
            run = Term(f"{C}.run.initialisation")
        rows.append([run, top[0], top[1], top[2], f["trace"].trace, f["trace"].stderr,
                     d.moment(1) * f["n"], negative])  # fmt: skip
    ctx.summary(
        t(f"{C}.summary"),
        [t(f"{C}.col.network"), "λ_1", "λ_2", "λ_3",
         *(t(f"{C}.col.{c}") for c in ("trace_hutchinson", "stderr", "trace_slq", "negative"))],
        rows,
    )  # fmt: skip
    init, sgd, adam = (found[k]["top"].eigenvalues[0] for k in found)
    # Messages, not sentences: the report puts the same numbers into words in its language.
    traces = ", ".join(f"{f['trace'].trace:.3g}" for f in found.values())
    spectrum = {"init": f"{init:.3g}", "sgd": f"{sgd:.3g}", "adam": f"{adam:.3g}", "traces": traces}
    ctx.finding(Message(f"{C}.f.spectrum", spectrum))
    final = {k: r["sharpness"][-1] for k, r in runs.items()}
    ctx.headline("sgd/final_sharpness", "SGD: λ_max at the end", final["sgd"])
    ctx.headline("adam/final_sharpness", "Adam: λ_max at the end", final["adam"])
    lr_sgd = RUNS["sgd"][1]
    half = runs["sgd"]["sharpness"][len(runs["sgd"]["sharpness"]) // 2 :]
    ctx.headline("sgd/median_late", "SGD: median λ_max over the second half", np.median(half))
    sharpness = {
        "lr": f"{lr_sgd:g}",
        "bound": f"{2 / lr_sgd:g}",
        "median": f"{np.median(half):.3g}",
        "sgd": f"{final['sgd']:.3g}",
        "sgd_loss": f"{runs['sgd']['loss'][-1]:.3g}",
        "adam": f"{final['adam']:.3g}",
        "ratio": f"{final['adam'] / final['sgd']:.3g}",
        "adam_loss": f"{runs['adam']['loss'][-1]:.3g}",
    }
    ctx.finding(Message(f"{C}.f.sharpness", sharpness))
    values, vectors, bound = cell["values"], cell["vectors"], cell["bound"]
    ctx.headline("neuron/lambda_max", "neuron: λ_max at the minimum", float(values[-1]))
    ctx.headline("neuron/lambda_min", "neuron: λ_min at the minimum", float(values[0]))
    ctx.headline("neuron/bound", "neuron: 2/λ_max", float(bound))
    parts = []
    for label, path in cell["paths"].items():
        zig = _zigzags(path, cell["minimum"], vectors[:, 1])
        distance = float(np.linalg.norm(path.points[-1] - cell["minimum"]))
        steps = len(path.points) - 1
        words = {"label": label, "zig": zig, "distance": f"{distance:.2g}", "steps": steps}
        parts.append(Message(f"{C}.f.path", words))
    neuron = {
        "w": f"{cell['minimum'][0]:.3f}",
        "b": f"{cell['minimum'][1]:.3f}",
        "top": f"{values[-1]:.4g}",
        "u1": f"{vectors[0, 1]:.2f}",
        "u2": f"{vectors[1, 1]:.2f}",
        "low": f"{values[0]:.4g}",
        "v1": f"{vectors[0, 0]:.2f}",
        "v2": f"{vectors[1, 0]:.2f}",
        "bound": f"{bound:.4g}",
        "paths": Joined(tuple(parts), "; "),
    }
    ctx.finding(Message(f"{C}.f.neuron", neuron))


def _figures(ctx: Context, runs: dict, found: dict, cell: dict) -> None:
    from kobai.landscape import neuron
    from kobai.viz.studies.curvature import hessian_densities, neuron_eigenvectors, sharpness_runs

    # One broadening and one grid for all, so that the curves compare.
    nodes = np.concatenate([f["density"].nodes.ravel() for f in found.values()])
    sigma = float(nodes.max() - nodes.min()) / 150
    grid = np.linspace(nodes.min() - 5 * sigma, nodes.max() + 5 * sigma, 2000)
    fig = hessian_densities(
        {k: f["density"].broadened(sigma, grid) for k, f in found.items()},
        title=text("st.density"),
    )
    ctx.figure(
        fig,
        "density",
        t(f"{C}.fig.density"),
    )
    fig = sharpness_runs(
        {f"{r['name']} lr {r['lr']:g}": r for r in runs.values()},
        title=text("st.sharpness"),
    )
    ctx.figure(fig, "sharpness", t(f"{C}.fig.sharpness"))
    m, vec = cell["minimum"], cell["vectors"]
    points = np.concatenate([p.points for p in cell["paths"].values()] + [m[None]])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.15 * (high - low) + 0.05
    w = np.linspace(low[0] - pad[0], high[0] + pad[0], 161)
    b = np.linspace(low[1] - pad[1], high[1] + pad[1], 161)
    grid = neuron.loss_grid(cell["x"], cell["t"], w, b)
    fig = neuron_eigenvectors(
        w, b, grid, m, cell["values"], vec, cell["paths"],
        title=text("st.neuron_bound", bound=f"{cell['bound']:.3g}"),
    )  # fmt: skip
    ctx.figure(fig, "neuron", t(f"{C}.fig.neuron"))
    rows = [[r["name"], epoch, s] for r in runs.values() for epoch, s in enumerate(r["sharpness"])]
    ctx.table("sharpness", ["optimizer", "epoch", "lambda_max"], rows, show=0)
