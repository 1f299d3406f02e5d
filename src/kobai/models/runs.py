"""A training run as data: its configuration, the objects built from it, its run directory."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kobai import nn
from kobai.data import Dataset, load_dataset
from kobai.models.mlp import MLP, parse_spec
from kobai.models.run_schedule import run_schedule_options
from kobai.train.checkpoint import CheckpointError, load_checkpoint
from kobai.train.config import RunConfig


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
    #: The schedule's arguments: the user's options and the defaults sized to the run.
    schedule_options: dict[str, Any] = field(default_factory=dict)

    def fit(
        self, run_dir: Path, *, resume: bool, callbacks: Any = (), progress: bool | None = None
    ) -> Any:
        """Train as the configuration says, checkpointing into ``run_dir``.

        Parameters
        ----------
        run_dir : Path
            Where ``fit`` writes the checkpoint and history.
        resume : bool
            Continue from the checkpoint in ``run_dir``.
        callbacks : sequence of Callback, default ()
            Run after the configuration's early stop and target loss.
        progress : bool, optional
            As :func:`kobai.train.fit`: None shows a bar when standard error is a terminal.

        Returns
        -------
        History
        """
        from kobai.train import EarlyStopping, StopAtTarget, fit

        config, data = self.config, self.data
        stops: list[Any] = []
        if config.early_stopping is not None:
            stops.append(EarlyStopping("val_loss", patience=config.early_stopping))
        if config.target_loss is not None:
            stops.append(StopAtTarget(config.target_loss, "train_loss"))
        return fit(
            self.model, (data.x_train, data.y_train), val=(data.x_test, data.y_test),
            loss=self.loss, optimizer=self.optimizer, scheduler=self.scheduler,
            batch_size=None if config.batch_size == "full" else config.batch_size,
            epochs=config.epochs, callbacks=[*stops, *callbacks], rng=self.fit_rng,
            gradient=config.gradient, task=data.task, run_dir=run_dir, resume=resume,
            save_every_epoch=config.save_every_epoch, progress=progress,
        )  # fmt: skip


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
    """Updates per epoch: :math:`\\lceil n / \\text{batch size} \\rceil` (1 for a full batch)."""
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
    optimizer = optim.create(config.optimizer, model.parameters(), **optimizer_options(config))
    options = schedule_options(config, optimizer)
    scheduler = build_schedule(config, optimizer, steps_per_epoch(config, len(data.x_train)))
    return Run(config, data, model, loss_for(data.task), optimizer, scheduler, fit_rng, options)


def optimizer_options(config: RunConfig) -> dict[str, Any]:
    """The optimizer's hyper-parameters: ``optimizer_options`` and ``lr``."""
    hyper = dict(config.optimizer_options)
    if config.lr is not None:
        hyper["lr"] = config.lr
    return hyper


def planned_lrs(config: RunConfig, steps: int, epochs: int) -> list[float] | None:
    """The learning rate of the first update of each of the first ``epochs`` epochs under
    ``config``'s optimizer and schedule (``steps`` updates per epoch); None for a schedule
    that follows the losses (``plateau``). A stand-in parameter replaces the model."""
    from kobai import optim
    from kobai.autograd import tensor

    if config.schedule and config.schedule.strip().lower() == "plateau":
        return None
    stand_in = tensor(np.zeros(1, dtype=config.dtype), requires_grad=True)
    optimizer = optim.create(config.optimizer, [stand_in], **optimizer_options(config))
    scheduler = build_schedule(config, optimizer, steps)
    per_epoch = steps if getattr(scheduler, "interval", "epoch") == "step" else 1
    lrs = []
    for _ in range(epochs):
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        for _ in range(per_epoch if scheduler is not None else 0):
            scheduler.step()
    return lrs


def schedule_options(config: RunConfig, optimizer: Any) -> dict[str, Any]:
    """The arguments of ``config``'s schedule over a fresh ``optimizer``: the user's options
    over defaults sized to the run (:func:`kobai.models.run_schedule.run_schedule_options`)."""
    if not config.schedule:
        return {}
    lr = float(optimizer.param_groups[0]["lr"])
    return run_schedule_options(
        config.schedule, config.schedule_options, epochs=config.epochs, lr=lr
    )


def build_schedule(config: RunConfig, optimizer: Any, steps: int) -> Any:
    """The scheduler of ``config`` over ``optimizer`` (``steps`` updates per epoch), or None."""
    from kobai import optim

    if not config.schedule:
        return None
    return optim.create_scheduler(
        config.schedule,
        optimizer,
        epochs=config.epochs,
        steps_per_epoch=steps,
        **schedule_options(config, optimizer),
    )


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
