"""kobai (勾配, "gradient"): a from-scratch NumPy laboratory for how neural networks learn."""

from kobai import functional
from kobai.autograd import (
    Function,
    GradcheckError,
    Tensor,
    enable_grad,
    gradcheck,
    is_grad_enabled,
    no_grad,
    numerical_grad,
    ones,
    tensor,
    zeros,
)

__version__ = "0.1.0"

__all__ = [
    "Function",
    "GradcheckError",
    "Tensor",
    "__version__",
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
