"""Learning-rate schedulers with PyTorch's interface and PyTorch's chainable semantics.

Call ``scheduler.step()`` after ``optimizer.step()``. Each step computes the new rate of a group
from its *current* ``group["lr"]``, exactly as ``torch.optim.lr_scheduler`` does, so:

- two schedulers on one optimizer multiply their effects (ExponentialLR(0.9) with
  StepLR(4, 0.5): 1.0 -> 0.9**4 * 0.5 = 0.328 after four steps), or step them as one with
  :class:`ChainedScheduler`;
- a warm-up made before a decay on the same optimizer carries through it (LinearLR, then
  CosineAnnealingLR: the rate at step 0 is the warm-up's);
- a rate changed by hand in ``optimizer.param_groups`` is continued from, not overwritten.

To run schedules one after another use :class:`SequentialLR` (or :func:`warmup_cosine`).
``step(epoch)`` jumps to a step and evaluates the closed form of :mod:`._schedules` where the
schedule has one, as PyTorch does. Every class says when a training loop should step it
(``interval``: "epoch", or "step" after every update for OneCycleLR and CyclicLR) and whether
``step`` needs the monitored metric (``needs_metric``: ReduceLROnPlateau).

>>> import kobai as kb
>>> from kobai.optim import SGD
>>> opt = SGD([kb.tensor([0.0], requires_grad=True)], lr=1.0)
>>> a, b = ExponentialLR(opt, gamma=0.9), StepLR(opt, step_size=4, gamma=0.5)
>>> for _ in range(4):
...     a.step(); b.step()
>>> round(opt.param_groups[0]["lr"], 6)
0.32805
"""

from __future__ import annotations

from kobai.optim._annealing import (
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    LinearLR,
    PolynomialLR,
)
from kobai.optim._cyclic import CyclicLR
from kobai.optim._decay import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    MultiplicativeLR,
    MultiStepLR,
    StepLR,
)
from kobai.optim._one_cycle import OneCycleLR
from kobai.optim._plateau import ReduceLROnPlateau
from kobai.optim._scheduler_base import LRScheduler, trace_lr
from kobai.optim._sequential import ChainedScheduler, SequentialLR, warmup_cosine

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
    "trace_lr",
    "warmup_cosine",
]
