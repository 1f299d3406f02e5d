"""Source document 001: gradient descent, loss functions and numerical differentiation.

Point A is x = 2 on f(x) = x^2 / 2; with the learning rate eta = 0.1 each step
x <- x - eta f'(x) gives x = 1.80 (f = 1.62), then x = 1.62 (f = 1.31), ... towards the minimum
at 0. The derivative comes from backpropagation; forward, backward and central differences with
h = 0.001 are printed beside it, with how their error shrinks with h. Then the two loss
functions of the document (cross-entropy and the sum of squares), and a multilayer network
trained once with numerically computed gradients and once by backpropagation: the same result,
at a very different cost.

Run: python examples/001_gradient_descent.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import kobai as kb
from kobai import nn, optim


def f(x):  # type: ignore[no-untyped-def]
    return x**2 / 2


def descend(x0: float = 2.0, lr: float = 0.1, steps: int = 10) -> list[tuple[float, float]]:
    """(x, f(x)) after each gradient-descent step, the gradient taken by backpropagation."""
    x = kb.tensor(x0, dtype="float64", requires_grad=True)
    path = []
    for _ in range(steps):
        f(x).backward()
        x = kb.tensor(x.item() - lr * float(x.grad), dtype="float64", requires_grad=True)
        path.append((x.item(), f(x).item()))
    return path


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs of training")
    parser.add_argument("--out", default="example-output/001", help="folder for the figures")
    return parser.parse_args(argv)


def differences() -> None:
    print("derivative of x^2/2 at x = 2 (exact: 2)")
    for method in ("forward", "backward", "central"):
        value = kb.numerical_grad(f, 2.0, h=1e-3, method=method)
        print(f"  {method:>8} difference, h = 0.001: {value:.10f}")
    print("\nerror of each difference against h, for x^3 at x = 1 (exact derivative 3):")
    print(f"  {'h':>7} {'forward':>10} {'backward':>10} {'central':>10}")
    for h in (1e-1, 1e-2, 1e-3, 1e-4):
        errors = [
            abs(kb.numerical_grad(lambda x: x**3, 1.0, h=h, method=m) - 3.0)
            for m in ("forward", "backward", "central")
        ]
        print(f"  {h:>7g}" + "".join(f" {e:>10.2e}" for e in errors))
    print("  forward and backward: error ~ 3h (order h); central: error = h^2 (order h^2)")


def losses() -> None:
    # The classic example: ten classes, the network says 0.6 for the right one (class 2).
    y = kb.tensor([[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]], dtype="float64")
    t = np.zeros((1, 10))
    t[0, 2] = 1.0
    cross_entropy = -(kb.tensor(t) * (y + 1e-7).log()).sum()
    print("\nloss functions of an output y against the one-hot target t (class 2):")
    print(f"  cross-entropy  E = -sum t_k log y_k       = {cross_entropy.item():.4f}")
    print(f"  sum of squares E = 1/2 sum (y_k - t_k)^2 = {nn.SSELoss()(y, t).item():.4f}")


def train_both_ways(epochs: int, out: Path) -> list[Path]:
    from kobai.data import make_moons
    from kobai.models import MLP
    from kobai.viz import plot_learning_curves

    x, y = make_moons(200, noise=0.2, rng=0)
    x = x.astype(np.float64)
    histories, times = {}, {}
    for gradient in ("backprop", "numerical"):
        model = MLP(2, [6], 2, activation="tanh", rng=0, dtype=np.float64)
        start = time.perf_counter()
        histories[gradient] = kb.fit(
            model,
            (x, y),
            loss=nn.CrossEntropyLoss(),
            gradient=gradient,
            numerical_h=1e-6,
            optimizer=optim.SGD(model.parameters(), lr=0.5),
            batch_size=50,
            epochs=epochs,
            rng=0,
            progress=False,
        )
        times[gradient] = time.perf_counter() - start
    params = sum(p.data.size for p in model.parameters())
    print(f"\na 2-6-2 network ({params} parameters) on 200 two-moons points, {epochs} epochs:")
    for gradient, history in histories.items():
        last = history.last()
        print(
            f"  {gradient:>9}: loss {last['train_loss']:.6f}, accuracy "
            f"{last['train_accuracy']:.3f}, {times[gradient]:.2f} s"
        )
    print(
        f"  same result, numerical gradients {times['numerical'] / times['backprop']:.0f} "
        "times slower (two forward passes per parameter per update)"
    )
    return plot_learning_curves(
        histories,
        out / "numerical_vs_backprop",
        title="The same network, numerical vs backprop gradients",
        formats=("png", "svg"),
    )


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    out = Path(args.out)
    differences()
    print("\ngradient descent from x = 2 with eta = 0.1")
    for step, (x, fx) in enumerate(descend(), start=1):
        print(f"  step {step:2d}: x = {x:.6f}  f(x) = {fx:.6f}")
    losses()
    files = train_both_ways(3 if args.quick else 30, out)
    from kobai.landscape import descend as race
    from kobai.landscape import get_function
    from kobai.viz.descent import plot_descent_1d

    quadratic = get_function("quadratic")
    files += plot_descent_1d(
        quadratic,
        race(quadratic, ["sgd"], start=2.0, lr=0.1, steps=20),
        out / "descent",
        formats=("png", "svg"),
    )
    print("\nfigures:", ", ".join(str(f) for f in files))


if __name__ == "__main__":
    main()
