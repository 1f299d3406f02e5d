"""kobai (勾配, "gradient"): a from-scratch NumPy laboratory for how neural networks learn."""

from kobai import data, functional, nn, optim
from kobai.autograd import (
    Function,
    GradcheckError,
    Tensor,
    enable_grad,
    grad,
    gradcheck,
    gradgradcheck,
    is_grad_enabled,
    no_grad,
    numerical_grad,
    ones,
    tensor,
    zeros,
)
from kobai.autograd.engine import tune_allocator
from kobai.backend import flush_denormal, get_num_threads, set_flush_denormal, set_num_threads
from kobai.train import History, evaluate, fit, predict

__version__ = "0.1.0"

__all__ = [
    "Function",
    "GradcheckError",
    "History",
    "Tensor",
    "__version__",
    "data",
    "enable_grad",
    "evaluate",
    "fit",
    "flush_denormal",
    "functional",
    "get_num_threads",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "nn",
    "no_grad",
    "numerical_grad",
    "ones",
    "optim",
    "predict",
    "set_flush_denormal",
    "set_num_threads",
    "tensor",
    "tune_allocator",
    "zeros",
]
