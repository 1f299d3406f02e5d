"""Update kernels of Adamax, Rprop and Lion: one NumPy function per rule, in place on arrays.

As in :mod:`kobai.optim._functional`: each kernel updates ``param`` and its state arrays in
place, allocates nothing (its intermediate values go to the scratch arrays of a
:class:`Workspace`) and follows the order of operations of the reference implementation
(``torch.optim``'s single-tensor path for Adamax and Rprop; the authors' reference for Lion).
"""

from __future__ import annotations

import numpy as np

from kobai.optim import _fused
from kobai.optim._math import add_scaled_ratio, lerp_, with_decay
from kobai.optim._workspace import Workspace


@with_decay()
def adamax(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    exp_inf: np.ndarray,
    *,
    step: int,
    lr: float = 2e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    work: Workspace,
) -> None:
    r"""One step of Adamax (Adam with the infinity norm), PyTorch's form.

    .. math::
        m &\leftarrow \beta_1 m + (1 - \beta_1) g, \quad
        u \leftarrow \max(\beta_2 u, |g| + \epsilon) \\
        \theta &\leftarrow \theta - \frac{\eta}{1 - \beta_1^t} \frac{m}{u}

    References
    ----------
    Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.
    """
    g = grad
    scale = -lr / (1 - beta1**step)
    small, w = _fused.lerp_weight(1 - beta1, param.dtype)
    if _fused.run("adamax", small, param, g, exp_avg, exp_inf, scalars=(w, beta2, eps, scale)):
        return
    lerp_(exp_avg, g, 1 - beta1, work[1])
    exp_inf *= beta2
    norm = np.abs(g, out=work[1])
    norm += eps
    np.maximum(exp_inf, norm, out=exp_inf)
    add_scaled_ratio(param, exp_avg, scale, exp_inf, work[1])


@with_decay()
def rprop(
    param: np.ndarray,
    grad: np.ndarray,
    prev: np.ndarray,
    step_size: np.ndarray,
    *,
    lr: float = 1e-2,
    etaminus: float = 0.5,
    etaplus: float = 1.2,
    step_size_min: float = 1e-6,
    step_size_max: float = 50.0,
    work: Workspace,
) -> None:
    r"""One step of resilient backpropagation (Rprop), PyTorch's form.

    Each weight has its own step :math:`\Delta`, which grows by :math:`\eta^+` while the
    gradient keeps its sign and shrinks by :math:`\eta^-` when it flips (then that weight
    waits one step: its gradient is taken as zero):

    .. math::
        \Delta &\leftarrow \mathrm{clip}(\Delta \cdot
        \{\eta^+, \eta^-, 1\}[\mathrm{sign}(g\, g_{prev})], \Delta_{min}, \Delta_{max}) \\
        \theta &\leftarrow \theta - \mathrm{sign}(g)\, \Delta, \quad g_{prev} \leftarrow g

    ``lr`` only sets the first :math:`\Delta` (the state is made with it).

    References
    ----------
    Riedmiller and Braun, "A Direct Adaptive Method for Faster Backpropagation Learning: The
    RPROP Algorithm", IEEE ICNN 1993.
    """
    g = work[0]  # a copy: the weights whose gradient flipped sign take a zero gradient
    if grad is not g:
        np.copyto(g, grad)
    factor = np.multiply(g, prev, out=work[1])
    np.sign(factor, out=factor)
    flipped = np.less(factor, 0, out=work.mask(0))
    np.copyto(factor, etaplus, where=np.greater(factor, 0, out=work.mask(1)))
    np.copyto(factor, etaminus, where=flipped)
    np.copyto(factor, 1.0, where=np.equal(factor, 0, out=work.mask(1)))
    step_size *= factor
    np.clip(step_size, step_size_min, step_size_max, out=step_size)
    np.copyto(g, 0.0, where=flipped)
    update = np.sign(g, out=work[1])
    update *= step_size
    param -= update
    np.copyto(prev, g)


@with_decay(decoupled=True)
def lion(
    param: np.ndarray,
    grad: np.ndarray,
    exp_avg: np.ndarray,
    *,
    lr: float = 1e-4,
    beta1: float = 0.9,
    beta2: float = 0.99,
    work: Workspace,
) -> None:
    r"""One step of Lion (evolved sign momentum), as the authors' reference code.

    .. math::
        \theta &\leftarrow \theta (1 - \eta \lambda) \\
        \theta &\leftarrow \theta - \eta\, \mathrm{sign}(\beta_1 m + (1 - \beta_1) g) \\
        m &\leftarrow \beta_2 m + (1 - \beta_2) g

    Weight decay is decoupled (it shrinks the weights before the step, as in AdamW).

    References
    ----------
    Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023
    (arXiv:2302.06675).
    """
    g = grad
    update = np.multiply(exp_avg, beta1, out=work[1])
    update += np.multiply(g, 1 - beta1, out=work[2])
    np.sign(update, out=update)
    update *= lr
    param -= update
    exp_avg *= beta2
    exp_avg += np.multiply(g, 1 - beta2, out=work[2])
