"""AdaGrad, as torch.optim.Adagrad."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kobai.autograd.tensor import Tensor
from kobai.optim import _functional as K
from kobai.optim import _validate as V
from kobai.optim._shell import hyper_parameters
from kobai.optim.optimizer import Optimizer, ParamsT


class Adagrad(Optimizer):
    r"""AdaGrad: per-coordinate steps shrinking with the sum of squared gradients.

    .. math::
        \tilde\eta_t &= \eta / (1 + (t - 1)\,\delta) \\
        s_t &= s_{t-1} + g_t^2 \quad (s_0 = \text{initial\_accumulator\_value}) \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t\, g_t / (\sqrt{s_t} + \epsilon)

    PyTorch's form: :math:`\epsilon = 10^{-10}` outside the root; the textbook form
    :class:`kobai.optim.textbook.AdaGrad` uses :math:`10^{-7}`. Like PyTorch, the state is
    created when the parameters are added, not at the first step. As in PyTorch 2.13, every
    accumulator starts at the constructor's ``initial_accumulator_value``: a value given in a
    parameter group is validated and kept in the group, but does not change the start.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float, default 1e-2
        Learning rate :math:`\eta`.
    lr_decay : float, default 0
        Learning-rate decay :math:`\delta`.
    weight_decay : float, default 0
        L2 penalty.
    initial_accumulator_value : float, default 0
        Starting value of :math:`s`.
    eps : float, default 1e-10
        :math:`\epsilon`.
    maximize : bool, default False
        Maximize instead of minimize.

    References
    ----------
    Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
    Optimization", JMLR 12, 2011.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import Adagrad
    >>> w = kb.tensor([3.0], requires_grad=True)
    >>> opt = Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> _ = opt.step()  # 3 - 0.5 * 6 / sqrt(36)
    >>> float(w.data[0])
    2.5
    """

    _kernel = staticmethod(K.adagrad)
    _kernel_numbers = ("step",)
    _state_arrays = ("sum",)
    _hyper_names = ("lr", "lr_decay", "weight_decay", "eps", "maximize")

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        V.lr_and_weight_decay(group)
        V.nonnegative(group, "lr_decay", "lr_decay value")
        V.nonnegative(group, "initial_accumulator_value", "initial_accumulator_value value")
        V.nonnegative(group, "eps", "epsilon value")
        V.flags(group, "maximize")

    def _init_group(self, group: dict[str, Any]) -> None:
        for p in group["params"]:
            self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = super()._init_state(p, group)
        # PyTorch's rule: the constructor's value, whatever the group says.
        state["sum"].fill(float(self.defaults["initial_accumulator_value"]))
        return state
