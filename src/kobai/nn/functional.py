"""The functional forms of the layers and losses (PyTorch's ``torch.nn.functional``).

Activations that :mod:`kobai.functional` already has are re-exported from there; ``softmax``
and ``log_softmax`` take ``dim`` here, as in PyTorch.
"""

from __future__ import annotations

from kobai.autograd.ops import leaky_relu, relu, sigmoid, softplus, tanh
from kobai.nn._activation_ops import elu, gelu, prelu
from kobai.nn._binary_loss_ops import binary_cross_entropy, binary_cross_entropy_with_logits
from kobai.nn._composed_loss_ops import kl_div, smooth_l1_loss
from kobai.nn._conv_ops import conv2d, conv_transpose2d
from kobai.nn._loss_ops import cross_entropy, nll_loss
from kobai.nn._norm_ops import group_norm, layer_norm
from kobai.nn._ops import batch_norm, dropout, linear
from kobai.nn._pad_ops import pad
from kobai.nn._pool_ops import avg_pool2d, max_pool2d
from kobai.nn._regression_loss_ops import huber_loss, l1_loss, mse_loss, sse_loss
from kobai.nn._unpool_ops import max_unpool2d
from kobai.nn.composed_activation import (
    hardtanh,
    logsigmoid,
    mish,
    relu6,
    selu,
    silu,
    softsign,
)
from kobai.nn.embedding import embedding
from kobai.nn.softmax import log_softmax, softmax

__all__ = [
    "avg_pool2d", "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "conv2d", "conv_transpose2d", "cross_entropy", "dropout", "elu", "embedding", "gelu",
    "group_norm", "hardtanh", "huber_loss", "kl_div", "l1_loss", "layer_norm", "leaky_relu",
    "linear", "log_softmax", "logsigmoid", "max_pool2d", "max_unpool2d", "mish", "mse_loss",
    "nll_loss", "pad", "prelu", "relu", "relu6", "selu", "sigmoid", "silu", "smooth_l1_loss",
    "softmax", "softplus", "softsign", "sse_loss", "tanh",
]  # fmt: skip
