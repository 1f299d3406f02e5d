"""NAdam, as torch.optim.NAdam."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.optim import _functional as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class NAdam(Optimizer):
    r"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule.

    .. math::
        \mu_t &= \beta_1 \big(1 - \tfrac12\, 0.96^{t\psi}\big), \quad
        \Pi_t = \textstyle\prod_{i=1}^{t} \mu_i \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \quad
        d_t = \sqrt{v_t / (1 - \beta_2^t)} + \epsilon \\
        \theta_t &= \theta_{t-1} - \eta\,\frac{1 - \mu_t}{1 - \Pi_t}\,\frac{g_t}{d_t}
        - \eta\,\frac{\mu_{t+1}}{1 - \Pi_t \mu_{t+1}}\,\frac{m_t}{d_t}

    Parameters
    ----------
    {parameters}

    References
    ----------
    Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop track.

    Examples
    --------
    >>> from kobai.optim import NAdam, trace_steps
    >>> trace_steps(NAdam, [1.0], 3)[:, 0].round(4)  # steps of about lr, shrinking
    array([1.    , 0.9979, 0.9963, 0.9949], dtype=float32)
    """

    _state_numbers = {"step": 0, "mu_product": 1.0}
    _state_arrays = ("exp_avg", "exp_avg_sq")
    _kernel = staticmethod(K.nadam)
    _kernel_numbers = ("step", "mu_product")
    _hypers = {
        **H.ADAM_FAMILY,
        "lr": H.lr(2e-3),
        "momentum_decay": H.Hyper(
            4e-3, H.at_least_zero("momentum_decay value"), "float", r":math:`\psi`."
        ),
        "decoupled_weight_decay": H.DECOUPLED.but(keyword_only=False),
        "maximize": H.MAXIMIZE,
    }

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], hyper: dict[str, Any]
    ) -> None:
        # The kernel returns the product of the momentum factors, kept for the next step.
        self.state[p]["mu_product"] = super()._update(p, grad, group, hyper)
