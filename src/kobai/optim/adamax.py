"""Adamax, as torch.optim.Adamax."""

from __future__ import annotations

from kobai.optim import _functional_extra as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class Adamax(Optimizer):
    r"""Adamax: Adam with the second moment replaced by a decaying infinity norm.

    .. math::
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t} \frac{m_t}{u_t}

    PyTorch's form: :math:`\epsilon` is added to :math:`|g|` inside the maximum.

    Parameters
    ----------
    {parameters}

    References
    ----------
    Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.

    Examples
    --------
    >>> from kobai.optim import Adamax, trace_steps
    >>> trace_steps(Adamax, [1.0, -1.0], lr=0.1)[-1].round(6)  # the first step is lr * g / |g|
    array([ 0.9, -0.9], dtype=float32)
    """

    _state_arrays = ("exp_avg", "exp_inf")
    _kernel = staticmethod(K.adamax)
    _steps_flat = True
    _kernel_numbers = ("step",)
    _hypers = {**H.ADAM_FAMILY, "lr": H.lr(2e-3), "maximize": H.MAXIMIZE}
