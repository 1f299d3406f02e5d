"""The scheduler base class and the argument checks shared by the schedulers."""

from __future__ import annotations

import copy
from typing import Any

from kobai.optim.optimizer import Optimizer
from kobai.validation import check_int


def check_optimizer(optimizer: Any) -> None:
    """TypeError unless ``optimizer`` is a kobai optimizer (textbook forms included)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")


def per_group(name: str, optimizer: Any, value: Any) -> list[Any]:
    """One value per parameter group: a list of that length, or one value for all."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} has {len(value)} values, but the optimizer has {n} groups")
        return list(value)
    return [value] * n


class LRScheduler:
    """Base class of the learning-rate schedulers (PyTorch's interface).

    A subclass gives the learning rate of group ``i`` at step ``epoch`` in ``_lr``; the base
    class keeps the step count and writes the rates into the optimizer's groups.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``group["lr"]`` values are set.
    last_epoch : int, default -1
        The index of the last step; -1 starts afresh (and records ``group["initial_lr"]``),
        a larger value resumes (then every group must already have ``"initial_lr"``).

    Attributes
    ----------
    base_lrs : list of float
        The initial learning rate of each group.
    last_epoch : int
        The step count: 0 after construction, +1 per ``step()``.
    interval : {"epoch", "step"}
        When a training loop should call ``step()`` ("step": after every optimizer update).
    """

    _unsaved: tuple[str, ...] = ("optimizer",)
    #: When a training loop should call ``step()``: after every epoch, or every update.
    interval = "epoch"

    def __init__(self, optimizer: Any, last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        last_epoch = check_int("last_epoch", last_epoch, low=-1)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        f"resuming a scheduler with last_epoch={last_epoch}"
                    )
        self.base_lrs: list[float] = [float(g["initial_lr"]) for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self.step()

    def _lr(self, i: int, base_lr: float, epoch: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} does not implement _lr")

    def get_lr(self) -> list[float]:
        """The learning rate of each group at step ``last_epoch``."""
        return [self._lr(i, base, self.last_epoch) for i, base in enumerate(self.base_lrs)]

    def step(self, epoch: int | None = None) -> None:
        """Advance one step (call after ``optimizer.step()``), or jump to step ``epoch``."""
        if epoch is None:
            self.last_epoch += 1
        else:
            self.last_epoch = check_int("epoch", epoch, low=0)
        self._apply(self.get_lr())

    def _apply(self, lrs: list[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last step, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything the scheduler holds except the optimizer (copies)."""
        return {k: copy.deepcopy(v) for k, v in vars(self).items() if k not in self._unsaved}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict`."""
        self.__dict__.update(copy.deepcopy(dict(state_dict)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self.get_last_lr()})"
