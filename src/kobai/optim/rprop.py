"""Rprop, as torch.optim.Rprop."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kobai.autograd.tensor import Tensor
from kobai.optim import _functional_extra as K
from kobai.optim import _hyper as H
from kobai.optim import _validate as V
from kobai.optim.optimizer import Optimizer


def _etas(group: Mapping[str, Any], name: str) -> None:
    minus, plus = V.pair(group, name)
    if not 0.0 < minus < 1.0 < plus:
        raise ValueError(f"Invalid eta values: {minus}, {plus}")


def _step_sizes(group: Mapping[str, Any], name: str) -> None:
    low, high = V.pair(group, name)
    if not 0.0 <= low <= high:
        raise ValueError(f"Invalid step_sizes: need 0 <= min <= max, got ({low}, {high})")


class Rprop(Optimizer):
    r"""Resilient backpropagation: every weight moves by its own step, against the gradient's
    sign only; the step grows while the sign holds and shrinks when it flips.

    .. math::
        \Delta_t &= \mathrm{clip}(\Delta_{t-1} \cdot
        \{\eta^+ \text{ if } g_t g_{t-1} > 0,\ \eta^- \text{ if } < 0,\ 1\},
        \Delta_{min}, \Delta_{max}) \\
        \theta_t &= \theta_{t-1} - \mathrm{sign}(g_t)\, \Delta_t

    After a flip the weight stays put for one step (its gradient counts as zero, so the next
    step keeps :math:`\Delta`), as in PyTorch. Meant for full-batch training: mini-batch noise
    flips signs at random.

    Parameters
    ----------
    {parameters}

    References
    ----------
    Riedmiller and Braun, "A Direct Adaptive Method for Faster Backpropagation Learning: The
    RPROP Algorithm", IEEE ICNN 1993.

    Examples
    --------
    >>> from kobai.optim import Rprop, trace_steps
    >>> trace_steps(Rprop, [1.0, -3.0], 2, lr=0.1).round(4)  # steps of 0.1, then 0.12
    array([[ 1.  , -3.  ],
           [ 0.9 , -2.9 ],
           [ 0.78, -2.78]], dtype=float32)
    """

    _state_arrays = ("prev", "step_size")
    _kernel = staticmethod(K.rprop)
    _steps_flat = True
    _hypers = {
        "lr": H.lr(1e-2).but(doc=r"The first step :math:`\Delta_0` of every weight."),
        "etas": H.Hyper(
            (0.5, 1.2),
            _etas,
            "(float, float)",
            r":math:`(\eta^-, \eta^+)` with :math:`0 < \eta^- < 1 < \eta^+`.",
        ),
        "step_sizes": H.Hyper(
            (1e-6, 50.0),
            _step_sizes,
            "(float, float)",
            r":math:`(\Delta_{min}, \Delta_{max})`.",
        ),
        "maximize": H.MAXIMIZE,
    }

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = super()._init_state(p, group)
        state["step_size"].fill(float(group["lr"]))
        return state
