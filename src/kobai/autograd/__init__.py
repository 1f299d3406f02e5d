"""Reverse-mode automatic differentiation on NumPy arrays."""

from kobai.autograd.tensor import Tensor, ones, tensor, zeros  # noqa: I001 - load order
from kobai.autograd import functional
from kobai.autograd.function import Function
from kobai.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from kobai.autograd.numerical import GradcheckError, gradcheck, numerical_grad

__all__ = [
    "Function",
    "GradcheckError",
    "Tensor",
    "enable_grad",
    "functional",
    "gradcheck",
    "is_grad_enabled",
    "no_grad",
    "numerical_grad",
    "ones",
    "tensor",
    "zeros",
]
