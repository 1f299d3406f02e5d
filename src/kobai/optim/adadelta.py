"""Adadelta, as torch.optim.Adadelta."""

from __future__ import annotations

from kobai.optim import _functional as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class Adadelta(Optimizer):
    r"""Adadelta: steps in the units of the parameter, from two running averages.

    .. math::
        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t, \quad
        u_t = \rho u_{t-1} + (1 - \rho) \Delta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta\, \Delta_t

    Unlike Adam and RMSprop, :math:`\epsilon` sits inside both square roots.

    Parameters
    ----------
    {parameters}

    References
    ----------
    Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012.

    Examples
    --------
    >>> from kobai.optim import Adadelta, trace_steps
    >>> trace_steps(Adadelta, [1.0], 3)[:, 0].round(5)  # slow at first: u starts at 0
    array([1.     , 0.99684, 0.9936 , 0.99031], dtype=float32)
    """

    _state_arrays = ("square_avg", "acc_delta")
    _kernel = staticmethod(K.adadelta)
    _steps_flat = True
    _hypers = {
        "lr": H.lr(1.0).but(doc=r"Scale :math:`\eta` of the step."),
        "rho": H.Hyper(
            0.9,
            H.in_unit_interval("rho value"),
            "float",
            r"Decay :math:`\rho` of the running averages, in [0, 1].",
        ),
        "eps": H.eps(1e-6),
        "weight_decay": H.WEIGHT_DECAY,
        "maximize": H.MAXIMIZE,
    }
