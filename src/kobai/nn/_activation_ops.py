"""Activation ops that kobai.functional does not have: ELU, GELU (with erf), PReLU."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.validation import check_real

# Rational approximations of erf on [0, 1] and of erfc on [1, 8] (S. L. Moshier, Cephes
# Mathematical Library, ndtr.c): relative error about 1e-16 in float64.
_ERF_T = (
    9.60497373987051638749e0,
    9.00260197203842689217e1,
    2.23200534594684319226e3,
    7.00332514112805075473e3,
    5.55923013010394962768e4,
)
_ERF_U = (
    1.0,
    3.35617141647503099647e1,
    5.21357949780152679795e2,
    4.59432382970980127987e3,
    2.26290000613890934246e4,
    4.92673942608635921086e4,
)
_ERFC_P = (
    2.46196981473530512524e-10,
    5.64189564831068821977e-1,
    7.46321056442269912687e0,
    4.86371970985681366614e1,
    1.96520832956077098242e2,
    5.26445194995477358631e2,
    9.34528527171957607540e2,
    1.02755188689515710272e3,
    5.57535335369399327526e2,
)
_ERFC_Q = (
    1.0,
    1.32281951154744992508e1,
    8.67072140885989742329e1,
    3.54937778887819891062e2,
    9.75708501743205489753e2,
    1.82390916687909736289e3,
    2.24633760818710981792e3,
    1.65666309194161350182e3,
    5.57535340817727675546e2,
)
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_K = math.sqrt(2.0 / math.pi)
_TANH_C = 0.044715
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _polyval(coefficients: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    out = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        out *= x
        out += c
    return out


def erf(x: np.ndarray) -> np.ndarray:
    """The error function :math:`\\mathrm{erf}(x) = \\frac{2}{\\sqrt\\pi}\\int_0^x e^{-t^2} dt`,
    element-wise, in the dtype of ``x`` (float64: absolute error below 1e-15).

    Rational approximations (Cephes): :math:`x\\,T(x^2)/U(x^2)` for :math:`|x| \\le 1`, and
    :math:`1 - e^{-x^2} P(|x|)/Q(|x|)` with the sign of ``x`` beyond (``|x|`` capped at 8, where
    erf is 1 to double precision).
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    out = np.empty_like(x)
    a = np.abs(x)
    small = a <= 1
    xs = x[small]
    zs = xs * xs
    out[small] = xs * _polyval(_ERF_T, zs) / _polyval(_ERF_U, zs)
    big = ~small
    ab = np.minimum(a[big], x.dtype.type(8))
    erfc = np.exp(-ab * ab) * _polyval(_ERFC_P, ab) / _polyval(_ERFC_Q, ab)
    out[big] = np.copysign(1 - erfc, x[big])
    return out


def gelu_value(x: np.ndarray, approximate: str) -> np.ndarray:
    """GELU :math:`x\\Phi(x)` (or its tanh approximation), without the graph."""
    if approximate == "tanh":
        inner = _TANH_K * (x + _TANH_C * x * x * x)
        return 0.5 * x * (1 + np.tanh(inner))
    return 0.5 * x * (1 + erf(x * _SQRT_HALF))


