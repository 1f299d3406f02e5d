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
from kobai.nn.container import ModuleList, Sequential
from kobai.nn.conv import Conv2d, ConvTranspose2d
from kobai.nn.dropout import Dropout
from kobai.nn.flatten import Flatten, Identity, Unflatten
from kobai.nn.linear import Linear
from kobai.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SSELoss,
)
from kobai.nn.module import Module
from kobai.nn.normalization import BatchNorm1d, BatchNorm2d
from kobai.nn.parameter import Parameter
from kobai.nn.pooling import AvgPool2d, MaxPool2d
from kobai.nn.summary import summary

__all__ = [
    "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d",
    "ConvTranspose2d", "CrossEntropyLoss", "Dropout", "ELU", "Flatten", "GELU", "HuberLoss",
    "Identity", "L1Loss", "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "MaxPool2d", "Module",
    "ModuleList", "NLLLoss", "PReLU", "Parameter", "ReLU", "SSELoss", "Sequential", "Sigmoid",
    "Softmax", "Softplus", "Tanh", "Unflatten", "activation", "functional", "init", "summary",
    "utils",
]  # fmt: skip
