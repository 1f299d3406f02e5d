"""Adadelta, as torch.optim.Adadelta."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kobai.optim import _functional as K
from kobai.optim import _validate as V
from kobai.optim._shell import hyper_parameters
from kobai.optim.optimizer import Optimizer, ParamsT


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
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float, default 1.0
        Scale :math:`\eta` of the step.
    rho : float, default 0.9
        Decay :math:`\rho` of the running averages, in [0, 1].
    eps : float, default 1e-6
        :math:`\epsilon`.
    weight_decay : float, default 0
        L2 penalty.
    maximize : bool, default False
        Maximize instead of minimize.

    References
    ----------
    Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import Adadelta
    >>> w = kb.tensor([1.0], requires_grad=True)
    >>> opt = Adadelta([w])
    >>> (w * w).sum().backward()
    >>> _ = opt.step()
    >>> bool(0.99 < w.data[0] < 1.0)
    True
    """

    _state_arrays = ("square_avg", "acc_delta")
    _kernel = staticmethod(K.adadelta)
    _hyper_names = ("lr", "rho", "eps", "weight_decay", "maximize")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        V.lr_and_weight_decay(group)
        V.unit_interval(group, "rho", "rho value", closed=True)
        V.nonnegative(group, "eps", "epsilon value")
        V.flags(group, "maximize")
