"""Schedulers that glide between two rates: linear, polynomial and cosine annealing."""

from __future__ import annotations

import math
from typing import Any

from kobai.optim import _schedules as S
from kobai.optim._scheduler_base import LRScheduler
from kobai.validation import check_int, check_real


class LinearLR(LRScheduler):
    r"""Scale the rate by a factor going linearly from ``start_factor`` to ``end_factor`` in
    ``total_iters`` steps (a warm-up when ``start_factor < end_factor``).

    Alone: :math:`\eta_t = \eta_0 (f_0 + (f_1 - f_0) \min(t, T) / T)`. Chained, each step
    multiplies the current rate by the ratio of consecutive factors, as PyTorch does.

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float, default 1/3
        In (0, 1].
    end_factor : float, default 1.0
        In [0, 1].
    total_iters : int, default 5
    last_epoch : int, default -1

    Examples
    --------
    >>> from kobai.optim.lr_scheduler import LinearLR, trace_lr
    >>> trace_lr(LinearLR, 4, start_factor=0.5, total_iters=2)
    [0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Any,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        start = check_real("start_factor", start_factor)
        if not 0.0 < start <= 1.0:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor}")
        end = check_real("end_factor", end_factor)
        if not 0.0 <= end <= 1.0:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor}")
        self.start_factor, self.end_factor = start, end
        self.total_iters = check_int("total_iters", total_iters, low=1)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """``start_factor`` times the rate at step 0, then the ratio of the next factor to
        the last one, until ``total_iters``."""
        if self.last_epoch == 0:
            return self._scaled(self.start_factor)
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current()
        rise = self.end_factor - self.start_factor
        ratio = 1.0 + rise / (self.total_iters * self.start_factor + (self.last_epoch - 1) * rise)
        return self._scaled(ratio)

    def _get_closed_form_lr(self) -> list[float]:
        return [
            S.linear_lr(
                b,
                self.last_epoch,
                start_factor=self.start_factor,
                end_factor=self.end_factor,
                total_iters=self.total_iters,
            )
            for b in self.base_lrs
        ]


class PolynomialLR(LRScheduler):
    r"""Polynomial decay to zero in ``total_iters`` steps: :math:`\eta_0 (1 - t/T)^p` alone.

    Parameters
    ----------
    optimizer : Optimizer
    total_iters : int, default 5
    power : float, default 1.0
        :math:`p >= 0`.
    last_epoch : int, default -1
    """

    def __init__(
        self, optimizer: Any, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        self.total_iters = check_int("total_iters", total_iters, low=1)
        self.power = check_real("power", power, low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates times ``((1 - t/T) / (1 - (t-1)/T)) ** power`` up to ``T``."""
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current()
        t, total = self.last_epoch, self.total_iters
        return self._scaled(((1.0 - t / total) / (1.0 - (t - 1) / total)) ** self.power)

    def _get_closed_form_lr(self) -> list[float]:
        return [
            S.polynomial_lr(b, self.last_epoch, total_iters=self.total_iters, power=self.power)
            for b in self.base_lrs
        ]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing from the base rate to ``eta_min`` over ``T_max`` steps.

    .. math::
        \eta_t = \eta_{min} + (\eta_{t-1} - \eta_{min})
        \frac{1 + \cos(\pi t / T_{max})}{1 + \cos(\pi (t - 1) / T_{max})}

    PyTorch's recursive form (exactly its arithmetic): alone it follows the closed form
    :math:`\eta_{min} + \tfrac12 (\eta_0 - \eta_{min})(1 + \cos(\pi t / T_{max}))` to
    rounding, and past ``T_max`` the rate climbs back; chained, it anneals whatever rate it
    finds. ``step(epoch)`` evaluates the closed form.

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Half period in steps (> 0).
    eta_min : float, default 0
        Lowest learning rate.
    last_epoch : int, default -1

    References
    ----------
    Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017.
    """

    def __init__(
        self,
        optimizer: Any,
        T_max: int,  # noqa: N803
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.T_max = check_int("T_max", T_max, low=1)
        self.eta_min = check_real("eta_min", eta_min, low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next rates of the recursion (the closed form on a resumed first step)."""
        t, period, low = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current()
        if self._step_count == 1 and t > 0:
            return [
                low + (base - low) * (1 + math.cos(t * math.pi / period)) / 2
                for base in self.base_lrs
            ]
        groups = self.optimizer.param_groups
        if (t - 1 - period) % (2 * period) == 0:
            # At the trough the ratio below would divide by zero: climb by the first rise.
            return [
                g["lr"] + (base - low) * (1 - math.cos(math.pi / period)) / 2
                for base, g in zip(self.base_lrs, groups, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
        return [ratio * (g["lr"] - low) + low for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [
            S.cosine_annealing_lr(b, self.last_epoch, T_max=self.T_max, eta_min=self.eta_min)
            for b in self.base_lrs
        ]


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing restarted every cycle; cycles grow by ``T_mult`` (SGDR).

    .. math::
        \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})(1 + \cos(\pi T_{cur} / T_i))

    Computed from the base rates, as in PyTorch (this schedule does not chain).
    ``step(epoch)`` accepts a fractional epoch, as in PyTorch. For an explicit epoch the cycle
    is found exactly (PyTorch uses a logarithm that can land one cycle short at a restart).

    Parameters
    ----------
    optimizer : Optimizer
    T_0 : int
        Length of the first cycle (> 0).
    T_mult : int, default 1
        Growth factor of the cycle length (>= 1).
    eta_min : float, default 0
    last_epoch : int, default -1

    References
    ----------
    Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017.
    """

    def __init__(
        self,
        optimizer: Any,
        T_0: int,  # noqa: N803
        T_mult: int = 1,  # noqa: N803
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.T_0 = check_int("T_0", T_0, low=1)
        self.T_mult = check_int("T_mult", T_mult, low=1)
        self.eta_min = check_real("eta_min", eta_min, low=0.0)
        self.T_i = self.T_0
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The rates at position ``T_cur`` of the current cycle of length ``T_i``."""
        return [
            S.cosine_restart_lr(b, self.T_cur, self.T_i, eta_min=self.eta_min)
            for b in self.base_lrs
        ]

    def step(self, epoch: float | None = None) -> None:
        """Advance one step, or jump to ``epoch`` (may be fractional, >= 0)."""
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
            self.last_epoch += 1
        else:
            epoch = check_real("epoch", epoch, low=0.0)
            self.T_cur, self.T_i = S.warm_restart_position(epoch, T_0=self.T_0, T_mult=self.T_mult)
            self.last_epoch = int(epoch // 1)
        self._apply(self.get_lr())
