"""Lion (evolved sign momentum), as the authors' reference implementation."""

from __future__ import annotations

from kobai.optim import _functional_extra as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class Lion(Optimizer):
    r"""Lion: the sign of an interpolated momentum, with decoupled weight decay.

    .. math::
        \theta_t &= \theta_{t-1} (1 - \eta \lambda)
        - \eta\, \mathrm{sign}(\beta_1 m_{t-1} + (1 - \beta_1) g_t) \\
        m_t &= \beta_2 m_{t-1} + (1 - \beta_2) g_t

    Every weight moves by exactly :math:`\pm\eta` (or 0) per step, so the learning rate is
    typically 3-10 times smaller than AdamW's and the weight decay larger (the paper's
    advice). PyTorch has no Lion; this follows the authors' pseudo-code (Program 1 of the
    paper) and the reference code (google/automl's ``lion``, lucidrains' ``lion-pytorch``):
    betas (0.9, 0.99), decay applied to the weights before the step.

    Parameters
    ----------
    {parameters}

    References
    ----------
    Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023
    (arXiv:2302.06675).

    Examples
    --------
    >>> from kobai.optim import Lion, trace_steps
    >>> trace_steps(Lion, [1.0, -2.0], lr=0.1)  # each weight moves by lr against sign(g)
    array([[ 1. , -2. ],
           [ 0.9, -1.9]], dtype=float32)
    """

    _state_arrays = ("exp_avg",)
    _kernel = staticmethod(K.lion)
    _steps_flat = True
    _hypers = {
        "lr": H.lr(1e-4),
        "betas": H.BETAS.but(
            default=(0.9, 0.99),
            doc=r":math:`(\beta_1, \beta_2)`: the interpolation of the update and the decay "
            "of the momentum, each in [0, 1).",
        ),
        "weight_decay": H.WEIGHT_DECAY.but(doc=r"Decoupled decay :math:`\lambda`."),
        "maximize": H.MAXIMIZE,
    }
