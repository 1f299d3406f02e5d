"""The functional forms of the layers and losses (PyTorch's ``torch.nn.functional``).

Activations that :mod:`kobai.functional` already has are re-exported from there; ``softmax``
and ``log_softmax`` take ``dim`` here, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from kobai.autograd import ops as _F
from kobai.autograd.ops import leaky_relu, relu, sigmoid, softplus, tanh
from kobai.autograd.tensor import Tensor
from kobai.nn._activation_ops import elu, gelu, prelu
from kobai.nn._binary_loss_ops import binary_cross_entropy, binary_cross_entropy_with_logits
from kobai.nn._conv_ops import conv2d, conv_transpose2d
from kobai.nn._loss_ops import cross_entropy, nll_loss
from kobai.nn._ops import batch_norm, dropout, linear
from kobai.nn._pool_ops import avg_pool2d, max_pool2d
from kobai.nn._regression_loss_ops import huber_loss, l1_loss, mse_loss, sse_loss


def softmax(input: Any, dim: int = -1) -> Tensor:
    """Softmax along ``dim`` (stable: the maximum is subtracted first)."""
    return _F.softmax(input, dim)


def log_softmax(input: Any, dim: int = -1) -> Tensor:
    """``x - logsumexp(x, dim)``, stable for large ``|x|``."""
    return _F.log_softmax(input, dim)


__all__ = [
    "avg_pool2d", "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "conv2d", "conv_transpose2d", "cross_entropy", "dropout", "elu", "gelu", "huber_loss",
    "l1_loss", "leaky_relu", "linear", "log_softmax", "max_pool2d", "mse_loss", "nll_loss",
    "prelu", "relu", "sigmoid", "softmax", "softplus", "sse_loss", "tanh",
]  # fmt: skip