def gelu_derivative(x: np.ndarray, approximate: str) -> np.ndarray:
    """d GELU / dx: :math:`\\Phi(x) + x \\varphi(x)` (or the tanh form's derivative)."""
    if approximate == "tanh":
        t = np.tanh(_TANH_K * (x + _TANH_C * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _TANH_K * (1 + 3 * _TANH_C * x * x)
    cdf = 0.5 * (1 + erf(x * _SQRT_HALF))
    return cdf + x * np.exp(-0.5 * x * x) * _INV_SQRT_2PI


class Erf(Function):
    """The error function as an op: d erf(x) / dx = 2 / sqrt(pi) * exp(-x**2)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return erf(x)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * (_TWO_OVER_SQRT_PI * np.exp(-self.x * self.x)),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved()
        return (grad * (_TWO_OVER_SQRT_PI * F.exp(-x * x)),)


def gelu_derivative_graph(x: Tensor, approximate: str) -> Tensor:
    """:func:`gelu_derivative` with ops (differentiable again)."""
    if approximate == "tanh":
        t = F.tanh(_TANH_K * (x + _TANH_C * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _TANH_K * (1 + 3 * _TANH_C * x * x)
    cdf = 0.5 * (1 + Erf()(x * _SQRT_HALF))
    return cdf + x * F.exp(-0.5 * x * x) * _INV_SQRT_2PI


class GELU(Function):
    def __init__(self, approximate: str) -> None:
        self.approximate = approximate

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return gelu_value(x, self.approximate)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * gelu_derivative(self.x, self.approximate),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        return (grad * gelu_derivative_graph(self.saved()[0], self.approximate),)


def elu_value(x: np.ndarray, alpha: float) -> np.ndarray:
    """ELU without the graph: ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    # expm1 of min(x, 0): no overflow warnings from the branch that is thrown away.
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_derivative(x: np.ndarray, alpha: float) -> np.ndarray:
    """d ELU / dx: 1 for ``x > 0``, else ``alpha * exp(x)``."""
    return np.where(x > 0, x.dtype.type(1), alpha * np.exp(np.minimum(x, 0)))


class ELU(Function):
    def __init__(self, alpha: float) -> None:
        self.alpha = alpha

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return elu_value(x, self.alpha)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        return (grad * elu_derivative(self.x, self.alpha),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (x,) = self.saved()
        positive = self.x > 0
        # exp of the negative part only: the other branch is thrown away (no overflow).
        return (F.where(positive, grad, grad * self.alpha * F.exp(F.where(positive, 0.0, x))),)


def channel_shape(x_ndim: int, num: int) -> tuple[int, ...]:
    """Shape that broadcasts ``num`` per-channel values over axis 1 of an ``x_ndim`` array."""
    if x_ndim == 0:
        return ()  # a 0-d input keeps its shape (one shared slope), as in PyTorch
    if num == 1 or x_ndim < 2:
        return (num,)
    return (1, num) + (1,) * (x_ndim - 2)


class PReLU(Function):
    """``max(0, x) + a * min(0, x)`` with a learned slope per channel (axis 1) or one shared."""

    def forward(self, x: np.ndarray, a: np.ndarray) -> np.ndarray:
        self.x = x
        self.a = a.reshape(channel_shape(x.ndim, a.size))
        self.positive = x > 0
        return np.where(self.positive, x, self.a * x)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        gx = np.where(self.positive, grad, self.a * grad) if self.needs_grad[0] else None
        ga = None
        if self.needs_grad[1]:
            contribution = np.where(self.positive, 0, grad * self.x)
            if self.a.size == 1:
                ga = contribution.sum().reshape(1)
            else:
                ga = contribution.sum(axis=(0, *range(2, contribution.ndim)))
        return gx, ga

    def backward_graph(self, grad: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, a = self.saved()
        gx = ga = None
        if self.needs_grad[0]:
            gx = F.where(self.positive, grad, F.reshape(a, self.a.shape) * grad)
        if self.needs_grad[1]:
            contribution = F.where(self.positive, 0.0, grad * x)
            if self.a.size == 1:
                ga = F.reshape(F.sum(contribution), (1,))
            else:
                ga = F.sum(contribution, (0, *range(2, contribution.ndim)))
        return gx, ga


def _number(name: str, value: Any) -> float:
    return check_real(name, value)


APPROXIMATIONS = ("none", "tanh")


def check_approximate(approximate: Any) -> str:
    """Return ``approximate`` if it is one of ``APPROXIMATIONS`` (GELU's), else raise ValueError."""
    if approximate not in APPROXIMATIONS:
        raise ValueError(
            f"approximate must be one of {', '.join(map(repr, APPROXIMATIONS))}, "
            f"got {approximate!r}"
        )
    return str(approximate)


def gelu(x: Any, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit (PyTorch's ``F.gelu``).

    .. math::

        \\mathrm{GELU}(x) = x \\Phi(x) = \\frac{x}{2}\\left(1 + \\mathrm{erf}(x / \\sqrt 2)\\right)

    With ``approximate="tanh"``:
    :math:`\\frac{x}{2}(1 + \\tanh(\\sqrt{2/\\pi}(x + 0.044715 x^3)))`.

    References
    ----------
    D. Hendrycks and K. Gimpel, "Gaussian Error Linear Units (GELUs)", 2016.
    """
    return GELU(check_approximate(approximate))(x)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit (PyTorch's ``F.elu``).

    .. math:: \\mathrm{ELU}(x) = x \\text{ if } x > 0 \\text{ else } \\alpha (e^x - 1)

    References
    ----------
    D.-A. Clevert et al., "Fast and accurate deep network learning by exponential linear
    units (ELUs)", ICLR 2016.
    """
    return ELU(_number("alpha", alpha))(x)


def prelu(x: Any, weight: Any) -> Tensor:
    """Parametric ReLU (PyTorch's ``F.prelu``): ``x`` for ``x > 0``, else ``weight * x``.

    Parameters
    ----------
    x : Tensor of shape (N, C, *) or any shape when ``weight`` has one element
    weight : Tensor of shape (1,) or (C,)
        The learned negative slope(s), one per channel (axis 1) or one shared.
    """
    w_size = int(np.size(weight))
    x_shape = np.shape(x)
    if w_size != 1 and (len(x_shape) < 2 or x_shape[1] != w_size):
        raise ValueError(
            f"prelu: {w_size} slopes need an input with {w_size} channels on axis 1, "
            f"got shape {x_shape}"
        )
    return PReLU()(x, weight)
