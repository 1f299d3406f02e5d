"""Neural-network building blocks with PyTorch's ``torch.nn`` names and semantics."""

from kobai.nn import activation, functional, init, utils
from kobai.nn.activation import (
    ELU,
    GELU,
    LeakyReLU,
    LogSoftmax,
    PReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from kobai.nn.composed_activation import (
    SELU,
    Hardtanh,
    LogSigmoid,
    Mish,
    ReLU6,
    SiLU,
    Softsign,
)
from kobai.nn.container import ModuleDict, ModuleList, ParameterList, Sequential
from kobai.nn.conv import Conv2d, ConvTranspose2d
from kobai.nn.dropout import Dropout
from kobai.nn.embedding import Embedding
from kobai.nn.flatten import Flatten, Identity, Unflatten
from kobai.nn.linear import Linear
from kobai.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
    SSELoss,
)
from kobai.nn.module import Module
from kobai.nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from kobai.nn.parameter import Parameter
from kobai.nn.pooling import AvgPool2d, MaxPool2d, MaxUnpool2d
from kobai.nn.summary import summary

__all__ = [
    "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d",
    "ConvTranspose2d", "CrossEntropyLoss", "Dropout", "ELU", "Embedding", "Flatten", "GELU",
    "GroupNorm", "Hardtanh", "HuberLoss", "Identity", "KLDivLoss", "L1Loss", "LayerNorm",
    "LeakyReLU", "Linear", "LogSigmoid", "LogSoftmax", "MSELoss", "MaxPool2d", "MaxUnpool2d",
    "Mish", "Module", "ModuleDict", "ModuleList", "NLLLoss", "PReLU", "Parameter", "ParameterList",
    "ReLU", "ReLU6", "SELU", "SSELoss", "Sequential", "SiLU", "Sigmoid", "SmoothL1Loss", "Softmax",
    "Softplus", "Softsign", "Tanh", "Unflatten", "activation", "functional", "init", "summary",
    "utils",
]  # fmt: skip
