"""OneCycleLR: the one-cycle learning-rate (and momentum) policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kobai.optim import _schedules as S
from kobai.optim._scheduler_base import LRScheduler, per_group
from kobai.validation import check_int, check_real


class OneCycleLR(LRScheduler):
    r"""The one-cycle policy: warm up to ``max_lr``, then anneal far below the start.

    Sets ``group["initial_lr"] = max_lr / div_factor``, ``group["max_lr"]`` and
    ``group["min_lr"] = initial_lr / final_div_factor``; with ``cycle_momentum`` (default) the
    momentum (``group["momentum"]``, ``betas[0]`` or textbook ``beta1``) cycles the other way,
    between ``max_momentum`` and ``base_momentum``, as in PyTorch.

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
        Peak learning rate per group.
    total_steps : int, optional
        Number of steps in the cycle; or give ``epochs`` and ``steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
    pct_start : float, default 0.3
        Fraction of the cycle spent increasing the rate.
    anneal_strategy : {"cos", "linear"}, default "cos"
    cycle_momentum : bool, default True
    base_momentum, max_momentum : float or list of float, default 0.85, 0.95
    div_factor : float, default 25
    final_div_factor : float, default 1e4
    three_phase : bool, default False
        Come back to the initial rate before the final annealing.
    last_epoch : int, default -1

    References
    ----------
    Smith and Topin, "Super-Convergence", arXiv:1708.07120, 2017.
    """

    interval = "step"

    def __init__(
        self,
        optimizer: Any,
        max_lr: float | Sequence[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.85,
        max_momentum: float | Sequence[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        if total_steps is not None:
            self.total_steps = check_int("total_steps", total_steps, low=1)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = check_int("epochs", epochs, low=1) * check_int(
                "steps_per_epoch", steps_per_epoch, low=1
            )
        else:
            raise ValueError("give either total_steps or both epochs and steps_per_epoch")
        self.pct_start = check_real("pct_start", pct_start, low=0.0, high=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        self.three_phase = bool(three_phase)
        div = check_real("div_factor", div_factor, low=0.0, low_open=True)
        final_div = check_real("final_div_factor", final_div_factor, low=0.0, low_open=True)
        max_lrs = per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for peak, group in zip(max_lrs, optimizer.param_groups, strict=True):
                group["initial_lr"] = check_real("max_lr", peak, low=0.0) / div
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            self._momentum_key = momentum_key(optimizer)
            highs = per_group("max_momentum", optimizer, max_momentum)
            lows = per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for high, low, group in zip(highs, lows, optimizer.param_groups, strict=True):
                    group["max_momentum"] = check_real("max_momentum", high, low=0.0)
                    group["base_momentum"] = check_real("base_momentum", low, low=0.0)
                    set_momentum(group, self._momentum_key, group["max_momentum"])
        super().__init__(optimizer, last_epoch)

    def _cycle(self, epoch: int, initial: float, peak: float, final: float) -> float:
        return S.one_cycle(
            epoch,
            total_steps=self.total_steps,
            initial=initial,
            peak=peak,
            final=final,
            pct_start=self.pct_start,
            anneal_strategy=self.anneal_strategy,
            three_phase=self.three_phase,
        )

    def get_lr(self) -> list[float]:
        """The learning rates at ``last_epoch`` (and, with ``cycle_momentum``, set momenta)."""
        if self.last_epoch > self.total_steps:
            raise ValueError(
                f"Tried to step {self.last_epoch} times. The specified number of total steps is "
                f"{self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            lrs.append(
                self._cycle(self.last_epoch, group["initial_lr"], group["max_lr"], group["min_lr"])
            )
            if self.cycle_momentum:
                high, low = group["max_momentum"], group["base_momentum"]
                set_momentum(
                    group, self._momentum_key, self._cycle(self.last_epoch, high, low, high)
                )
        return lrs


def momentum_key(optimizer: Any) -> str:
    for key in ("betas", "momentum", "beta1"):
        if key in optimizer.defaults:
            return key
    raise ValueError(
        "optimizer must support momentum or beta1 with `cycle_momentum` option enabled "
        f"({type(optimizer).__name__} has neither; pass cycle_momentum=False)"
    )


def set_momentum(group: dict[str, Any], key: str, value: float) -> None:
    if key == "betas":
        group["betas"] = (value, *group["betas"][1:])
    else:
        group[key] = value
