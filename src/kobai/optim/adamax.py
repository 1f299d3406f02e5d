"""Adamax, as torch.optim.Adamax."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kobai.optim import _functional_extra as K
from kobai.optim import _validate as V
from kobai.optim._shell import hyper_parameters
from kobai.optim.optimizer import Optimizer, ParamsT


class Adamax(Optimizer):
    r"""Adamax: Adam with the second moment replaced by a decaying infinity norm.

    .. math::
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta}{1 - \beta_1^t} \frac{m_t}{u_t}

    PyTorch's form: :math:`\epsilon` is added to :math:`|g|` inside the maximum.

    Parameters
    ----------
    params : iterable of Tensor, of (name, Tensor) or of dict
        Parameters or parameter groups.
    lr : float, default 2e-3
        Learning rate :math:`\eta`.
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon`.
    weight_decay : float, default 0
        L2 penalty.
    maximize : bool, default False
        Maximize instead of minimize.

    References
    ----------
    Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import Adamax
    >>> w = kb.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = Adamax([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> _ = opt.step()  # the first step is lr * g / |g|
    >>> w.data.round(6)
    array([ 0.9, -0.9], dtype=float32)
    """

    _state_arrays = ("exp_avg", "exp_inf")
    _kernel = staticmethod(K.adamax)
    _kernel_numbers = ("step",)
    _hyper_names = ("lr", "betas", "eps", "weight_decay", "maximize")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        V.adam_like(group, "maximize")
