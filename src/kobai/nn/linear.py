"""Fully connected layers: Linear."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.backend import as_rng
from kobai.nn import init
from kobai.nn._ops import Linear as LinearOp
from kobai.nn._validation import check_dtype, float_dtype, shape_of, weight_array
from kobai.nn.module import Module
from kobai.nn.parameter import Parameter
from kobai.validation import check_bool, check_int


class Linear(Module):
    """Affine layer ``y = x W^T + b`` (PyTorch's ``torch.nn.Linear``).

    .. math:: y = x W^\\top + b

    Parameters
    ----------
    in_features : int
        Size of each input sample.
    out_features : int
        Size of each output sample.
    bias : bool, default True
        Learn an additive bias.
    rng : np.random.Generator, int or None, keyword-only
        Generator (or seed) of the initial values.
    dtype : dtype, default float32, keyword-only

    Attributes
    ----------
    weight : Parameter of shape (out_features, in_features)
        Initialised from :math:`U(-1/\\sqrt{in}, 1/\\sqrt{in})` (PyTorch's
        ``kaiming_uniform_(a=sqrt(5))``).
    bias : Parameter of shape (out_features,) or None
        Initialised from :math:`U(-1/\\sqrt{in}, 1/\\sqrt{in})`.

    Shape
    -----
    input (*, in_features) -> output (*, out_features)

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> layer = nn.Linear(784, 256, rng=0)
    >>> layer(np.zeros((32, 784), dtype=np.float32)).shape
    (32, 256)
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        rng: np.random.Generator | int | None = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.in_features = check_int("in_features", in_features, low=1)
        self.out_features = check_int("out_features", out_features, low=1)
        dtype = float_dtype(dtype)
        shape = (self.out_features, self.in_features)
        self.weight = Parameter(weight_array(f"Linear{shape[::-1]}", shape, dtype))
        if check_bool("bias", bias):
            self.bias = Parameter(np.empty(self.out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng=rng)

    def reset_parameters(self, *, rng: np.random.Generator | int | None = None) -> None:
        """Draw the initial values again (PyTorch's default initialisation)."""
        init.default_linear_(self.weight, self.bias, rng=as_rng(rng))

    def forward(self, x: Any) -> Tensor:
        weight, bias = self.weight, self.bias
        # A tensor (the usual input, every layer of every step) is read directly.
        shape = x.data.shape if type(x) is Tensor else shape_of(x)
        if not shape or shape[-1] != self.in_features:
            self._wrong_shape(shape)
        if isinstance(x, Tensor) and x.data.dtype != weight.data.dtype:
            check_dtype(self._name(), x, weight.data.dtype)
        if bias is None:
            return LinearOp()(x, weight)
        return LinearOp()(x, weight, bias)

    def _wrong_shape(self, shape: tuple[int, ...]) -> None:
        raise ValueError(
            f"Linear({self.in_features} -> {self.out_features}) expected input "
            f"(*, {self.in_features}), got {shape}"
        )

    def _name(self) -> str:
        return f"Linear({self.in_features} -> {self.out_features})"

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
