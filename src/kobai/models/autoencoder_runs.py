"""The three uses of an autoencoder as runs: configuration, data, training and measurements.

``kobai autoencoder denoise | anomaly | reduce`` calls these and draws their figures; from
Python they return the trained models and the numbers. Every model trains through
:func:`kobai.train.fit` in its own run directory (checkpoints, history, resume).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kobai.models import anomaly as A
from kobai.models.autoencoder import Autoencoder, build_autoencoder, feature_shapes
from kobai.models.denoising import DenoisingResult, evaluate_denoising
from kobai.models.noise import parse_noise
from kobai.models.reconstruction import encode, reconstruct, reconstruction_error, train_autoencoder
from kobai.models.reduction import ReductionRow, compare_with_pca
from kobai.validation import (
    Integer,
    Maybe,
    OneOf,
    Real,
    Text,
    check_keys,
    check_memory,
    is_integer,
    shown,
    validate,
)

SEEDS = ("data", "model", "fit", "noise", "test_noise")
# Layer sizes, channel counts and run lengths beyond these are typos, not experiments.
MAX_WIDTH = 65_536
SPEC_CONSTRAINTS = {
    "use": OneOf(("reduce", "denoise", "anomaly")),
    "data": Text(),
    "target": Maybe(Text()),
    "train_size": Maybe(Integer(2)),
    "test_size": Maybe(Integer(2)),
    "model": OneOf(("dense", "conv")),
    "latent": Text(),
    "hidden": Text(empty=True),
    "channels": Text(),
    "activation": Text(),
    "loss": OneOf(("mse", "bce")),
    "optimizer": Text(),
    "lr": Real(0, low_open=True),
    "batch_size": Integer(1),
    "epochs": Integer(1, 100_000),
    "seed": Integer(0),
    "noise": Text(),
    "show": Integer(1, 1000),
    "normal": Text(),
    "pca_components": Integer(1),
    "percentile": Real(0, 100),
    "threshold": Maybe(Real()),
}


@dataclass
class ExperimentSpec:
    """What defines a run of ``kobai autoencoder``; ``config.json`` holds it."""

    use: str = "reduce"
    data: str = "mnist"
    target: str | None = None
    train_size: int | None = None
    test_size: int | None = None
    model: str = "dense"
    latent: str = "2,8,32"
    hidden: str = "256,64"
    channels: str = "16,32"
    activation: str = "relu"
    loss: str = "mse"
    optimizer: str = "adam"
    lr: float = 1e-3
    batch_size: int = 64
    epochs: int = 20
    seed: int = 0
    noise: str = "gaussian:0.5"
    show: int = 10
    normal: str = "0"
    pca_components: int = 8
    percentile: float = 95.0
    threshold: float | None = None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ExperimentSpec:
        """Build from a dict, refusing unknown keys, and validate."""
        known = sorted(f.name for f in dataclasses.fields(cls))
        spec = cls(**check_keys("an autoencoder configuration", config, known, noun="option"))
        spec.validate()
        return spec

    def validate(self) -> None:
        """Raise ValueError naming the first bad value."""
        validate(dataclasses.asdict(self), SPEC_CONSTRAINTS)
        self.latents()
        int_list(self.hidden, "hidden")
        int_list(self.channels, "channels")
        parse_noise(self.noise)
        if self.use == "anomaly":
            self.normal_classes()

    def latents(self) -> list[int]:
        """The latent sizes (one for denoise and anomaly, several for reduce)."""
        sizes = int_list(self.latent, "latent")
        if self.use != "reduce" and len(sizes) != 1:
            raise ValueError(f"{self.use} takes one latent size, got {self.latent!r}")
        return sizes

    def normal_classes(self) -> list[list[int]]:
        """The normal class sets to run: ``"each"`` gives every digit 0..9 in turn."""
        if self.normal.strip().lower() == "each":
            return [[d] for d in range(10)]
        return [int_list(self.normal, "normal", minimum=0)]

    def seeds(self) -> dict[str, np.random.Generator]:
        """Independent generators for data, model, shuffling, training noise, test noise."""
        children = np.random.SeedSequence(self.seed).spawn(len(SEEDS))
        return {n: np.random.default_rng(s) for n, s in zip(SEEDS, children, strict=True)}

    def describe(self) -> str:
        """One line: model, data and training."""
        sizes = self.hidden if self.model == "dense" else self.channels
        return (
            f"{self.model} autoencoder ({sizes}, latent {self.latent}) on {self.data}, "
            f"{self.loss} loss, {self.optimizer} lr {self.lr:g}, batch {self.batch_size}, "
            f"{self.epochs} epochs"
        )

    def build(self, n_features: int, latent: int, rng: Any, noise: Any = None) -> Autoencoder:
        """The autoencoder of this spec for samples of ``n_features`` values; refused, with the
        estimate, when a mini-batch's activations would not fit in memory."""
        if self.model == "conv":
            side = math.isqrt(n_features)
            shapes = feature_shapes((1, side, side), int_list(self.channels, "channels"), 3)
            # Each convolution keeps its output and its 3 x 3 unfolded input, forward and back.
            per_sample = sum(math.prod(s) for s in shapes) * 4 * (2 * 9 + 4)
            check_memory(
                f"a conv autoencoder with channels {self.channels} at batch {self.batch_size}",
                per_sample * self.batch_size,
                hint="use fewer channels or a smaller batch",
            )
        return build_autoencoder(
            self.model, n_features, latent, hidden=int_list(self.hidden, "hidden"),
            channels=int_list(self.channels, "channels"), activation=self.activation,
            noise=noise, rng=rng,
        )  # fmt: skip

    def train(self, model: Any, x: Any, run_dir: Path, **kw: Any) -> Any:
        """Train ``model`` on ``x`` with this spec's options (see ``train_autoencoder``)."""
        return train_autoencoder(
            model, x, loss=self.loss, optimizer=self.optimizer, lr=self.lr,
            batch_size=self.batch_size, epochs=self.epochs, run_dir=run_dir, **kw,
        )  # fmt: skip


