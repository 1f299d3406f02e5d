"""Activations made of kobai's differentiable ops: SiLU, Mish, SELU, Hardtanh, ReLU6,
LogSigmoid and Softsign, as functions (PyTorch's ``F.silu``, ...) and modules.

Each function composes existing ops (``sigmoid``, ``tanh``, ``softplus``, ``elu``, ``where``,
...), so its gradient, and any derivative of that gradient, comes from theirs. Each module
also has ``derivative(x)``, the analytic :math:`f'(x)` that the activation gallery draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.ops.activation import stable_sigmoid
from kobai.autograd.tensor import Tensor
from kobai.nn._activation_ops import elu, elu_derivative
from kobai.nn._elementwise import Elementwise, values
from kobai.nn._validation import number

# Klambauer et al.'s constants, to the digits PyTorch uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def silu(input: Any) -> Tensor:
    """Sigmoid-weighted linear unit, also called swish (PyTorch's ``F.silu``).

    .. math:: \\mathrm{SiLU}(x) = x \\sigma(x)

    References
    ----------
    S. Elfwing, E. Uchibe and K. Doya, "Sigmoid-weighted linear units for neural network
    function approximation in reinforcement learning", 2017.
    """
    return F.mul(input, F.sigmoid(input))


def mish(input: Any) -> Tensor:
    """Mish (PyTorch's ``F.mish``).

    .. math:: \\mathrm{Mish}(x) = x \\tanh(\\mathrm{softplus}(x))

    References
    ----------
    D. Misra, "Mish: a self regularized non-monotonic activation function", 2019.
    """
    return F.mul(input, F.tanh(F.softplus(input, 1.0, float("inf"))))


def selu(input: Any) -> Tensor:
    """Scaled exponential linear unit (PyTorch's ``F.selu``), self-normalising with LeCun
    normal weights.

    .. math:: \\mathrm{SELU}(x) = \\lambda \\begin{cases} x & x > 0 \\\\
        \\alpha (e^x - 1) & x \\le 0 \\end{cases}, \\quad \\alpha \\approx 1.6733,\\
        \\lambda \\approx 1.0507

    References
    ----------
    G. Klambauer et al., "Self-normalizing neural networks", NeurIPS 2017.
    """
    return F.mul(elu(input, SELU_ALPHA), SELU_SCALE)


def _check_range(min_val: Any, max_val: Any) -> tuple[float, float]:
    low, high = number("min_val", min_val), number("max_val", max_val)
    if low > high:
        raise ValueError(f"min_val cannot be greater than max_val, got {low} and {high}")
    return low, high


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``x`` clamped to ``[min_val, max_val]`` (PyTorch's ``F.hardtanh``).

    The gradient is 1 strictly inside the interval and 0 on and beyond its ends (PyTorch's
    rule for hardtanh, where ``clamp`` passes it at the ends).
    """
    low, high = _check_range(min_val, max_val)
    data = input.data if isinstance(input, Tensor) else np.asarray(input)
    inside = (data > low) & (data < high)
    return F.where(inside, input, np.clip(data, low, high))


def relu6(input: Any) -> Tensor:
    """``min(max(0, x), 6)`` (PyTorch's ``F.relu6``: hardtanh on [0, 6])."""
    return hardtanh(input, 0.0, 6.0)


def logsigmoid(input: Any) -> Tensor:
    """:math:`\\log \\sigma(x) = -\\mathrm{softplus}(-x)`, stable for any ``x``
    (PyTorch's ``F.logsigmoid``)."""
    return F.neg(F.softplus(F.neg(input), 1.0, float("inf")))


def softsign(input: Any) -> Tensor:
    """:math:`x / (1 + |x|)` (PyTorch's ``F.softsign``)."""
    return F.div(input, F.add(F.abs(input), 1.0))


class SiLU(Elementwise):
    """:math:`x \\sigma(x)` (PyTorch's ``torch.nn.SiLU``); see :func:`silu`.

    .. math:: \\mathrm{SiLU}'(x) = \\sigma(x) (1 + x (1 - \\sigma(x)))
    """

    def forward(self, x: Any) -> Tensor:
        return silu(x)

    def derivative(self, x: Any) -> np.ndarray:
        v = values(x)
        s = stable_sigmoid(v)
        return s * (1 + v * (1 - s))


class Mish(Elementwise):
    """:math:`x \\tanh(\\mathrm{softplus}(x))` (PyTorch's ``torch.nn.Mish``); see :func:`mish`.

    .. math:: \\mathrm{Mish}'(x) = \\tanh(s) + x (1 - \\tanh^2(s)) \\sigma(x),
        \\quad s = \\mathrm{softplus}(x)
    """

    def forward(self, x: Any) -> Tensor:
        return mish(x)

    def derivative(self, x: Any) -> np.ndarray:
        v = values(x)
        t = np.tanh(np.logaddexp(0, v))
        return t + v * (1 - t * t) * stable_sigmoid(v)


class SELU(Elementwise):
    """Scaled ELU (PyTorch's ``torch.nn.SELU``); see :func:`selu`.

    .. math:: \\mathrm{SELU}'(x) = \\lambda \\text{ for } x > 0, \\
        \\lambda \\alpha e^x \\text{ otherwise}
    """

    def forward(self, x: Any) -> Tensor:
        return selu(x)

    def derivative(self, x: Any) -> np.ndarray:
        return SELU_SCALE * elu_derivative(values(x), SELU_ALPHA)


class Hardtanh(Elementwise):
    """``x`` clamped to ``[min_val, max_val]`` (PyTorch's ``torch.nn.Hardtanh``).

    Parameters
    ----------
    min_val : float, default -1.0
    max_val : float, default 1.0

    The derivative is 1 strictly between the two, else 0.
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        self.min_val, self.max_val = _check_range(min_val, max_val)

    def forward(self, x: Any) -> Tensor:
        return hardtanh(x, self.min_val, self.max_val)

    def derivative(self, x: Any) -> np.ndarray:
        v = values(x)
        return ((v > self.min_val) & (v < self.max_val)).astype(v.dtype)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Hardtanh):
    """``min(max(0, x), 6)`` (PyTorch's ``torch.nn.ReLU6``); derivative 1 on (0, 6), else 0."""

    def __init__(self) -> None:
        super().__init__(0.0, 6.0)

    def extra_repr(self) -> str:
        return ""


class LogSigmoid(Elementwise):
    """:math:`\\log \\sigma(x)` (PyTorch's ``torch.nn.LogSigmoid``); derivative
    :math:`1 - \\sigma(x)`."""

    def forward(self, x: Any) -> Tensor:
        return logsigmoid(x)

    def derivative(self, x: Any) -> np.ndarray:
        return stable_sigmoid(-values(x))


class Softsign(Elementwise):
    """:math:`x / (1 + |x|)` (PyTorch's ``torch.nn.Softsign``); derivative
    :math:`1 / (1 + |x|)^2`, which decays only polynomially (tanh's decays exponentially)."""

    def forward(self, x: Any) -> Tensor:
        return softsign(x)

    def derivative(self, x: Any) -> np.ndarray:
        v = values(x)
        return 1 / (1 + np.abs(v)) ** 2
