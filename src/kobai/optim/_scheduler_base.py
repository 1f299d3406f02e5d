"""The scheduler base class and the argument checks shared by the schedulers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar

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


def check_callables(name: str, optimizer: Any, value: Any) -> list[Any]:
    """One callable per parameter group (a list of them, or one for all)."""
    functions = per_group(name, optimizer, value)
    for fn in functions:
        if not callable(fn):
            raise TypeError(f"{name} must be callable, got {type(fn).__name__}")
    return functions


def trace_lr(
    scheduler: Callable[..., Any], steps: int, *, lr: float = 1.0, **kwargs: Any
) -> list[float]:
    """The learning rates a schedule gives over ``steps`` steps, starting from ``lr``.

    Parameters
    ----------
    scheduler : callable
        A scheduler class (or any function of an optimizer that makes one), called as
        ``scheduler(optimizer, **kwargs)`` on an SGD optimizer of one parameter.
    steps : int
        How many rates to record: the rate before the first ``step()`` and after each of the
        next ``steps - 1``.
    lr : float, default 1.0
        The optimizer's learning rate (so that the rates read as factors).
    **kwargs
        The scheduler's arguments.

    Returns
    -------
    list of float
        One rate per step.

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import StepLR, trace_lr
    >>> trace_lr(StepLR, 5, step_size=2, gamma=0.5)
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    from kobai.autograd.tensor import tensor
    from kobai.optim.sgd import SGD

    steps = check_int("steps", steps, low=0)
    sched = scheduler(SGD([tensor([0.0], requires_grad=True)], lr=lr), **kwargs)
    rates = []
    for _ in range(steps):
        rates.append(sched.get_last_lr()[0])
        sched.step()
    return rates


class LRScheduler:
    """Base class of the learning-rate schedulers (PyTorch's interface and semantics).

    Schedulers are chainable, as in PyTorch: each ``step()`` computes the new rates from the
    groups' *current* ``group["lr"]`` (a subclass's :meth:`get_lr`), so two schedulers on one
    optimizer multiply their effects, a warm-up can run before a decay, and a rate changed by
    hand carries on from where it was set. ``step(epoch)`` jumps to step ``epoch`` and, where
    the schedule has one, evaluates its closed form from the base rates instead
    (``_get_closed_form_lr``, as PyTorch does).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``group["lr"]`` values are set.
    last_epoch : int, default -1
        The index of the last step; -1 starts afresh (and records ``group["initial_lr"]``),
        a larger value resumes (then every group must already have ``"initial_lr"``, and the
        groups' current rates, e.g. from ``optimizer.load_state_dict``, are continued).

    Attributes
    ----------
    base_lrs : list of float
        The initial learning rate of each group.
    last_epoch : int
        The step count: 0 after construction, +1 per ``step()``.
    interval : {"epoch", "step"}
        When a training loop should call ``step()``: after every epoch, or after every
        optimizer update ("step": OneCycleLR and CyclicLR).
    needs_metric : bool
        True when ``step`` takes the monitored metric (ReduceLROnPlateau).
    """

    _unsaved: tuple[str, ...] = ("optimizer",)
    #: When a training loop should call ``step()``: after every epoch, or every update.
    interval: ClassVar[str] = "epoch"
    #: Whether ``step()`` needs the monitored metric, as ``step(val_loss)``.
    needs_metric: ClassVar[bool] = False
    _is_initial = False

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
        self._initial_step()

    def _initial_step(self) -> None:
        """The step made by the constructor (to step 0, or to ``last_epoch + 1`` on resume):
        schedules that only scale the current rate leave it as it is here."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rate of each group at step ``last_epoch``, computed from the current
        rates (``group["lr"]``), as PyTorch's chainable form."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr")

    def _current(self) -> list[float]:
        return [g["lr"] for g in self.optimizer.param_groups]

    def _scaled(self, factor: float) -> list[float]:
        return [g["lr"] * factor for g in self.optimizer.param_groups]

    def step(self, epoch: int | None = None) -> None:
        """Advance one step (call after ``optimizer.step()``), or jump to step ``epoch``."""
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = check_int("epoch", epoch, low=0)
            closed = getattr(self, "_get_closed_form_lr", None)
            values = closed() if closed is not None else self.get_lr()
        self._apply(values)

    def _apply(self, lrs: list[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = lr
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

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
