"""The base of the element-wise activation modules and how they read their points."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.nn.module import Module


def values(x: Any) -> np.ndarray:
    """``x`` as a floating ndarray (Tensor data, or a float64 copy of anything else)."""
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    return data if data.dtype.kind == "f" else data.astype(np.float64)


class Elementwise(Module):
    """An activation applied to each element; subclasses give forward and derivative."""

    def derivative(self, x: Any) -> np.ndarray:
        """:math:`f'(x)` element-wise, an ndarray of the shape and dtype of ``x``."""
        raise NotImplementedError