@dataclass
class Data:
    """Train and test samples in ``[0, 1]`` with their labels (None without classes)."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray | None
    x_test: np.ndarray
    y_test: np.ndarray | None
    scaled: bool = False


def load_data(spec: ExperimentSpec, rng: np.random.Generator) -> Data:
    """The data of ``spec``, cut to its sizes; features outside ``[0, 1]`` are min-max scaled
    with the training set's range (the sigmoid output and the noise models assume it)."""
    from kobai.data import load_dataset

    d = load_dataset(spec.data, target=spec.target, rng=rng)
    x_train = d.x_train[: spec.train_size].astype(np.float32, copy=False)
    x_test = d.x_test[: spec.test_size].astype(np.float32, copy=False)
    labelled = d.task == "classification"
    y_train = d.y_train[: spec.train_size] if labelled else None
    y_test = d.y_test[: spec.test_size] if labelled else None
    scaled = bool(x_train.min() < 0 or x_train.max() > 1)
    if scaled:
        low, high = x_train.min(axis=0), x_train.max(axis=0)
        span = np.where(high > low, high - low, 1).astype(np.float32)
        x_train, x_test = (x_train - low) / span, (x_test - low) / span
    return Data(d.name, x_train, y_train, x_test, y_test, scaled)


@dataclass
class DenoiseOutcome:
    """What :func:`denoise` made: the model, its history, the held-out result and labels."""

    model: Autoencoder
    history: Any
    result: DenoisingResult
    labels: np.ndarray | None


def denoise(
    spec: ExperimentSpec, run_dir: Path, *, resume: bool = False, progress: bool | None = None
) -> tuple[Data, DenoiseOutcome]:
    """Train a denoising autoencoder (fresh noise every epoch, clean targets) and measure
    PSNR on the held-out samples, corrupted once by the same noise model."""
    rngs = spec.seeds()
    data = load_data(spec, rngs["data"])
    noise = parse_noise(spec.noise, rng=rngs["noise"])
    model = spec.build(_features(data), spec.latents()[0], rngs["model"], noise)
    noisy_test = noise.corrupt(data.x_test, rngs["test_noise"])
    history = spec.train(
        model, data.x_train, run_dir / "training", val=(noisy_test, data.x_test),
        rng=rngs["fit"], resume=resume, progress=progress,
    )  # fmt: skip
    result = evaluate_denoising(model, data.x_test, noisy_test)
    return data, DenoiseOutcome(model, history, result, data.y_test)


@dataclass
class AnomalyOutcome:
    """One normal class set: the autoencoder's and PCA's detection results."""

    normal: list[int]
    model: Autoencoder
    history: Any
    autoencoder: A.DetectionResult
    pca: A.DetectionResult
    test_scores: np.ndarray


