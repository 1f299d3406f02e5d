"""Source document 003: a curriculum of how a network learns.

1. Batch, stochastic and mini-batch gradient descent, with the document's table measured.
2. Backpropagation: forward pass, loss (MSE for regression, cross-entropy for classes),
   backward pass by the chain rule, update.
3. Vanishing gradients: the sigmoid's derivative is at most 0.25; ReLU with He weights and
   batch normalisation keep deep gradients alive.
4. Local optima: momentum, Adam, random restarts.
5. Activations and their properties: sigmoid, tanh, ReLU, Leaky ReLU, PReLU, softmax.
6. Autoencoders: reconstruction, denoising, anomaly detection, dimension reduction vs PCA.

Run: python examples/003_backprop_activations_autoencoder.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import kobai as kb
from kobai import nn, optim
from kobai.data import load_mnist_subset, make_xor
from kobai.models import MLP
from kobai.studies.gradients import gradient_ratio, layer_gradient_norms, max_derivative


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="less data, fewer epochs")
    parser.add_argument("--out", default="example-output/003", help="folder for the figures")
    return parser.parse_args(argv)


def batch_modes(x: np.ndarray, y: np.ndarray) -> None:
    print(f"1. one epoch of plain SGD (lr 0.05) on {len(x)} digits, 784-64-10, same start:")
    print(f"   {'mode':<16}{'updates':>8}{'s/epoch':>9}{'ms/update':>10}{'loss':>8}")
    for label, size in (
        ("batch (all)", None),
        ("stochastic (1)", 1),
        ("mini-batch 32", 32),
        ("mini-batch 64", 64),
        ("mini-batch 128", 128),
    ):
        model = MLP(784, [64], 10, rng=0)
        start = time.perf_counter()
        history = kb.fit(
            model,
            (x, y),
            loss=nn.CrossEntropyLoss(),
            batch_size=size,
            epochs=1,
            optimizer=optim.SGD(model.parameters(), lr=0.05),
            rng=0,
            progress=False,
            log_steps=True,
        )
        seconds = time.perf_counter() - start
        updates = len(history.steps)
        loss = kb.evaluate(model, (x, y), nn.CrossEntropyLoss())["loss"]
        print(
            f"   {label:<16}{updates:>8}{seconds:>9.3f}{1e3 * seconds / updates:>10.3f}{loss:>8.3f}"
        )
    print("   (the full study, with noise and memory: kobai study batch-modes)")


def backprop() -> None:
    rng = np.random.default_rng(0)
    model = MLP(3, [4], 2, activation="tanh", rng=0)
    x = rng.standard_normal((5, 3)).astype(np.float32)
    print("\n2. backpropagation on a 3-4-2 network, one update of SGD (lr 0.1):")
    for task, loss, target in (
        ("regression", nn.MSELoss(), rng.standard_normal((5, 2))),
        ("classification", nn.CrossEntropyLoss(), np.array([0, 1, 1, 0, 1])),
    ):
        opt = optim.SGD(model.parameters(), lr=0.1)
        output = model(kb.Tensor(x))  # forward pass
        value = loss(output, target.astype(np.float32) if task == "regression" else target)
        opt.zero_grad()
        value.backward()  # backward pass: the chain rule, layer by layer from the output
        shapes = {n: p.grad.shape for n, p in model.named_parameters()}
        opt.step()  # update: theta <- theta - lr dL/dtheta
        after = loss(
            model(kb.Tensor(x)), target.astype(np.float32) if task == "regression" else target
        ).item()
        print(
            f"   {task:<14} {type(loss).__name__:<17} loss {value.item():.4f} -> {after:.4f}; "
            f"gradients {shapes}"
        )


def vanishing(x: np.ndarray, y: np.ndarray) -> None:
    print(
        f"\n3. max sigmoid'(x) = {max_derivative('sigmoid')[0]}, max tanh'(x) = "
        f"{max_derivative('tanh')[0]}; 0.25^10 = {0.25**10:.3g}"
    )
    print("   first / last layer gradient norm of 10 hidden layers of 100 units, at the start:")
    for activation, init, batchnorm in (
        ("sigmoid", "std:0.01", False),
        ("sigmoid", "xavier", False),
        ("sigmoid", "xavier", True),
        ("relu", "he", False),
    ):
        model = MLP(
            784, [100] * 10, 10, activation=activation, init=init, batchnorm=batchnorm, rng=0
        )
        ratio = gradient_ratio(layer_gradient_norms(model, x[:256], y[:256], nn.CrossEntropyLoss()))
        bn = " + batch norm" if batchnorm else ""
        print(f"   {activation:>7}, {init:<8}{bn:<13} {ratio:.3g}")
    print("   (all combinations, histograms, first epoch: kobai study vanishing-gradients)")


def local_optima(steps: int, restarts: int) -> None:
    x, y = make_xor(200, rng=1)
    print(
        f"\n4. XOR with a 2-2-2 tanh network, {restarts} random starts, {steps} full-batch steps:"
    )
    for name, hyper in (
        ("sgd", {"lr": 0.5}),
        ("momentum", {"lr": 0.5, "momentum": 0.9}),
        ("adam", {"lr": 0.05}),
    ):
        finals = []
        for seed in range(restarts):
            model = MLP(2, [2], 2, activation="tanh", rng=seed)
            kb.fit(
                model,
                (x, y),
                loss=nn.CrossEntropyLoss(),
                batch_size=None,
                epochs=steps,
                optimizer=optim.create(name, model.parameters(), **hyper),
                rng=0,
                progress=False,
            )
            finals.append(kb.evaluate(model, (x, y), nn.CrossEntropyLoss())["loss"])
        print(
            f"   {name:<9} final losses {np.round(finals, 3).tolist()}: best of "
            f"{restarts} = {min(finals):.3f}"
        )
    print("   different starts end in different minima; more: kobai study local-minima")


def activations(out: Path) -> list[Path]:
    from kobai.viz.activations import activation_curve, plot_activations

    x = np.linspace(-10, 10, 20001)
    print("\n5. activations on [-10, 10]:")
    print(f"   {'name':<11}{'min':>8}{'max':>8}{'f(0)':>7}{'max fprime':>11}{'fprime(-2)':>11}")
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "prelu"):
        f, df = activation_curve(name, x)
        print(
            f"   {name:<11}{f.min():>8.3f}{f.max():>8.3f}{f[10000]:>7.2f}{df.max():>11.3f}"
            f"{df[8000]:>11.3f}"
        )
    logits = kb.tensor([[2.0, 1.0, 0.1]])
    probabilities = nn.Softmax(dim=1)(logits).data[0].astype(np.float64)
    print(
        f"   softmax([2, 1, 0.1]) = {np.round(probabilities, 4).tolist()}, sum "
        f"{probabilities.sum():.6f}: probabilities, used with cross-entropy"
    )
    print(
        "   sigmoid is not zero-centred (f(0) = 0.5); ReLU's derivative is 0 for x < 0 (dead "
        "neurons); Leaky ReLU keeps 0.01; PReLU learns that slope (starts at 0.25)"
    )
    return plot_activations(
        out / "activations", names=["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax"]
    )


def autoencoder(
    x: np.ndarray, y: np.ndarray, xt: np.ndarray, yt: np.ndarray, epochs: int, out: Path
) -> list[Path]:
    from kobai.models import DenseAutoencoder, GaussianNoise, evaluate_denoising
    from kobai.models.reconstruction import reconstruct, reconstruction_error, train_autoencoder
    from kobai.viz.autoencoder import plot_image_rows

    print(f"\n6. dense autoencoder 784-128-16-128-784 on {len(x)} digits, {epochs} epochs:")
    model = DenseAutoencoder(784, [128], 16, rng=0)
    train_autoencoder(model, x, epochs=epochs, rng=0, progress=False)
    error = reconstruction_error(model, xt)
    print(f"   reconstruction: mean squared error {error.mean():.4f} on held-out digits")
    noisy_model = DenseAutoencoder(784, [128], 16, noise=GaussianNoise(0.3, rng=1), rng=0)
    train_autoencoder(noisy_model, x, epochs=epochs, rng=0, progress=False)
    noisy = GaussianNoise(0.3).corrupt(xt, rng=2)
    result = evaluate_denoising(noisy_model, xt, noisy)
    print(
        f"   denoising: PSNR {result.psnr_noisy:.1f} dB (noisy) -> {result.psnr_denoised:.1f} "
        f"dB (denoised)"
    )
    normal = y < 5
    detector = DenseAutoencoder(784, [128], 16, rng=0)
    train_autoencoder(detector, x[normal], epochs=epochs, rng=0, progress=False)
    scores = reconstruction_error(detector, xt)
    print(
        f"   anomaly detection (trained on digits 0-4 only): mean error {scores[yt < 5].mean():.4f}"
        f" on digits 0-4, {scores[yt >= 5].mean():.4f} on digits 5-9"
    )
    try:
        from kobai.models.anomaly import fit_pca, pca_reconstruction_error

        pca = pca_reconstruction_error(fit_pca(x, 16), xt).mean()
        print(f"   dimension reduction to 16: autoencoder error {error.mean():.4f}, PCA {pca:.4f}")
    except ImportError:
        print("   (the comparison with PCA needs scikit-learn: pip install scikit-learn)")
    rows = {
        "clean": xt[:8],
        "reconstructed": reconstruct(model, xt[:8]),
        "noisy": noisy[:8],
        "denoised": result.denoised[:8],
    }
    return plot_image_rows(
        rows,
        out / "autoencoder",
        title="Dense autoencoder, 16 latent units",
        formats=("png", "svg"),
    )


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    out = Path(args.out)
    x, y = load_mnist_subset("train")
    xt, yt = load_mnist_subset("test")
    n = 400 if args.quick else 4000
    batch_modes(x[:n], y[:n])
    backprop()
    vanishing(x, y)
    local_optima(150 if args.quick else 600, 3 if args.quick else 8)
    files = activations(out)
    files += autoencoder(x[:n], y[:n], xt[:500], yt[:500], 1 if args.quick else 10, out)
    print("\nfigures:", ", ".join(str(f) for f in files))


if __name__ == "__main__":
    main()
