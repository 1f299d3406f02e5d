"""Reverse-mode automatic differentiation on NumPy arrays.

Imports run one way: ``tensor`` (the bottom) <- ``function`` <- ``ops`` (which attach the
operators to Tensor as they load) <- ``gradients``, ``numerical`` <- ``functional``.
"""

from kobai.autograd.tensor import Tensor, ones, tensor, zeros  # noqa: I001 - load order
from kobai.autograd import ops
from kobai.autograd.function import Function
from kobai.autograd.gradients import grad
from kobai.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from kobai.autograd.numerical import GradcheckError, gradcheck, gradgradcheck, numerical_grad
from kobai.autograd import functional

__all__ = [
    "Function",
    "GradcheckError",
    "Tensor",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "no_grad",
    "numerical_grad",
    "ones",
    "ops",
    "tensor",
    "zeros",
]
