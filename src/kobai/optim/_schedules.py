"""Learning-rate schedules as pure closed-form functions of the step number.

The scheduler classes of :mod:`kobai.optim.lr_scheduler` step recursively from the current
rate, as PyTorch does, and evaluate these closed forms for ``step(epoch)``; a schedule run
alone follows them to rounding. They are also handy on their own, e.g. to plot a schedule
without an optimizer:

>>> [round(cosine_annealing_lr(0.1, t, T_max=4), 4) for t in range(5)]
[0.1, 0.0854, 0.05, 0.0146, 0.0]
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence


def step_lr(base_lr: float, epoch: int, *, step_size: int, gamma: float = 0.1) -> float:
    r""":math:`\eta_0 \gamma^{\lfloor t / s \rfloor}`: decay by ``gamma`` every ``step_size``."""
    return base_lr * gamma ** (epoch // step_size)


def multistep_lr(
    base_lr: float, epoch: int, *, milestones: Sequence[int], gamma: float = 0.1
) -> float:
    r""":math:`\eta_0 \gamma^{k}`, :math:`k` = number of (sorted) milestones :math:`\le t`."""
    return base_lr * gamma ** bisect_right(sorted(milestones), epoch)


def exponential_lr(base_lr: float, epoch: int, *, gamma: float) -> float:
    r""":math:`\eta_0 \gamma^t`."""
    return base_lr * gamma**epoch


def cosine_annealing_lr(base_lr: float, epoch: float, *, T_max: int, eta_min: float = 0.0) -> float:  # noqa: N803
    r""":math:`\eta_{min} + (\eta_0 - \eta_{min}) (1 + \cos(\pi t / T_{max})) / 2`.

    Past ``T_max`` the cosine goes on, so the rate climbs back (as in PyTorch).
    """
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2


def linear_lr(
    base_lr: float,
    epoch: int,
    *,
    start_factor: float = 1.0 / 3,
    end_factor: float = 1.0,
    total_iters: int = 5,
) -> float:
    r""":math:`\eta_0 (f_0 + (f_1 - f_0) \min(t, T) / T)`: a linear ramp of the factor."""
    return base_lr * (
        start_factor + (end_factor - start_factor) * min(total_iters, epoch) / total_iters
    )


def polynomial_lr(base_lr: float, epoch: int, *, total_iters: int = 5, power: float = 1.0) -> float:
    r""":math:`\eta_0 (1 - \min(t, T) / T)^p`."""
    return base_lr * (1.0 - min(total_iters, epoch) / total_iters) ** power


def warm_restart_position(epoch: float, *, T_0: int, T_mult: int = 1) -> tuple[float, int]:  # noqa: N803
    """``(T_cur, T_i)``: the position inside the current cosine cycle and that cycle's length.

    Cycles last ``T_0``, ``T_0 * T_mult``, ``T_0 * T_mult**2``, ... steps.
    """
    t_cur, t_i = epoch, T_0
    while t_cur >= t_i:
        t_cur -= t_i
        t_i *= T_mult
    return t_cur, t_i


def cosine_restart_lr(base_lr: float, t_cur: float, t_i: int, *, eta_min: float = 0.0) -> float:
    r""":math:`\eta_{min} + (\eta_0 - \eta_{min})(1 + \cos(\pi T_{cur} / T_i)) / 2` (SGDR)."""
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


def one_cycle_phase_ends(total_steps: int, pct_start: float, three_phase: bool) -> list[float]:
    """The last step of each phase of a one-cycle schedule (PyTorch's arithmetic)."""
    if three_phase:
        return [
            float(pct_start * total_steps) - 1,
            float(2 * pct_start * total_steps) - 2,
            total_steps - 1,
        ]
    return [float(pct_start * total_steps) - 1, total_steps - 1]


def anneal(start: float, end: float, pct: float, strategy: str) -> float:
    """Go from ``start`` to ``end`` as ``pct`` goes from 0 to 1, by a half cosine or a line."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    if strategy == "linear":
        return (end - start) * pct + start
    raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {strategy!r}")


def one_cycle(
    step: int,
    *,
    total_steps: int,
    initial: float,
    peak: float,
    final: float,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    three_phase: bool = False,
) -> float:
    """The one-cycle schedule: ``initial`` -> ``peak`` -> ``final`` (three-phase: back to
    ``initial`` before ``final``).

    For the momentum that cycles against the learning rate, pass
    ``initial=final=max_momentum, peak=base_momentum``.

    References
    ----------
    Smith and Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large
    Learning Rates", arXiv:1708.07120, 2017.
    """
    ends = one_cycle_phase_ends(total_steps, pct_start, three_phase)
    targets = (
        [(initial, peak), (peak, initial), (initial, final)]
        if three_phase
        else [
            (initial, peak),
            (peak, final),
        ]
    )
    start_step = 0.0
    for i, end_step in enumerate(ends):
        if step <= end_step or i == len(ends) - 1:
            pct = (step - start_step) / (end_step - start_step)
            return anneal(*targets[i], pct, anneal_strategy)
        start_step = end_step
    raise AssertionError("unreachable: the last phase always matches")
