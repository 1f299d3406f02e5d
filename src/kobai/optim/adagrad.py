"""AdaGrad, as torch.optim.Adagrad."""

from __future__ import annotations

from typing import Any

from kobai.autograd.tensor import Tensor
from kobai.optim import _functional as K
from kobai.optim import _hyper as H
from kobai.optim.optimizer import Optimizer


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
    {parameters}

    References
    ----------
    Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
    Optimization", JMLR 12, 2011.

    Examples
    --------
    >>> from kobai.optim import Adagrad, trace_steps
    >>> trace_steps(Adagrad, [3.0], lr=0.5)  # 3 - 0.5 * 6 / sqrt(36)
    array([[3. ],
           [2.5]], dtype=float32)
    """

    _kernel = staticmethod(K.adagrad)
    _steps_flat = True
    _kernel_numbers = ("step",)
    _state_arrays = ("sum",)
    _hypers = {
        "lr": H.lr(1e-2),
        "lr_decay": H.Hyper(
            0.0, H.at_least_zero("lr_decay value"), "float", r"Learning-rate decay :math:`\delta`."
        ),
        "weight_decay": H.WEIGHT_DECAY,
        "initial_accumulator_value": H.Hyper(
            0.0,
            H.at_least_zero("initial_accumulator_value value"),
            "float",
            "Starting value of :math:`s`.",
            kernel=False,
        ),
        "eps": H.eps(1e-10),
        "maximize": H.MAXIMIZE,
    }

    def _init_group(self, group: dict[str, Any]) -> None:
        for p in group["params"]:
            self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = super()._init_state(p, group)
        # PyTorch's rule: the constructor's value, whatever the group says.
        state["sum"].fill(float(self.defaults["initial_accumulator_value"]))
        return state
