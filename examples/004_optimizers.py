"""Source document 004: SGD, Momentum, AdaGrad and Adam, from their formulas and code.

The document's classes update a dict of arrays: ``opt.update(params, grads)``. kobai offers
them as ``kobai.optim.textbook`` (bit for bit the document's code in float64) beside the
PyTorch-faithful optimisers of ``kobai.optim``, and the document invites the comparison:

- SGD:      W <- W - lr g                                         (lr 0.01)
- Momentum: v <- momentum v - lr g;  W <- W + v                    (lr 0.01, momentum 0.9)
- AdaGrad:  h <- h + g g;  W <- W - lr g / (sqrt(h) + 1e-7)        (lr 0.01)
- Adam:     m += (1 - b1)(g - m);  v += (1 - b2)(g^2 - v);
            lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);  W -= lr_t m / (sqrt(v) + 1e-7)
                                                                   (lr 0.001, b1 0.9, b2 0.999)

Run: python examples/004_optimizers.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import kobai as kb
from kobai import nn
from kobai.landscape import descend, get_function
from kobai.optim import textbook

DOCUMENT = {
    "sgd": {"lr": 0.01},
    "momentum": {"lr": 0.01, "momentum": 0.9},
    "adagrad": {"lr": 0.01},
    "adam": {"lr": 0.001},
}
CLASSES = {
    "sgd": textbook.SGD,
    "momentum": textbook.Momentum,
    "adagrad": textbook.AdaGrad,
    "adam": textbook.Adam,
}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and epochs")
    parser.add_argument("--out", default="example-output/004", help="folder for the figures")
    return parser.parse_args(argv)


def by_hand() -> None:
    """Three updates of each class on the document's dict of arrays, for the gradient of
    L = (W1^2).sum() / 2 + (b1^2).sum() / 2, i.e. grads = params."""
    print("the document's classes, three updates of params {'W1', 'b1'} with grads = params:")
    for name, cls in CLASSES.items():
        params = {"W1": np.array([[1.0, -2.0], [0.5, 3.0]]), "b1": np.array([1.0, -1.0])}
        opt = cls(**DOCUMENT[name])
        for _ in range(3):
            grads = {k: v.copy() for k, v in params.items()}
            opt.update(params, grads)
        print(
            f"  {name:<9} W1[0] = {np.round(params['W1'][0], 6).tolist()}  "
            f"b1 = {np.round(params['b1'], 6).tolist()}"
        )


def textbook_vs_pytorch(steps: int) -> None:
    rosenbrock = get_function("rosenbrock")
    print(
        f"\ntextbook against PyTorch-faithful forms, {steps} steps on Rosenbrock from "
        f"{rosenbrock.start} (lr 1e-3 for all), largest distance between the two paths:"
    )
    for name in DOCUMENT:
        hyper = {k: v for k, v in DOCUMENT[name].items() if k != "lr"}
        runs = descend(
            rosenbrock,
            {
                "textbook": {"name": f"textbook-{name}", "lr": 1e-3, **hyper},
                "pytorch": {"name": name, "lr": 1e-3, **hyper},
            },
            steps=steps,
        )
        gap = np.max(np.linalg.norm(runs["textbook"].points - runs["pytorch"].points, axis=1))
        print(f"  {name:<9} {gap:.3g}")
    print(
        "  SGD and Momentum: the same recurrence (rounding only). AdaGrad: PyTorch adds 1e-10 "
        "where the book adds 1e-7. Adam: PyTorch adds 1e-8 to the bias-corrected root, the "
        "book 1e-7 to the raw one (see kobai.optim.textbook for the measured differences)."
    )


def race(out: Path, steps: int) -> list[Path]:
    from kobai.viz.descent import plot_race

    beale = get_function("beale")
    settings = {name: {"name": f"textbook-{name}"} for name in DOCUMENT}
    runs = descend(beale, settings, steps=steps)
    print(f"\nthe four on Beale's function from {beale.start}, {steps} steps (lr per family):")
    for tr in runs.values():
        print(f"  {tr.summary()}")
    return plot_race(beale, runs, out / "race_beale", formats=("png", "svg"))


def mnist(out: Path, epochs: int, n: int) -> list[Path]:
    from kobai.data import load_mnist_subset
    from kobai.models import MLP
    from kobai.viz import plot_learning_curves

    x, y = load_mnist_subset("train")
    xt, yt = load_mnist_subset("test")
    histories = {}
    print(f"\nMNIST, 784-100-10, {n} digits, {epochs} epochs, the document's learning rates:")
    for name, hyper in DOCUMENT.items():
        model = MLP(784, [100], 10, rng=0)
        opt = CLASSES[name](model.parameters(), **hyper)
        label = f"{name} ({', '.join(f'{k} {v}' for k, v in hyper.items())})"
        histories[label] = kb.fit(
            model,
            (x[:n], y[:n]),
            val=(xt[:1000], yt[:1000]),
            loss=nn.CrossEntropyLoss(),
            optimizer=opt,
            batch_size=64,
            epochs=epochs,
            rng=0,
            progress=False,
        )
        last = histories[label].last()
        print(
            f"  {label:<32} test loss {last['val_loss']:.4f}, accuracy {last['val_accuracy']:.3f}"
        )
    print("  (several seeds, RMSprop, saddles and plateaus: kobai study optimizers)")
    return plot_learning_curves(
        histories, out / "mnist", title="The four optimisers on MNIST", formats=("png", "svg")
    )


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    out = Path(args.out)
    by_hand()
    textbook_vs_pytorch(100 if args.quick else 300)
    files = race(out, 100 if args.quick else 300)
    files += mnist(out, 1 if args.quick else 5, 500 if args.quick else 4000)
    print("\nfigures:", ", ".join(str(f) for f in files))


if __name__ == "__main__":
    main()
