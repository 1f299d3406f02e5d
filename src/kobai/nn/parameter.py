"""Parameter: a tensor that a module learns."""

from __future__ import annotations

from typing import Any

from kobai.autograd.tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a learnable parameter of a :class:`~kobai.nn.Module`.

    Assigning a ``Parameter`` as an attribute of a module registers it, in order, so that
    :meth:`~kobai.nn.Module.parameters` and :meth:`~kobai.nn.Module.state_dict` find it.

    Parameters
    ----------
    data : array_like
        The initial values. An ndarray is shared, not copied (initialisers fill it in place);
        Python numbers and lists become float32.
    requires_grad : bool, default True

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn import Parameter
    >>> w = Parameter(np.zeros((2, 3), dtype=np.float32))
    >>> w.requires_grad, w.shape
    (True, (2, 3))
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
