"""Schedulers that multiply the rate by a factor: by a function of the step, or at steps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kobai.optim import _schedules as S
from kobai.optim._scheduler_base import LRScheduler, check_callables
from kobai.validation import check_int, check_real

Lambda = Callable[[int], float]


class _Lambdas(LRScheduler):
    """A scheduler driven by functions of the step, one per group; they are not saved."""

    _unsaved = ("optimizer", "lr_lambdas")

    def __init__(
        self, optimizer: Any, lr_lambda: Lambda | Sequence[Lambda], last_epoch: int = -1
    ) -> None:
        self.lr_lambdas = check_callables("lr_lambda", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)


class LambdaLR(_Lambdas):
    r"""Learning rate = base rate times ``lr_lambda(step)``: :math:`\eta_t = \eta_0 f(t)`.

    The one scheduler that does not chain: it always starts from the base rate.
    ``state_dict`` holds everything but the functions (as in PyTorch, they cannot be saved);
    a loaded scheduler keeps the functions it was built with.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are set.
    lr_lambda : callable or list of callables
        ``f(step) -> factor``; one per parameter group, or one for all.
    last_epoch : int, default -1
        The index of the last step (-1 to start afresh).

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import LambdaLR, trace_lr
    >>> trace_lr(LambdaLR, 3, lr_lambda=lambda t: 1 / (1 + t))[-1]
    0.3333333333333333
    """

    def get_lr(self) -> list[float]:
        """``base_lr * lr_lambda(last_epoch)`` for each group."""
        return [
            base * fn(self.last_epoch)
            for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]


class MultiplicativeLR(_Lambdas):
    r"""Multiply the current rate by ``lr_lambda(step)`` at every step:
    :math:`\eta_t = \eta_{t-1} f(t)`.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : callable or list of callables
        ``f(step) -> factor``; one per parameter group, or one for all. Not saved by
        ``state_dict`` (as in PyTorch).
    last_epoch : int, default -1

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import MultiplicativeLR, trace_lr
    >>> trace_lr(MultiplicativeLR, 3, lr_lambda=lambda t: 0.5)[-1]
    0.25
    """

    def get_lr(self) -> list[float]:
        """The current rates times ``lr_lambda(last_epoch)`` (unchanged by the first step)."""
        if self._is_initial:
            return self._current()
        groups = self.optimizer.param_groups
        return [
            g["lr"] * fn(self.last_epoch) for fn, g in zip(self.lr_lambdas, groups, strict=True)
        ]


class StepLR(LRScheduler):
    r"""Decay the learning rate by ``gamma`` every ``step_size`` steps: :math:`\eta_0
    \gamma^{\lfloor t/s \rfloor}` when alone.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Steps between decays (> 0).
    gamma : float, default 0.1
        Factor of each decay (> 0).
    last_epoch : int, default -1

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import StepLR, trace_lr
    >>> trace_lr(StepLR, 5, step_size=2, gamma=0.5)
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Any, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = check_int("step_size", step_size, low=1)
        self.gamma = check_real("gamma", gamma, low=0.0, low_open=True)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates, times ``gamma`` at every multiple of ``step_size``."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return self._scaled(self.gamma)

    def _get_closed_form_lr(self) -> list[float]:
        return [
            S.step_lr(b, self.last_epoch, step_size=self.step_size, gamma=self.gamma)
            for b in self.base_lrs
        ]


class MultiStepLR(LRScheduler):
    r"""Decay the learning rate by ``gamma`` at each milestone step.

    Parameters
    ----------
    optimizer : Optimizer
    milestones : sequence of int
        Step indices >= 0, in any order; a milestone given twice decays twice (PyTorch counts
        them).
    gamma : float, default 0.1
    last_epoch : int, default -1

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import MultiStepLR, trace_lr
    >>> trace_lr(MultiStepLR, 4, milestones=[3, 1], gamma=0.5)
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Any, milestones: Sequence[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        marks = sorted(check_int("milestones", m, low=0) for m in milestones)
        # {step: how many times it was given}: a plain dict, so that it saves as JSON.
        self.milestones = {m: marks.count(m) for m in marks}
        self.gamma = check_real("gamma", gamma, low=0.0, low_open=True)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates, times ``gamma ** count`` at a milestone."""
        count = self.milestones.get(self.last_epoch, 0)
        if count == 0:
            return self._current()
        return self._scaled(self.gamma**count)

    def _get_closed_form_lr(self) -> list[float]:
        marks = [m for m, count in self.milestones.items() for _ in range(count)]
        return [
            S.multistep_lr(b, self.last_epoch, milestones=marks, gamma=self.gamma)
            for b in self.base_lrs
        ]


class ConstantLR(LRScheduler):
    r"""Scale the rate by ``factor`` for the first ``total_iters`` steps, then restore it.

    Parameters
    ----------
    optimizer : Optimizer
    factor : float, default 1/3
        In (0, 1].
    total_iters : int, default 5
        Steps at the reduced rate (>= 1).
    last_epoch : int, default -1

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import ConstantLR, trace_lr
    >>> trace_lr(ConstantLR, 4, factor=0.5, total_iters=2)
    [0.5, 0.5, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Any,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        self.factor = check_real("factor", factor, low=0.0, high=1.0, low_open=True)
        self.total_iters = check_int("total_iters", total_iters, low=1)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """``factor`` times the rate at step 0, divided back out at ``total_iters``."""
        if self.last_epoch == 0:
            return self._scaled(self.factor)
        if self.last_epoch != self.total_iters:
            return self._current()
        return self._scaled(1.0 / self.factor)

    def _get_closed_form_lr(self) -> list[float]:
        done = self.last_epoch >= self.total_iters
        return [b * (self.factor + done * (1 - self.factor)) for b in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every step: :math:`\eta_0 \gamma^t` when alone.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        Factor per step (> 0).
    last_epoch : int, default -1

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import ExponentialLR, trace_lr
    >>> trace_lr(ExponentialLR, 3, gamma=0.5)[-1]
    0.25
    """

    def __init__(self, optimizer: Any, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = check_real("gamma", gamma, low=0.0, low_open=True)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates times ``gamma`` (unchanged by the constructor's step)."""
        if self._is_initial:
            return self._current()
        return self._scaled(self.gamma)

    def _get_closed_form_lr(self) -> list[float]:
        return [S.exponential_lr(b, self.last_epoch, gamma=self.gamma) for b in self.base_lrs]
