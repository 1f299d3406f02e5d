"""The options of the fit loop as data, and what the loop asks of a learning-rate scheduler."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kobai.train.callbacks import Callback
from kobai.validation import check_int

GRADIENTS = ("backprop", "numerical")
INTERVALS = ("epoch", "step")


class Scheduler(Protocol):
    """What :func:`kobai.train.fit` asks of a learning-rate scheduler.

    Only ``step`` is required. Two optional attributes tell the loop how to call it:

    - ``interval`` (default ``"epoch"``): ``"epoch"`` steps it after every epoch, ``"step"``
      after every optimizer update;
    - ``needs_metric`` (default False): when true, ``step(metric)`` receives the monitored
      value: the epoch's validation loss (its training loss without validation data), or the
      batch's training loss for a scheduler stepped after every update.

    Every ``LRScheduler`` of :mod:`kobai.optim` follows it (``ReduceLROnPlateau`` needs the
    metric; ``OneCycleLR`` steps every update). A run with a ``run_dir`` also saves and restores
    the scheduler through ``state_dict()`` and ``load_state_dict(state)``.
    """

    def step(self, *args: Any) -> Any:
        """Advance the schedule (by one epoch or one update; see ``interval``)."""


def scheduler_interval(scheduler: Any, override: str | None = None) -> str:
    """When to step ``scheduler``: ``override`` if given, else its ``interval`` ("epoch")."""
    interval = override if override is not None else getattr(scheduler, "interval", "epoch")
    if interval not in INTERVALS:
        name = "scheduler_interval" if override is not None else "scheduler.interval"
        raise ValueError(f"{name} must be 'epoch' or 'step', got {interval!r}")
    return str(interval)


def needs_metric(scheduler: Any) -> bool:
    """Whether ``scheduler.step`` takes the monitored metric (its ``needs_metric``, False)."""
    return bool(getattr(scheduler, "needs_metric", False))


def batch_size_of(batch_size: int | str | None, n: int) -> int | None:
    """Validate the batching mode: ``None``/``"full"`` (full batch), 1 (stochastic), N.

    Returns
    -------
    int or None
        None for a full batch, else ``min(batch_size, n)``.
    """
    if batch_size is None or batch_size == "full":
        return None
    return min(check_int("batch_size", batch_size, low=1), n)


@dataclass(frozen=True)
class FitOptions:
    """How :func:`kobai.train.fit` trains: its keyword options, checked once.

    Each field is the keyword argument of ``fit`` of the same name, with the same default;
    ``fit`` documents them in full.

    Attributes
    ----------
    batch_size : int, "full" or None, default 32
        None or "full": one update per epoch; 1: stochastic; N: mini-batches of N.
    epochs : int, default 10
        Total number of epochs (a resumed run continues up to it).
    callbacks : tuple of Callback, default ()
    rng : Generator, int or None, default None
        Shuffles the batches (an int is a seed).
    gradient : {"backprop", "numerical"}, default "backprop"
    task : {"classification", "regression"} or None, default None
        None: inferred from the targets' dtype.
    run_dir : str, Path or None, default None
        Folder of the checkpoint and history files.
    resume : bool, default False
    save_every_epoch : bool, default False
    scheduler_interval : {"epoch", "step"} or None, default None
        None: the scheduler's own ``interval`` (see :class:`Scheduler`).
    log_steps : bool, default False
    track_grad_norms : bool, default True
    train_metrics : bool, default True
    divergence_factor : float or None, default 1e4
    numerical_h : float, default 1e-4
        Step ``h`` of the central differences when ``gradient="numerical"``.
    progress : bool, str or None, default None
        None: a progress bar only when standard error is a terminal; a string labels it.
    """

    batch_size: int | str | None = 32
    epochs: int = 10
    callbacks: Iterable[Callback] = ()
    rng: np.random.Generator | int | None = None
    gradient: str = "backprop"
    task: str | None = None
    run_dir: str | Path | None = None
    resume: bool = False
    save_every_epoch: bool = False
    scheduler_interval: str | None = None
    log_steps: bool = False
    track_grad_norms: bool = True
    train_metrics: bool = True
    divergence_factor: float | None = 1e4
    numerical_h: float = 1e-4
    progress: bool | str | None = None

    def __post_init__(self) -> None:
        # A generator of callbacks would be used up by the first pass over it.
        object.__setattr__(self, "callbacks", tuple(self.callbacks))
        if self.gradient not in GRADIENTS:
            raise ValueError(
                f"gradient must be one of {', '.join(GRADIENTS)}, got {self.gradient!r}"
            )
        if self.scheduler_interval is not None:
            scheduler_interval(None, self.scheduler_interval)
        check_int("epochs", self.epochs, low=0)
        batch_size_of(self.batch_size, 1)


__all__ = ["FitOptions", "Scheduler", "batch_size_of", "needs_metric", "scheduler_interval"]
