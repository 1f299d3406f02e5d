"""Schedulers made of schedulers: one after another (SequentialLR) or all at once (Chained)."""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from kobai.optim._plateau import ReduceLROnPlateau
from kobai.optim._scheduler_base import LRScheduler
from kobai.validation import check_int


def _check_inner(kind: str, optimizer: Any, schedulers: Sequence[Any]) -> list[LRScheduler]:
    """The schedulers as a list: at least one, step-driven, all on ``optimizer``."""
    if len(schedulers) < 1:
        raise ValueError(f"{kind} expects at least one scheduler, got none")
    for i, s in enumerate(schedulers):
        if isinstance(s, ReduceLROnPlateau) or not isinstance(s, LRScheduler):
            raise TypeError(f"{kind} needs step-driven schedulers, got {type(s).__name__} at {i}")
        if s.optimizer is not optimizer:
            raise ValueError(f"scheduler {i} ({type(s).__name__}) has another optimizer")
    return list(schedulers)


def _undo_step(schedulers: Sequence[Any]) -> None:
    """Take one step back in every scheduler, nested ones included."""
    for s in schedulers:
        if hasattr(s, "_schedulers"):
            _undo_step(s._schedulers)
        else:
            s.last_epoch -= 1


class _Composite(LRScheduler):
    """What SequentialLR and ChainedScheduler share: inner schedulers saved with the state."""

    _schedulers: list[LRScheduler]

    def get_lr(self) -> list[float]:
        """The learning rates the last step set (the inner schedulers compute them)."""
        return self.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The state, with each inner scheduler's state under ``"_schedulers"``."""
        state = {
            k: copy.deepcopy(v)
            for k, v in vars(self).items()
            if k not in ("optimizer", "_schedulers")
        }
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a state from :meth:`state_dict`."""
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        self.__dict__.update(copy.deepcopy(state))
        for s, saved in zip(self._schedulers, inner, strict=True):
            s.load_state_dict(saved)


class SequentialLR(_Composite):
    """Run schedulers one after another, switching at the milestones (e.g. warm-up, then decay).

    At a milestone the next scheduler starts from its own step 0.

    Parameters
    ----------
    optimizer : Optimizer
    schedulers : list of LRScheduler
        Schedulers of ``optimizer`` (not ReduceLROnPlateau).
    milestones : list of int
        ``len(schedulers) - 1`` increasing step indices.
    last_epoch : int, default -1

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import SGD
    >>> from kobai.optim.lr_scheduler import ExponentialLR, LinearLR
    >>> opt = SGD([kb.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> warm = LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> sched = SequentialLR(opt, [warm, decay], milestones=[3])
    >>> lrs = []
    >>> for _ in range(6):
    ...     lrs.append(sched.get_last_lr()[0]); sched.step()
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Any,
        schedulers: Sequence[LRScheduler],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        inner = _check_inner("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR expects {len(schedulers) - 1} milestones for {len(schedulers)} "
                f"schedulers, got {len(milestones)}"
            )
        marks = [check_int("milestones", m, low=1) for m in milestones]
        if marks != sorted(set(marks)):
            raise ValueError(f"milestones must be increasing, got {list(milestones)}")
        self.optimizer = optimizer
        self._schedulers = inner
        self._milestones = marks
        self.base_lrs = list(schedulers[0].base_lrs)
        self.last_epoch = last_epoch + 1
        # As PyTorch: back to the initial rates, the constructors' steps undone, and only the
        # scheduler of step 0 makes its first step.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        _undo_step(self._schedulers)
        first = self._schedulers[bisect_right(marks, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self, epoch: int | None = None) -> None:
        """Advance one step (an explicit ``epoch`` is not supported here).

        At a milestone the next scheduler jumps to its step 0 (its closed form from the base
        rates, where it has one), as in PyTorch.
        """
        if epoch is not None:
            raise ValueError("SequentialLR.step() takes no epoch")
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step several schedulers of one optimizer together: their effects multiply.

    Each ``step()`` steps every scheduler in order; since schedulers scale the current rate,
    e.g. ``ExponentialLR`` and ``StepLR`` together decay by both factors (PyTorch's
    semantics).

    Parameters
    ----------
    schedulers : sequence of LRScheduler
        Step-driven schedulers, all of one optimizer.
    optimizer : Optimizer, optional
        That optimizer (default: the first scheduler's).

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import SGD
    >>> from kobai.optim.lr_scheduler import ConstantLR, ExponentialLR
    >>> opt = SGD([kb.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=2),
    ...                           ExponentialLR(opt, gamma=0.9)])
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(round(sched.get_last_lr()[0], 4)); sched.step()
    >>> lrs
    [0.5, 0.45, 0.81, 0.729]
    """

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Any = None) -> None:
        if optimizer is None and len(schedulers) > 0:
            optimizer = schedulers[0].optimizer
        self._schedulers = _check_inner("ChainedScheduler", optimizer, schedulers)
        self.optimizer = optimizer
        self.base_lrs = list(self._schedulers[0].base_lrs)
        self.last_epoch = 0
        self._last_lr = self._current()

    def step(self, epoch: int | None = None) -> None:
        """Step every scheduler once, in order (an explicit ``epoch`` is not supported)."""
        if epoch is not None:
            raise ValueError("ChainedScheduler.step() takes no epoch")
        self.last_epoch += 1
        for s in self._schedulers:
            s.step()
        self._last_lr = self._current()


def warmup_cosine(
    optimizer: Any,
    *,
    warmup_steps: int,
    total_steps: int,
    start_factor: float = 0.1,
    eta_min: float = 0.0,
) -> SequentialLR:
    """A linear warm-up from ``start_factor * lr`` to ``lr``, then cosine annealing to
    ``eta_min`` at ``total_steps``: ``SequentialLR([LinearLR, CosineAnnealingLR])``.

    Parameters
    ----------
    optimizer : Optimizer
    warmup_steps : int
        Steps of the warm-up (> 0).
    total_steps : int
        Steps of the whole schedule (> warmup_steps).
    start_factor : float, default 0.1
        First learning rate as a fraction of the base rate.
    eta_min : float, default 0
        Final learning rate.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import SGD
    >>> opt = SGD([kb.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = warmup_cosine(opt, warmup_steps=2, total_steps=4, start_factor=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(round(sched.get_last_lr()[0], 3)); sched.step()
    >>> lrs
    [0.5, 0.75, 1.0, 0.5, 0.0]
    """
    from kobai.optim.lr_scheduler import CosineAnnealingLR, LinearLR

    warmup = check_int("warmup_steps", warmup_steps, low=1)
    total = check_int("total_steps", total_steps, low=1)
    if total <= warmup:
        raise ValueError(f"total_steps must be > warmup_steps={warmup}, got {total}")
    ramp = LinearLR(optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup)
    decay = CosineAnnealingLR(optimizer, T_max=total - warmup, eta_min=eta_min)
    return SequentialLR(optimizer, [ramp, decay], milestones=[warmup])