def anomaly(
    spec: ExperimentSpec, run_dir: Path, *, resume: bool = False, progress: bool | None = None
) -> tuple[Data, list[AnomalyOutcome]]:
    """For each normal class set: train on its training samples only, score held-out samples
    by reconstruction error, threshold at a percentile of the training scores (or
    ``spec.threshold``), and evaluate; the same with PCA(``pca_components``)."""
    rngs = spec.seeds()
    data = load_data(spec, rngs["data"])
    if data.y_train is None or data.y_test is None:
        raise ValueError(f"anomaly detection needs class labels; {spec.data} has none")
    sets = spec.normal_classes()
    outcomes = []
    for i, normal in enumerate(sets, start=1):
        x_normal, x_test, is_anomaly = A.one_class_split(
            data.x_train, data.y_train, data.x_test, data.y_test, normal
        )
        where = run_dir / ("training" if len(sets) == 1 else f"normal_{'_'.join(map(str, normal))}")
        model = spec.build(_features(data), spec.latents()[0], rngs["model"])
        label = f"normal {','.join(map(str, normal))} ({i}/{len(sets)})"
        history = spec.train(
            model, x_normal, where, rng=rngs["fit"], resume=resume,
            progress=labelled(progress, label) if len(sets) > 1 else progress,
        )  # fmt: skip
        train_scores = reconstruction_error(model, x_normal)
        test_scores = reconstruction_error(model, x_test)
        pca = A.fit_pca(x_normal, spec.pca_components)
        pca_train = A.pca_reconstruction_error(pca, x_normal)
        pca_test = A.pca_reconstruction_error(pca, x_test)
        ae, baseline = (
            A.evaluate_detection(test[~is_anomaly], test[is_anomaly], _threshold(spec, train))
            for train, test in ((train_scores, test_scores), (pca_train, pca_test))
        )
        outcomes.append(AnomalyOutcome(normal, model, history, ae, baseline, test_scores))
    return data, outcomes


@dataclass
class ReduceOutcome:
    """What :func:`reduce` made: a row per latent size k, and each k's model and history."""

    rows: list[ReductionRow]
    models: dict[int, Autoencoder]
    histories: dict[int, Any]


def reduce(
    spec: ExperimentSpec, run_dir: Path, *, resume: bool = False, progress: bool | None = None
) -> tuple[Data, ReduceOutcome]:
    """Train one autoencoder per latent size k and compare its held-out reconstruction error
    with PCA's at the same k."""
    rngs = spec.seeds()
    data = load_data(spec, rngs["data"])
    models, histories = {}, {}
    latents = spec.latents()
    for i, k in enumerate(latents, start=1):
        models[k] = spec.build(_features(data), k, rngs["model"])
        histories[k] = spec.train(
            models[k], data.x_train, run_dir / f"k{k}", val=data.x_test, rng=rngs["fit"],
            resume=resume, progress=labelled(progress, f"latent k={k} ({i}/{len(latents)})"),
        )  # fmt: skip
    return data, ReduceOutcome(
        compare_with_pca(models, data.x_train, data.x_test), models, histories
    )


def labelled(progress: bool | None, label: str) -> bool | str:
    """A progress setting that labels the bar of one of several trainings (False stays off)."""
    return False if progress is False else label


def pca_codes(x_train: np.ndarray, x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """PCA(k) fitted on ``x_train``: the codes of ``x`` and their reconstructions."""
    pca = A.fit_pca(x_train, k)
    flat = x.reshape(len(x), -1)
    codes = pca.transform(flat)
    return codes, pca.inverse_transform(codes).reshape(x.shape)


def autoencoder_codes(model: Autoencoder, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The autoencoder's codes of ``x`` and its reconstructions."""
    return encode(model, x), reconstruct(model, x)


def int_list(text: Any, name: str, *, minimum: int = 1) -> list[int]:
    """``"256,64"`` -> ``[256, 64]``, with a one-line error naming a bad value."""
    if is_integer(text):
        text = str(text)
    rule = f"{name} must be comma-separated integers in [{minimum}, {MAX_WIDTH}], got {shown(text)}"
    if not isinstance(text, str):
        raise TypeError(rule)
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(rule) from None
    if not values or any(not minimum <= v <= MAX_WIDTH for v in values):
        raise ValueError(rule)
    return values


def _threshold(spec: ExperimentSpec, train_scores: np.ndarray) -> float:
    if spec.threshold is not None:
        return float(spec.threshold)
    return A.threshold_from_scores(train_scores, spec.percentile)


def _features(data: Data) -> int:
    return int(np.prod(data.x_train.shape[1:]))
