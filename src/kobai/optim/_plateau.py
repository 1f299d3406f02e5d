"""ReduceLROnPlateau: the one scheduler driven by a metric instead of the step count."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, SupportsFloat

from kobai.optim._scheduler_base import (
    LRScheduler,
    check_optimizer,
    per_group,
)
from kobai.validation import check_int, check_real


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric has stopped improving.

    After each epoch call ``step(metric)``. A metric counts as better than the best so far
    when it beats it by the threshold (``best * (1 - threshold)`` in "min"/"rel" mode,
    ``best - threshold`` in "abs" mode, mirrored for "max"). After more than ``patience``
    epochs without improvement the rate is reduced (never below ``min_lr``; reductions smaller
    than ``eps`` are skipped) and ``cooldown`` epochs pass before counting again. Same
    semantics as PyTorch.

    Parameters
    ----------
    optimizer : Optimizer
    mode : {"min", "max"}, default "min"
        Whether the metric should go down (a loss) or up (an accuracy).
    factor : float, default 0.1
        In (0, 1).
    patience : int, default 10
    threshold : float, default 1e-4
    threshold_mode : {"rel", "abs"}, default "rel"
    cooldown : int, default 0
    min_lr : float or list of float, default 0
    eps : float, default 1e-8

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import SGD
    >>> opt = SGD([kb.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 2.0]:
    ...     sched.step(loss)
    >>> sched.get_last_lr()
    [0.5]
    """

    needs_metric = True

    def __init__(
        self,
        optimizer: Any,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        self.factor = check_real("factor", factor, low=0.0, low_open=True)
        if not self.factor < 1.0:
            raise ValueError(f"factor must be < 1.0, got {factor}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.mode, self.threshold_mode = mode, threshold_mode
        self.threshold = check_real("threshold", threshold, low=0.0)
        self.patience = check_int("patience", patience, low=0)
        self.cooldown = check_int("cooldown", cooldown, low=0)
        self.eps = check_real("eps", eps, low=0.0)
        self.min_lrs = [
            check_real("min_lr", m, low=0.0) for m in per_group("min_lr", optimizer, min_lr)
        ]
        self.base_lrs = [float(g["lr"]) for g in optimizer.param_groups]
        self.last_epoch = 0
        self._last_lr = list(self.base_lrs)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def _is_better(self, current: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return current < self.best * (1.0 - self.threshold)
        if self.mode == "min":
            return current < self.best - self.threshold
        if self.threshold_mode == "rel":
            return current > self.best * (self.threshold + 1.0)
        return current > self.best + self.threshold

    def step(self, metrics: SupportsFloat | None = None) -> None:
        """Record this epoch's metric and reduce the learning rate if it has plateaued."""
        if metrics is None:
            raise TypeError("ReduceLROnPlateau.step() needs the metric, e.g. step(val_loss)")
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [float(g["lr"]) for g in self.optimizer.param_groups]

    def _reduce_lr(self) -> None:
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new

    def get_lr(self) -> list[float]:
        """The current learning rates (the metric, not the step, decides the next ones)."""
        return [float(g["lr"]) for g in self.optimizer.param_groups]
