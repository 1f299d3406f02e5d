"""Stochastic gradient descent with momentum, as torch.optim.SGD."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.optim import _functional as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (PyTorch's semantics).

    .. math::
        g_t &= \nabla f(\theta_{t-1}) + \lambda \theta_{t-1} \\
        b_t &= \mu b_{t-1} + (1 - \tau) g_t \quad (b_1 = g_1) \\
        \theta_t &= \theta_{t-1} - \eta\, (g_t + \mu b_t \text{ if nesterov else } b_t)

    The buffer accumulates raw gradients and the learning rate multiplies it at each step, so a
    change of learning rate applies at once to the whole history; the textbook form
    :class:`kobai.optim.textbook.Momentum` keeps :math:`v = -\eta b` instead (identical while
    the learning rate is constant).

    Parameters
    ----------
    {parameters}

    References
    ----------
    Sutskever, Martens, Dahl and Hinton, "On the importance of initialization and momentum in
    deep learning", ICML 2013.

    Examples
    --------
    >>> from kobai.optim import SGD, trace_steps
    >>> trace_steps(SGD, [1.0], 2, lr=0.1, momentum=0.9)[:, 0].round(4)  # 0.8 - 0.1 (1.8 + 1.6)
    array([1.  , 0.8 , 0.46], dtype=float32)
    """

    # The per-parameter step is _update below; a flat step calls the kernel directly.
    _kernel = staticmethod(K.sgd)
    _steps_flat = True
    _hypers = {
        "lr": H.lr(1e-3),
        "momentum": H.MOMENTUM,
        "dampening": H.Hyper(
            0.0,
            H.in_unit_interval("dampening value"),
            "float",
            r"Dampening :math:`\tau` of the momentum, in [0, 1].",
        ),
        "weight_decay": H.WEIGHT_DECAY.but(doc=r"L2 penalty :math:`\lambda`."),
        "nesterov": H.flag("Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``)."),
        "maximize": H.MAXIMIZE.but(doc="Maximize the objective instead of minimizing it."),
    }

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        super()._validate_group(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _flat_plan(
        self, params: list[Tensor], group: dict[str, Any], hyper: dict[str, Any]
    ) -> tuple[list[str | None], dict[str, Any], dict[str, Any]] | None:
        if hyper["momentum"] == 0:
            return [], {}, {"first_step": False}
        made = [self.state[p].get("momentum_buffer") is not None for p in params]
        if any(made) and not all(made):
            return None
        # No buffer yet: the flat one is made, and the first step copies the gradient in.
        return ["momentum_buffer"], {}, {"first_step": not made[0]}

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], hyper: dict[str, Any]
    ) -> None:
        buf, first = None, False
        if hyper["momentum"] != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                # Made empty: the first step copies the gradient into it.
                buf = state["momentum_buffer"] = np.empty_like(p.data)
                first = True
        K.sgd(p.data, grad, buf, **hyper, first_step=first, work=self._work(p))
