"""Dropout."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.backend import as_rng
from kobai.nn._ops import Dropout as DropoutOp
from kobai.nn._ops import _check_p, dropout_mask
from kobai.nn.module import Module


class Dropout(Module):
    """Inverted dropout (PyTorch's ``torch.nn.Dropout``).

    In training mode each element is zeroed with probability ``p`` and the others are scaled
    by :math:`1 / (1 - p)`, so the expected output equals the input; in evaluation mode
    (``eval()``) the layer is the identity.

    .. math:: y_i = \\frac{m_i}{1 - p} x_i, \\qquad m_i \\sim \\mathrm{Bernoulli}(1 - p)

    Parameters
    ----------
    p : float in [0, 1), default 0.5
        Probability of zeroing an element.
    rng : np.random.Generator, int or None, keyword-only
        The generator of the masks; the layer keeps it, so two layers built with the same seed
        draw the same sequence of masks.

    Attributes
    ----------
    mask : ndarray or None
        The mask (0 or 1 / (1 - p)) of the last training-mode forward, for inspection.

    References
    ----------
    N. Srivastava et al., "Dropout: a simple way to prevent neural networks from
    overfitting", JMLR 15, 2014.
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        self.p = _check_p(p)
        self.rng = as_rng(rng)
        self.mask: np.ndarray | None = None

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        if not self.training or self.p == 0:
            return x
        self.mask = dropout_mask(x.shape, self.p, x.dtype, self.rng)
        return DropoutOp(self.mask)(x)

    def extra_repr(self) -> str:
        return f"p={self.p}"
