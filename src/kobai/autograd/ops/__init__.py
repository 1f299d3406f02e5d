"""Every differentiable op as a lowercase function (users call them as ``kobai.functional``).

Each takes tensors, ndarrays or Python numbers and returns a :class:`kobai.Tensor`; the op's
forward and backward live together in the modules of this package. Loading it attaches the
operators and methods to :class:`~kobai.autograd.tensor.Tensor`.
"""

from kobai.autograd.ops.activation import (
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from kobai.autograd.ops.arithmetic import (
    abs,
    add,
    cast,
    clip,
    div,
    exp,
    log,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    sqrt,
    sub,
    where,
)
from kobai.autograd.ops.linalg import matmul
from kobai.autograd.ops.methods import setup_tensor
from kobai.autograd.ops.reduction import logsumexp, max, mean, min, sum, var
from kobai.autograd.ops.shape import (
    broadcast_to,
    concatenate,
    expand_dims,
    getitem,
    pad,
    permute,
    reshape,
    squeeze,
    stack,
    transpose,
)

__all__ = [
    "abs", "add", "broadcast_to", "cast", "clip", "concatenate", "div", "exp", "expand_dims",
    "getitem", "leaky_relu", "log", "log_softmax", "logsumexp", "matmul", "max", "maximum",
    "mean", "min", "minimum", "mul", "neg", "pad", "permute", "pow", "relu", "reshape",
    "sigmoid", "softmax", "softplus", "sqrt", "squeeze", "stack", "sub", "sum", "tanh",
    "transpose", "var", "where",
]  # fmt: skip

setup_tensor()
