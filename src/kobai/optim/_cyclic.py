"""CyclicLR: the rate (and momentum) bounce between two bounds, stepped after every batch."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from kobai.optim._one_cycle import momentum_key, set_momentum
from kobai.optim._scheduler_base import (
    LRScheduler,
    check_optimizer,
    per_group,
)
from kobai.validation import check_int, check_real

MODES = ("triangular", "triangular2", "exp_range")


class CyclicLR(LRScheduler):
    r"""Cyclical learning rates: up from ``base_lr`` to ``max_lr`` and back, every cycle.

    .. math::
        c = \lfloor 1 + t / (s_{up} + s_{down}) \rfloor, \quad
        x = 1 + t / (s_{up} + s_{down}) - c, \quad
        \eta_t = \eta_{base} + (\eta_{max} - \eta_{base})\, h(x)\, \sigma

    where :math:`h` rises linearly from 0 to 1 over the first ``step_size_up`` steps of a
    cycle and falls back over ``step_size_down``, and :math:`\sigma` is the scale of the mode:
    1 ("triangular"), :math:`2^{1-c}` ("triangular2", halved every cycle) or
    :math:`\gamma^t` ("exp_range"), or ``scale_fn`` of the cycle (``scale_mode="cycle"``) or
    of the step. With ``cycle_momentum`` (default) the momentum (``group["momentum"]``,
    ``betas[0]`` or textbook ``beta1``) cycles the other way, between ``max_momentum`` and
    ``base_momentum``. Step it after every optimizer update (``interval == "step"``).
    Same arithmetic as PyTorch; ``scale_fn`` is not saved by ``state_dict``.

    Parameters
    ----------
    optimizer : Optimizer
    base_lr, max_lr : float or list of float
        The lower and upper bounds per group (``base_lr`` replaces the groups' rates).
    step_size_up : int, default 2000
        Steps of the rising half of a cycle.
    step_size_down : int, optional
        Steps of the falling half (default ``step_size_up``).
    mode : {"triangular", "triangular2", "exp_range"}, default "triangular"
    gamma : float, default 1.0
        Base of the "exp_range" scale.
    scale_fn : callable, optional
        A custom scale ``f(x) -> float`` (overrides ``mode``).
    scale_mode : {"cycle", "iterations"}, default "cycle"
        What ``scale_fn`` receives: the cycle number or the step.
    cycle_momentum : bool, default True
    base_momentum, max_momentum : float or list of float, default 0.8, 0.9
    last_epoch : int, default -1

    References
    ----------
    Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import SGD
    >>> opt = SGD([kb.tensor([0.0], requires_grad=True)], lr=1.0, momentum=0.9)
    >>> sched = CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(round(sched.get_last_lr()[0], 3)); sched.step()
    >>> lrs
    [0.1, 0.3, 0.5, 0.3, 0.1]
    """

    interval = "step"
    _unsaved = ("optimizer", "_scale_fn_custom")

    def __init__(
        self,
        optimizer: Any,
        base_lr: float | Sequence[float],
        max_lr: float | Sequence[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.8,
        max_momentum: float | Sequence[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        check_optimizer(optimizer)
        base_lrs = [
            check_real("base_lr", b, low=0.0) for b in per_group("base_lr", optimizer, base_lr)
        ]
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                group["lr"] = lr
        self.max_lrs = [
            check_real("max_lr", m, low=0.0) for m in per_group("max_lr", optimizer, max_lr)
        ]
        up = float(check_int("step_size_up", step_size_up, low=1))
        down = (
            up
            if step_size_down is None
            else float(check_int("step_size_down", step_size_down, low=1))
        )
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is None and mode not in MODES:
            raise ValueError(
                f"mode must be one of {', '.join(MODES)} (or give scale_fn), got {mode!r}"
            )
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.mode = mode
        self.gamma = check_real("gamma", gamma, low=0.0, low_open=True)
        self._scale_fn_custom = scale_fn
        # The built-in modes fix what their scale is a function of.
        self.scale_mode = (
            scale_mode
            if scale_fn is not None
            else ("iterations" if mode == "exp_range" else "cycle")
        )
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            self._momentum_key = momentum_key(optimizer)
            self.base_momentums = [
                check_real("base_momentum", b, low=0.0)
                for b in per_group("base_momentum", optimizer, base_momentum)
            ]
            self.max_momentums = [
                check_real("max_momentum", m, low=0.0)
                for m in per_group("max_momentum", optimizer, max_momentum)
            ]
            if last_epoch == -1:
                pairs = zip(
                    self.max_momentums, self.base_momentums, optimizer.param_groups, strict=True
                )
                for high, low, group in pairs:
                    set_momentum(group, self._momentum_key, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x: float) -> float:
        """The amplitude's scale at ``x`` (a cycle number or a step, see ``scale_mode``)."""
        if self._scale_fn_custom is not None:
            return float(self._scale_fn_custom(x))
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return float(self.gamma**x)

    def get_lr(self) -> list[float]:
        """The rates at ``last_epoch`` (and, with ``cycle_momentum``, set the momenta)."""
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [
            base + (peak - base) * height * scale
            for base, peak in zip(self.base_lrs, self.max_lrs, strict=True)
        ]
        if self.cycle_momentum:
            highs, lows = self.max_momentums, self.base_momentums
            for group, high, low in zip(self.optimizer.param_groups, highs, lows, strict=True):
                set_momentum(group, self._momentum_key, high - (high - low) * height * scale)
        return lrs
