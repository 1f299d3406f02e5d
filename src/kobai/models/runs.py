"""A training run as data: its configuration, the objects built from it, its run directory."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kobai import nn
from kobai.data import Dataset, load_dataset
from kobai.data.synthetic import MAX_SAMPLES
from kobai.models.mlp import MLP, parse_spec
from kobai.train.checkpoint import CheckpointError, load_checkpoint
from kobai.validation import AnyOf, Boolean, Integer, Maybe, OneOf, Real, Table, Text, validate

GRADIENTS = ("backprop", "numerical")
DTYPES = ("float32", "float64")
# What a configuration file may hold, key by key (a TOML or JSON value of the wrong type is
# refused here with the key's name, before anything is built).
CONSTRAINTS = {
    "data": Text(),
    "target": Maybe(Text()),
    "samples": Integer(1, MAX_SAMPLES),
    "model": Text(),
    "activation": Text(),
    "init": Text(),
    "batchnorm": Boolean(),
    "dropout": Real(0, 1, high_open=True),
    "optimizer": Text(),
    "lr": Maybe(Real(0, low_open=True)),
    "optimizer_options": Table(),
    "schedule": Maybe(Text()),
    "schedule_options": Table(),
    "batch_size": AnyOf((Integer(1), OneOf(("full",)))),
    "epochs": Integer(1, 1_000_000),
    "seed": Integer(0),
    "gradient": OneOf(GRADIENTS),
    "dtype": OneOf(DTYPES),
    "early_stopping": Maybe(Integer(0)),
    "target_loss": Maybe(Real()),
    "save_every_epoch": Boolean(),
}


@dataclass
class RunConfig:
    """Everything that defines a run; ``config.json`` in the run directory holds it."""

    data: str = "mnist"
    target: str | None = None
    samples: int = 1000
    model: str = "mlp:512,256"
    activation: str = "relu"
    init: str = "default"
    batchnorm: bool = False
    dropout: float = 0.2
    optimizer: str = "adam"
    lr: float | None = None
    optimizer_options: dict[str, Any] = field(default_factory=dict)
    schedule: str | None = "cosine"
    schedule_options: dict[str, Any] = field(default_factory=dict)
    batch_size: int | str = 64
    epochs: int = 15
    seed: int = 0
    gradient: str = "backprop"
    dtype: str = "float32"
    early_stopping: int | None = None
    target_loss: float | None = None
    save_every_epoch: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.schedule, str) and self.schedule.strip().lower() in ("", "none"):
            self.schedule = None
        self.validate()

    def validate(self) -> None:
        """Raise TypeError/ValueError naming the first bad value and what was received."""
        validate(dataclasses.asdict(self), CONSTRAINTS)
        parse_spec(self.model)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunConfig:
        """Build from a dict (``config.json`` or a TOML file), refusing unknown keys."""
        Table().check("a run configuration", values)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"unknown configuration key(s) {', '.join(unknown)}; valid keys: "
                f"{', '.join(sorted(known))}"
            )
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def seeds(self) -> tuple[np.random.Generator, ...]:
        """Independent generators for the data, the model and the fit loop, from ``seed``."""
        return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(self.seed).spawn(3))


@dataclass
class Run:
    """The objects of a run, built from its configuration."""

    config: RunConfig
    data: Dataset
    model: MLP
    loss: Any
    optimizer: Any
    scheduler: Any
    fit_rng: np.random.Generator


def build_model(config: RunConfig, data: Dataset, rng: np.random.Generator) -> MLP:
    """The MLP of ``config`` sized for ``data``."""
    return MLP(
        data.n_features,
        parse_spec(config.model),
        data.n_outputs,
        activation=config.activation,
        init=config.init,
        batchnorm=config.batchnorm,
        dropout=config.dropout,
        rng=rng,
        dtype=np.dtype(config.dtype),
    )


def loss_for(task: str) -> Any:
    """Cross-entropy on logits for classification, mean squared error for regression."""
    return nn.CrossEntropyLoss() if task == "classification" else nn.MSELoss()


def steps_per_epoch(config: RunConfig, n_samples: int) -> int:
    if config.batch_size == "full":
        return 1
    return math.ceil(n_samples / int(config.batch_size))


def build(config: RunConfig) -> Run:
    """Load the data and build the model, loss, optimizer and schedule of ``config``."""
    from kobai import optim

    data_rng, model_rng, fit_rng = config.seeds()
    data = load_dataset(config.data, target=config.target, samples=config.samples, rng=data_rng)
    dtype = np.dtype(config.dtype)
    data.x_train, data.x_test = data.x_train.astype(dtype), data.x_test.astype(dtype)
    if data.task == "regression":
        data.y_train, data.y_test = data.y_train.astype(dtype), data.y_test.astype(dtype)
    model = build_model(config, data, model_rng)
    hyper = dict(config.optimizer_options)
    if config.lr is not None:
        hyper["lr"] = config.lr
    optimizer = optim.create(config.optimizer, model.parameters(), **hyper)
    scheduler = None
    if config.schedule:
        scheduler = optim.create_scheduler(
            config.schedule,
            optimizer,
            epochs=config.epochs,
            steps_per_epoch=steps_per_epoch(config, len(data.x_train)),
            **config.schedule_options,
        )
    return Run(config, data, model, loss_for(data.task), optimizer, scheduler, fit_rng)


def load_run(run_dir: str | Path) -> Run:
    """Rebuild a saved run and load its last checkpoint's parameters into the model.

    Raises
    ------
    FileNotFoundError
        The folder, its ``config.json`` or its ``checkpoint.npz`` is missing.
    CheckpointError
        The checkpoint is corrupt, or was saved from a different architecture.
    """
    folder = Path(run_dir)
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise FileNotFoundError(f"{folder} is not a run directory (no config.json)")
    try:
        config = RunConfig.from_dict(json.loads(config_file.read_text()))
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{config_file} is not valid JSON: {exc}") from None
    run = build(config)
    load_into(run, folder)
    return run


def load_into(run: Run, folder: Path, *, optimizer: bool = False) -> None:
    """Load the last checkpoint of ``folder`` into ``run``'s model (and optimizer), or raise
    CheckpointError saying why it does not fit. A resume calls this before it writes anything,
    so a checkpoint that cannot be resumed leaves the run directory as it was."""
    state = load_checkpoint(folder / "checkpoint.npz")
    try:
        run.model.load_state_dict(state["model"])
        if optimizer:
            run.optimizer.load_state_dict(state["optimizer"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(
            f"the checkpoint in {folder} does not fit the model of its config.json: {exc}"
        ) from None
