"""Source document 000: the loss surface of a single neuron, in two parameters.

One neuron y = sigmoid(w x + b) fits data made by the neuron with (w, b) = (2, -1). The mean
squared error L(w, b) = (1/N) sum (y_i - t_i)^2 is a surface over (w, b). From a start "x" the
gradient (by the chain rule) says where to step:

    dL/dw = (2/N) sum (y_i - t_i) f'(w x_i + b) x_i,   dL/db = (2/N) sum (y_i - t_i) f'(w x_i + b)

and every step leaves its contour line at a right angle. In 2-D a path can also go *around* a
hill, which no 1-D path can: the last figure shows one.

Run: python examples/000_single_neuron_surface.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import kobai as kb
from kobai.data import make_single_neuron
from kobai.landscape import descend, get_function, neuron
from kobai.viz.descent import plot_race
from kobai.viz.neuron import plot_neuron_landscape

TRUE = (2.0, -1.0)
START = (-1.5, 2.5)
LR = 2.0


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller grids and fewer steps")
    parser.add_argument("--out", default="example-output/000", help="folder for the figures")
    return parser.parse_args(argv)


def check_gradient(x: np.ndarray, t: np.ndarray, point: tuple[float, float]) -> None:
    """The chain-rule gradient of the source against central differences."""
    analytic = neuron.gradient(x, t, *point)
    numerical = kb.numerical_grad(lambda p: neuron.loss(x, t, p[0], p[1]), np.array(point), h=1e-6)
    print(f"gradient at the start {point}:")
    print(f"  chain rule (source 000):  dL/dw = {analytic[0]: .8f}   dL/db = {analytic[1]: .8f}")
    print(f"  central differences:      dL/dw = {numerical[0]: .8f}   dL/db = {numerical[1]: .8f}")


def right_angles(x: np.ndarray, t: np.ndarray, points: np.ndarray) -> None:
    """Along the contour (perpendicular to the gradient) the loss does not change to first
    order; along -grad L it falls fastest, at the rate |grad L|."""
    print("\nslope of L at the first points of the path, along the contour and downhill:")
    for w, b in points:
        g = neuron.gradient(x, t, w, b)
        tangent = np.array([-g[1], g[0]]) / np.linalg.norm(g)
        downhill = -g / np.linalg.norm(g)

        def slope(d: np.ndarray, w: float = w, b: float = b) -> float:
            return float(
                kb.numerical_grad(
                    lambda s: neuron.loss(x, t, w + s * d[0], b + s * d[1]), 0.0, h=1e-6
                )
            )

        print(
            f"  (w, b) = ({w: .3f}, {b: .3f}): along the contour {slope(tangent): .1e}, "
            f"downhill {slope(downhill): .4f} (|grad L| = {np.linalg.norm(g):.4f})"
        )


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    out = Path(args.out)
    x, t = make_single_neuron(100, w=TRUE[0], b=TRUE[1], noise=0.05, rng=0)
    # float64, so that finite differences with h = 1e-6 are not swamped by rounding
    x, t = x.astype(np.float64), t.astype(np.float64)
    check_gradient(x, t, START)
    steps = 30 if args.quick else 100
    path = neuron.descend_neuron(x, t, START, lr=LR, steps=steps)
    print(f"\ngradient descent, lr = {LR}, from {START}:")
    for i in (0, 1, 2, 3, 10, steps):
        w, b = path.points[i]
        print(f"  step {i:3d}: w = {w: .4f}  b = {b: .4f}  L = {path.losses[i]:.6f}")
    right_angles(x, t, path.points[:4])
    n = 61 if args.quick else 201
    w_values, b_values = np.linspace(-2, 6, n), np.linspace(-5, 3, n)
    grid = neuron.loss_grid(x, t, w_values, b_values)
    arrows = path.points[:8], np.array([neuron.gradient(x, t, *p) for p in path.points[:8]])
    files = plot_neuron_landscape(
        w_values,
        b_values,
        grid,
        path,
        out / "neuron_surface",
        arrows=arrows,
        true_params=TRUE,
        samples=len(x),
    )
    hill = get_function("hill")
    runs = descend(hill, ["sgd", "momentum"], steps=60 if args.quick else 150)
    sgd = runs["sgd"]
    print(f"\n2-D: {hill.label}, from {hill.start}")
    print(
        f"  sgd goes around the hill at (-2.5, 0): its path reaches |y| = "
        f"{np.max(np.abs(sgd.points[:, 1])):.2f} and ends at f = {sgd.values[-1]:.4f} "
        f"({sgd.status})"
    )
    files += plot_race(hill, runs, out / "hill_detour")
    print("\nfigures:", ", ".join(str(f) for f in files))


if __name__ == "__main__":
    main()
