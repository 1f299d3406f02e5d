"""Softmax and LogSoftmax, as modules and functions, with PyTorch's choice of dimension.

Without ``dim``, PyTorch picks axis 0 for 0-, 1- and 3-dimensional inputs and axis 1 for every
other rank, and warns that the implicit choice is deprecated; kobai does exactly the same, so
that a model written for one library normalises over the same axis in the other.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.tensor import Tensor
from kobai.nn._elementwise import values
from kobai.nn._validation import shape_of
from kobai.nn.module import Module
from kobai.validation import check_int


def implicit_dim(name: str, ndim: int, stacklevel: int = 3) -> int:
    """PyTorch's axis for a softmax called without ``dim`` (0 for ranks 0, 1 and 3, else 1),
    with its deprecation warning."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel + 1,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _dim(dim: Any) -> int | None:
    if dim is None:
        return None
    return check_int("dim", dim)


def _apply(op: Any, name: str, x: Any, dim: int | None, stacklevel: int) -> Tensor:
    ndim = len(shape_of(x))
    axis = implicit_dim(name, ndim, stacklevel + 1) if dim is None else dim
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"{name}: dim {axis} is out of range for an input of shape {shape_of(x)}")
    if ndim == 0:  # a single value is its own (one-element) axis, as in PyTorch
        return F.reshape(op(F.reshape(x, (1,)), 0), ())
    return op(x, axis)


def softmax(input: Any, dim: int | None = None) -> Tensor:
    """Softmax along ``dim`` (stable: the maximum is subtracted first), PyTorch's ``F.softmax``.

    .. math:: \\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}

    Parameters
    ----------
    input : Tensor of any shape
    dim : int, optional
        The axis that sums to 1. Without it, PyTorch's implicit choice (0 for 0-, 1- and 3-d
        inputs, else 1) with a deprecation warning.
    """
    return _apply(F.softmax, "softmax", input, _dim(dim), 2)


def log_softmax(input: Any, dim: int | None = None) -> Tensor:
    """``x - logsumexp(x, dim)``, stable for large ``|x|`` (PyTorch's ``F.log_softmax``).

    ``dim`` as in :func:`softmax`.
    """
    return _apply(F.log_softmax, "log_softmax", input, _dim(dim), 2)


class _SoftmaxBase(Module):
    name = ""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = _dim(dim)

    def _axis(self, x: np.ndarray) -> int:
        return implicit_dim(self.name, x.ndim, 3) if self.dim is None else self.dim

    def forward(self, x: Any) -> Tensor:
        shape = shape_of(x)
        if self.dim is not None and not -max(len(shape), 1) <= self.dim < max(len(shape), 1):
            raise ValueError(
                f"{self!r} expected an input with an axis {self.dim}, got shape {shape}"
            )
        return _apply(getattr(F, self.name), self.name, x, self.dim, 3)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """Softmax along ``dim``: probabilities that sum to 1 (PyTorch's ``torch.nn.Softmax``).

    .. math:: \\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}

    For classification prefer :class:`~kobai.nn.CrossEntropyLoss` on the logits: it fuses the
    softmax with the loss and is exact where ``log(softmax(x))`` underflows.

    Parameters
    ----------
    dim : int, optional
        The axis that sums to 1. None (the default, as PyTorch): axis 0 for 0-, 1- and 3-d
        inputs, axis 1 otherwise, with PyTorch's deprecation warning; pass it explicitly.
    """

    name = "softmax"

    def derivative(self, x: Any) -> np.ndarray:
        """The Jacobian along ``dim``: shape ``(..., C, C)`` (``dim`` moved last), entry
        :math:`\\partial y_i / \\partial x_j = y_i (\\delta_{ij} - y_j)`."""
        v = values(x)
        axis = self._axis(v)
        y = np.moveaxis(F.softmax(v, axis).data, axis, -1)
        return y[..., :, None] * (np.eye(y.shape[-1], dtype=y.dtype) - y[..., None, :])


class LogSoftmax(_SoftmaxBase):
    """Logarithm of the softmax along ``dim``, computed stably (``torch.nn.LogSoftmax``).

    .. math:: \\mathrm{log\\_softmax}(x)_i = x_i - \\log \\sum_j e^{x_j}

    Parameters
    ----------
    dim : int, optional
        As for :class:`Softmax` (None: PyTorch's implicit choice, with its warning).
    """

    name = "log_softmax"

    def derivative(self, x: Any) -> np.ndarray:
        """The Jacobian along ``dim``, shape ``(..., C, C)``:
        :math:`\\partial y_i / \\partial x_j = \\delta_{ij} - \\mathrm{softmax}(x)_j`."""
        v = values(x)
        axis = self._axis(v)
        s = np.moveaxis(F.softmax(v, axis).data, axis, -1)
        return np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :]
