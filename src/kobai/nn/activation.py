"""Activation layers, each with its derivative for plots: ``module.derivative(x)``.

Every element-wise activation module has a ``derivative(x)`` method giving :math:`f'(x)` as an
ndarray of the shape of ``x`` (no graph, analytic formulas); Softmax and LogSoftmax give their
Jacobian along ``dim``. :func:`derivative` does the same from a name, and :func:`get` builds an
activation module from a name (``"relu"``, ``"leaky_relu"``, ``"sigmoid"``, ...).

Examples
--------
>>> import numpy as np
>>> from kobai import nn
>>> nn.Sigmoid().derivative(np.array([0.0]))
array([0.25])
>>> nn.activation.derivative("relu", np.array([-1.0, 2.0]))
array([0., 1.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.ops.activation import stable_sigmoid
from kobai.autograd.tensor import Tensor
from kobai.nn._activation_ops import (
    channel_shape,
    check_approximate,
    elu,
    elu_derivative,
    gelu,
    gelu_derivative,
    prelu,
)
from kobai.nn._elementwise import Elementwise, values
from kobai.nn._validation import check_dtype, float_dtype, number, positive_int, shape_of
from kobai.nn.composed_activation import (
    SELU,
    Hardtanh,
    LogSigmoid,
    Mish,
    ReLU6,
    SiLU,
    Softsign,
)
from kobai.nn.flatten import Identity
from kobai.nn.module import Module
from kobai.nn.parameter import Parameter
from kobai.nn.softmax import LogSoftmax, Softmax
from kobai.validation import check_str


class Sigmoid(Elementwise):
    """Logistic function, range (0, 1); its derivative is at most 1/4 (at 0).

    .. math:: \\sigma(x) = \\frac{1}{1 + e^{-x}}, \\qquad \\sigma'(x) = \\sigma(x)(1 - \\sigma(x))
    """

    def forward(self, x: Any) -> Tensor:
        return F.sigmoid(x)

    def derivative(self, x: Any) -> np.ndarray:
        s = stable_sigmoid(values(x))
        return s * (1 - s)


class Tanh(Elementwise):
    """Hyperbolic tangent, range (-1, 1), zero-centred; derivative at most 1 (at 0).

    .. math:: \\tanh'(x) = 1 - \\tanh^2(x)
    """

    def forward(self, x: Any) -> Tensor:
        return F.tanh(x)

    def derivative(self, x: Any) -> np.ndarray:
        t = np.tanh(values(x))
        return 1 - t * t


class ReLU(Elementwise):
    """Rectified linear unit :math:`\\max(0, x)`; derivative 1 for x > 0, else 0 (also at 0,
    as PyTorch)."""

    def forward(self, x: Any) -> Tensor:
        return F.relu(x)

    def derivative(self, x: Any) -> np.ndarray:
        v = values(x)
        return (v > 0).astype(v.dtype)


class LeakyReLU(Elementwise):
    """:math:`x` for x > 0, else :math:`negative\\_slope \\cdot x` (PyTorch's LeakyReLU).

    Parameters
    ----------
    negative_slope : float, default 0.01
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = number("negative_slope", negative_slope)

    def forward(self, x: Any) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def derivative(self, x: Any) -> np.ndarray:
        v = values(x)
        return np.where(v > 0, 1, self.negative_slope).astype(v.dtype)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class PReLU(Elementwise):
    """Leaky ReLU whose negative slope is learned (PyTorch's ``torch.nn.PReLU``).

    .. math:: \\mathrm{PReLU}(x) = \\max(0, x) + a \\min(0, x)

    Parameters
    ----------
    num_parameters : int, default 1
        1 (one slope shared by every element) or C (one per channel, axis 1 of the input).
    init : float, default 0.25
        Initial slope.
    dtype : dtype, default float32, keyword-only

    References
    ----------
    K. He et al., "Delving deep into rectifiers", ICCV 2015.
    """

    weight: Parameter

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *, dtype: Any = np.float32):
        super().__init__()
        self.num_parameters = positive_int("num_parameters", num_parameters)
        self.init = number("init", init)
        self.weight = Parameter(np.full(self.num_parameters, self.init, dtype=float_dtype(dtype)))

    def forward(self, x: Any) -> Tensor:
        shape = shape_of(x)
        if self.num_parameters > 1 and (len(shape) < 2 or shape[1] != self.num_parameters):
            raise ValueError(f"{self!r} expected input (N, {self.num_parameters}, *), got {shape}")
        check_dtype(repr(self), x, self.weight.dtype)
        return prelu(x, self.weight)

    def derivative(self, x: Any) -> np.ndarray:
        v = values(x)
        slope = self.weight.data.reshape(channel_shape(v.ndim, self.num_parameters))
        return np.where(v > 0, v.dtype.type(1), slope.astype(v.dtype))

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class ELU(Elementwise):
    """Exponential linear unit (PyTorch's ``torch.nn.ELU``).

    .. math:: \\mathrm{ELU}(x) = x \\text{ if } x > 0 \\text{ else } \\alpha (e^x - 1)

    Parameters
    ----------
    alpha : float, default 1.0
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = number("alpha", alpha)

    def forward(self, x: Any) -> Tensor:
        return elu(x, self.alpha)

    def derivative(self, x: Any) -> np.ndarray:
        return elu_derivative(values(x), self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Elementwise):
    """Gaussian error linear unit :math:`x \\Phi(x)` (PyTorch's ``torch.nn.GELU``).

    Parameters
    ----------
    approximate : {"none", "tanh"}, default "none"
        "none": the exact erf form; "tanh": Hendrycks & Gimpel's tanh approximation.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = check_approximate(approximate)

    def forward(self, x: Any) -> Tensor:
        return gelu(x, self.approximate)

    def derivative(self, x: Any) -> np.ndarray:
        return gelu_derivative(values(x), self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Elementwise):
    """Smooth ReLU (PyTorch's ``torch.nn.Softplus``), linear where ``beta x > threshold``.

    .. math:: \\mathrm{Softplus}(x) = \\frac{1}{\\beta} \\log(1 + e^{\\beta x}),
        \\qquad \\mathrm{Softplus}'(x) = \\sigma(\\beta x)

    Parameters
    ----------
    beta : float > 0, default 1.0
    threshold : float, default 20.0
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = number("beta", beta, low=0.0, strict=True)
        self.threshold = number("threshold", threshold)

    def forward(self, x: Any) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def derivative(self, x: Any) -> np.ndarray:
        z = values(x) * self.beta
        return np.where(z > self.threshold, z.dtype.type(1), stable_sigmoid(z))

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


ACTIVATIONS: dict[str, Callable[..., Module]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "prelu": PReLU,
    "elu": ELU,
    "gelu": GELU,
    "softplus": Softplus,
    "silu": SiLU,
    "mish": Mish,
    "selu": SELU,
    "hardtanh": Hardtanh,
    "relu6": ReLU6,
    "log_sigmoid": LogSigmoid,
    "softsign": Softsign,
    "softmax": Softmax,
    "log_softmax": LogSoftmax,
    "identity": Identity,
    "linear": Identity,
}


def get(name: str, **kwargs: Any) -> Module:
    """A new activation module from its name (``"relu"``, ``"leaky_relu"``, ...).

    Keyword arguments go to the constructor: ``get("leaky_relu", negative_slope=0.1)``.
    ``"softmax"`` and ``"log_softmax"`` act on the last axis unless ``dim`` is given (a model
    or command line that names them means the class axis of (N, C) outputs, without
    PyTorch's warning about an implicit axis).

    Raises
    ------
    ValueError
        For an unknown name, listing the valid ones.
    """
    check_str("activation name", name, empty=True)
    key = name.strip().lower().replace("-", "_")
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; valid names: {', '.join(ACTIVATIONS)}")
    if key in ("softmax", "log_softmax"):
        kwargs.setdefault("dim", -1)
    return ACTIVATIONS[key](**kwargs)


def derivative(activation: str | Module, x: Any) -> np.ndarray:
    """:math:`f'(x)` of an activation given by name or as a module, as an ndarray.

    Parameters
    ----------
    activation : str or Module
        A name accepted by :func:`get`, or an activation module.
    x : array_like or Tensor
        Points; float64 unless ``x`` is already a float array.

    Returns
    -------
    ndarray of the shape of ``x`` (for Softmax/LogSoftmax: the Jacobian, ``(..., C, C)``).
    """
    module = get(activation) if isinstance(activation, str) else activation
    method = getattr(module, "derivative", None)
    if method is None:
        raise TypeError(f"{type(module).__name__} has no derivative")
    return method(x)
