"""RMSprop, as torch.optim.RMSprop."""

from __future__ import annotations

from kobai.optim import _functional as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop: divide the step by a running root mean square of the gradients.

    .. math::
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t \quad\text{(centered only)} \\
        d_t &= \sqrt{v_t - \bar g_t^2} + \epsilon \quad (\sqrt{v_t} + \epsilon
        \text{ if not centered}) \\
        b_t &= \mu b_{t-1} + g_t / d_t, \quad \theta_t = \theta_{t-1} - \eta b_t
        \quad (\theta_t = \theta_{t-1} - \eta g_t / d_t \text{ when } \mu = 0)

    PyTorch's defaults (:math:`\alpha = 0.99`, :math:`\epsilon = 10^{-8}` outside the root);
    the textbook form :class:`kobai.optim.textbook.RMSprop` uses :math:`10^{-7}`.

    Parameters
    ----------
    {parameters}

    References
    ----------
    Hinton, Neural Networks for Machine Learning, lecture 6e, 2012; Graves, "Generating
    Sequences With Recurrent Neural Networks", arXiv:1308.0850, 2013 (centered form).

    Examples
    --------
    >>> from kobai.optim import RMSprop, trace_steps
    >>> trace_steps(RMSprop, [1.0], lr=0.01, alpha=0.75)[-1].round(6)  # 1 - 0.01 * 2 / sqrt(1)
    array([0.98], dtype=float32)
    """

    _state_arrays = ("square_avg",)
    # Buffers appear when an option is switched on mid-run (e.g. by a scheduler).
    _optional_arrays = {"grad_avg": "centered", "momentum_buffer": "momentum"}
    _kernel = staticmethod(K.rmsprop)
    _steps_flat = True
    _hypers = {
        "lr": H.lr(1e-2),
        "alpha": H.Hyper(
            0.99,
            H.in_unit_interval("alpha value"),
            "float",
            r"Smoothing constant :math:`\alpha`, in [0, 1].",
        ),
        "eps": H.eps(1e-8),
        "weight_decay": H.WEIGHT_DECAY,
        "momentum": H.MOMENTUM,
        "centered": H.flag("Normalise by the estimated variance of the gradient."),
        "maximize": H.MAXIMIZE,
    }
