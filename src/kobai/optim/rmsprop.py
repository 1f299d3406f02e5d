"""RMSprop, as torch.optim.RMSprop."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kobai.optim import _functional as K
from kobai.optim import _validate as V
from kobai.optim._shell import hyper_parameters
from kobai.optim.optimizer import Optimizer, ParamsT


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
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float, default 1e-2
        Learning rate :math:`\eta`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha`, in [0, 1].
    eps : float, default 1e-8
        :math:`\epsilon`.
    weight_decay : float, default 0
        L2 penalty.
    momentum : float, default 0
        Momentum factor :math:`\mu`.
    centered : bool, default False
        Normalise by the estimated variance of the gradient.
    maximize : bool, default False
        Maximize instead of minimize.

    References
    ----------
    Hinton, Neural Networks for Machine Learning, lecture 6e, 2012; Graves, "Generating
    Sequences With Recurrent Neural Networks", arXiv:1308.0850, 2013 (centered form).

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import RMSprop
    >>> w = kb.tensor([1.0], requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01, alpha=0.75)
    >>> (w * w).sum().backward()
    >>> _ = opt.step()  # 1 - 0.01 * 2 / sqrt(0.25 * 4)
    >>> round(float(w.data[0]), 6)
    0.98
    """

    _state_arrays = ("square_avg",)
    # Buffers appear when an option is switched on mid-run (e.g. by a scheduler).
    _optional_arrays = {"grad_avg": "centered", "momentum_buffer": "momentum"}
    _kernel = staticmethod(K.rmsprop)
    _hyper_names = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        V.lr_and_weight_decay(group)
        V.nonnegative(group, "eps", "epsilon value")
        V.nonnegative(group, "momentum", "momentum value")
        V.unit_interval(group, "alpha", "alpha value", closed=True)
        V.flags(group, "centered", "maximize")
