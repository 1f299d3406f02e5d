"""Source document 002: gradient descent as optimisation.

theta(t+1) = theta(t) - epsilon grad E(theta(t)), repeated until theta stops changing within
machine precision. The learning rate epsilon is chosen by trial: too large fails to converge,
too small makes no progress. The loss of a network has many local minima, and every one comes
in copies, because swapping hidden units (with their weights) leaves the output unchanged.
Batch learning averages E_n over all N samples; mini-batch learning over a random subset B(t),
|B| = 1 being online / stochastic gradient descent; each epoch splits the data anew.

Run: python examples/002_learning_rate_and_minibatches.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import kobai as kb
from kobai import nn, optim
from kobai.landscape import descend, get_function
from kobai.models import MLP
from kobai.studies.symmetry import pair_swap_count, permutation_count, permute_hidden_units


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps")
    parser.add_argument("--out", default="example-output/002", help="folder for the figures")
    return parser.parse_args(argv)


def converge() -> None:
    """E(theta) = (theta - 1)^2 / 2 from theta = 3 with epsilon = 0.1, until theta(t+1) ==
    theta(t) exactly in float64."""
    theta, steps = kb.tensor(3.0, dtype="float64", requires_grad=True), 0
    while True:
        ((theta - 1) ** 2 / 2).backward()
        new = theta.item() - 0.1 * float(theta.grad)
        steps += 1
        if new == theta.item():
            break
        theta = kb.tensor(new, dtype="float64", requires_grad=True)
    print(
        f"E = (theta - 1)^2 / 2, epsilon = 0.1, from theta = 3: theta stops changing after "
        f"{steps} steps, at theta = {theta.item()!r} (|theta - 1| = {abs(theta.item() - 1):.1e})"
    )


def learning_rates(out: Path, steps: int) -> list[Path]:
    from kobai.viz.descent import plot_descent_1d

    quadratic = get_function("quadratic")
    settings = {f"lr {lr}": {"name": "sgd", "lr": lr} for lr in (0.01, 0.5, 1.9, 2.1)}
    runs = descend(quadratic, settings, start=2.0, steps=steps)
    print(f"\nf(x) = x^2 / 2 from x = 2, {steps} steps: each step multiplies x by (1 - lr)")
    for label, tr in runs.items():
        lr = tr.lr
        end = tr.points[-1][0]
        verdict = (
            "crawls"
            if abs(end) > 1 and abs(1 - lr) < 1
            else "overshoots to and fro, converging"
            if 1 < lr < 2
            else "overshoots further every step: diverges"
            if lr > 2
            else "converges"
        )
        print(
            f"  {label:>8}: 1 - lr = {1 - lr:+.2f}, x after {steps} steps = {end: .4g}: {verdict}"
        )
    chosen = {k: runs[k] for k in ("lr 0.01", "lr 1.9", "lr 2.1")}
    return plot_descent_1d(
        quadratic, chosen, out / "learning_rates", annotate=3, tangents=0, formats=("png", "svg")
    )


def symmetry() -> None:
    model = MLP(3, [5, 4], 2, activation="tanh", rng=0, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((8, 3))
    rng = np.random.default_rng(1)
    copy = permute_hidden_units(model, [rng.permutation(5), rng.permutation(4)])
    with kb.no_grad():
        same = np.max(np.abs(copy(kb.Tensor(x)).data - model(kb.Tensor(x)).data))
    moved = (
        sum(
            float(np.sum((p.data - q.data) ** 2))
            for p, q in zip(model.parameters(), copy.parameters(), strict=True)
        )
        ** 0.5
    )
    print("\nhidden units 5 and 4 reordered at random, with their incoming and outgoing weights:")
    print(f"  parameters moved by {moved:.3f}, outputs changed by at most {same:.1e}")
    print(
        f"  copies of every minimum: source 002 counts C(5,2) C(4,2) = "
        f"{pair_swap_count([5, 4])} (one swap per layer); all reorderings give "
        f"5! 4! = {permutation_count([5, 4])}"
    )


def batches() -> None:
    rng = np.random.default_rng(0)
    model = MLP(2, [4], 1, rng=0, dtype=np.float64)
    x, y = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    with kb.no_grad():
        per_sample = nn.SSELoss(reduction="none")(model(kb.Tensor(x)), y).data
        batch = nn.SSELoss()(model(kb.Tensor(x)), y).item()
    print("\nbatch learning: E(theta) = (1/N) sum_n E_n with E_n = 1/2 (y(x_n) - y_n)^2")
    print(f"  E_n = {np.round(per_sample, 4).tolist()}")
    print(f"  mean of the E_n = {per_sample.mean():.6f} = batch loss {batch:.6f}")
    loader = kb.data.DataLoader(x, y, batch_size=3, rng=0)
    for epoch in (1, 2):
        order = [
            np.flatnonzero((x[:, None, :] == xb[None]).all(-1).any(1)).tolist() for xb, _ in loader
        ]
        print(f"  epoch {epoch}: mini-batches of 3 (sample indices) {order}")
    print("  each epoch splits the data at random anew and uses every sample once")


def schedules(steps: int) -> None:
    print("\nlearning-rate schedules (section 1.5), lr for epochs 0..9:")
    for name, kwargs in (
        ("step", {"step_size": 3, "gamma": 0.5}),
        ("cosine", {"T_max": 9}),
        ("exponential", {"gamma": 0.8}),
    ):
        w = kb.tensor([1.0], requires_grad=True)
        opt = optim.SGD([w], lr=0.1)
        schedule = optim.create_scheduler(name, opt, **kwargs)
        rates = []
        for _ in range(10):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            schedule.step()
        print(f"  {name:>11}: " + " ".join(f"{r:.3f}" for r in rates))


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    converge()
    files = learning_rates(Path(args.out), 20 if args.quick else 40)
    symmetry()
    batches()
    schedules(10)
    print("\nfigures:", ", ".join(str(f) for f in files))
    print("more: kobai study learning-rate | batch-modes | local-minima")


if __name__ == "__main__":
    main()
