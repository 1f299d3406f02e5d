"""Adam and AdamW, as torch.optim.Adam and torch.optim.AdamW."""

from __future__ import annotations

from kobai.optim import _functional as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, divided by a running root mean square (PyTorch's form).

    .. math::
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\,
        \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    :math:`\epsilon` is added after the bias correction of :math:`\sqrt{v_t}`; the textbook
    form :class:`kobai.optim.textbook.Adam` adds :math:`10^{-7}` before it, which amounts to an
    :math:`\epsilon` that grows by :math:`1/\sqrt{1 - \beta_2^t}` in early steps (see
    :mod:`kobai.optim.textbook` for the numbers). ``weight_decay`` adds :math:`\lambda\theta`
    to the gradient (L2); :class:`AdamW` decouples it. With ``amsgrad`` the running maximum of
    :math:`v_t` is used in the denominator.

    Parameters
    ----------
    {parameters}

    References
    ----------
    Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015; Reddi, Kale and
    Kumar, "On the Convergence of Adam and Beyond", ICLR 2018.

    Examples
    --------
    >>> from kobai.optim import Adam, trace_steps
    >>> trace_steps(Adam, [1.0, -1.0], lr=0.1)[-1].round(6)  # the first step is lr * sign(g)
    array([ 0.9, -0.9], dtype=float32)
    """

    _state_arrays = ("exp_avg", "exp_avg_sq")
    _optional_arrays = {"max_exp_avg_sq": "amsgrad"}
    _kernel = staticmethod(K.adam)
    _steps_flat = True
    _kernel_numbers = ("step",)
    _hypers = {
        **H.ADAM_FAMILY,
        "weight_decay": H.WEIGHT_DECAY.but(doc=r"L2 penalty :math:`\lambda`."),
        "amsgrad": H.flag("Use the AMSGrad variant."),
        "maximize": H.MAXIMIZE,
        "decoupled_weight_decay": H.DECOUPLED,
    }


class AdamW(Adam):
    r"""Adam with decoupled weight decay (PyTorch's form).

    .. math::
        \theta_{t-1} &\leftarrow \theta_{t-1} (1 - \eta \lambda) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t}\,
        \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    The decay shrinks the weights directly instead of entering the gradient, so it is not
    divided by :math:`\sqrt{v_t}`: every weight decays at the same rate.

    Parameters
    ----------
    {parameters}

    References
    ----------
    Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.

    Examples
    --------
    >>> from kobai.optim import AdamW, trace_steps
    >>> trace_steps(AdamW, [1.0], lr=0.1, weight_decay=0.5)[-1].round(6)  # (1 - 0.1 * 0.5) - 0.1
    array([0.85], dtype=float32)
    """

    _hypers = {
        **{name: h for name, h in Adam._hypers.items() if name != "decoupled_weight_decay"},
        "weight_decay": H.WEIGHT_DECAY.but(default=1e-2, doc=r"Decoupled decay :math:`\lambda`."),
    }
    _fixed = {"decoupled_weight_decay": True}
