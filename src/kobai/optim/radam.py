"""RAdam, as torch.optim.RAdam."""

from __future__ import annotations

from kobai.optim import _functional as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class RAdam(Optimizer):
    r"""RAdam: Adam whose adaptive step is switched on only once its variance is tractable.

    .. math::
        \rho_\infty &= \frac{2}{1 - \beta_2} - 1, \quad
        \rho_t = \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t}, \quad
        \hat m_t = \frac{m_t}{1 - \beta_1^t} \\
        \theta_t &= \theta_{t-1} - \eta\, \hat m_t\, r_t\,
        \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon} \text{ if } \rho_t > 5, \quad
        \theta_t = \theta_{t-1} - \eta\, \hat m_t \text{ otherwise} \\
        r_t &= \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}
        {(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}}

    Parameters
    ----------
    {parameters}

    References
    ----------
    Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020.

    Examples
    --------
    >>> from kobai.optim import RAdam, trace_steps
    >>> trace_steps(RAdam, [1.0], lr=0.1)[-1].round(6)  # rho_1 = 1 <= 5: momentum, 1 - 0.1 * 2
    array([0.8], dtype=float32)
    """

    _state_arrays = ("exp_avg", "exp_avg_sq")
    _kernel = staticmethod(K.radam)
    _steps_flat = True
    _kernel_numbers = ("step",)
    _hypers = {
        **H.ADAM_FAMILY,
        "decoupled_weight_decay": H.DECOUPLED.but(keyword_only=False),
        "maximize": H.MAXIMIZE,
    }
