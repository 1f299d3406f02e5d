"""Loss modules with PyTorch's names, formulas and ``reduction`` argument."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.nn._binary_loss_ops import binary_cross_entropy, binary_cross_entropy_with_logits
from kobai.nn._composed_loss_ops import KL_REDUCTIONS, kl_div, smooth_l1_loss
from kobai.nn._loss_ops import cross_entropy, nll_loss
from kobai.nn._reduction import legacy_reduction
from kobai.nn._regression_loss_ops import huber_loss, l1_loss, mse_loss, sse_loss
from kobai.nn._validation import boolean, number
from kobai.nn.module import Module
from kobai.validation import check_int, check_real


def _weight_buffer(name: str, weight: Any) -> np.ndarray | None:
    if weight is None:
        return None
    data = np.array(weight.data if isinstance(weight, Tensor) else weight)
    if data.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be numeric, got dtype {data.dtype}")
    if data.dtype.kind != "f":
        data = data.astype(np.float32)
    if (data < 0).any():
        raise ValueError(f"{name} must be >= 0, got {data.min()}")
    return data


def _ignore_index(value: Any) -> int:
    return check_int("ignore_index", value)


class _Loss(Module):
    """A loss: ``loss(input, target)`` returns a Tensor (a scalar unless reduction="none").

    Hyper-parameters may be given by position in PyTorch's order, including the deprecated
    ``size_average`` and ``reduce`` (None, or bools that PyTorch maps to a ``reduction``, with
    its warning).
    """

    weight: np.ndarray | None
    pos_weight: np.ndarray | None

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        self.reduction = legacy_reduction(size_average, reduce, reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class MSELoss(_Loss):
    """Mean squared error (PyTorch's ``torch.nn.MSELoss``).

    .. math:: \\ell = \\frac{1}{n} \\sum_{i=1}^{n} (x_i - t_i)^2

    "mean" averages over all ``n`` elements (every feature of every sample), "sum" adds them,
    "none" returns the squares. Input and target: any shape, the same for both.
    """

    def forward(self, input: Any, target: Any) -> Tensor:
        return mse_loss(input, target, reduction=self.reduction)


class SSELoss(_Loss):
    """Sum-of-squares error of the source documents: :math:`E_n = \\frac12 \\sum_k (y_k - t_k)^2`.

    .. math::

        E_n = \\frac{1}{2} \\sum_k (y_{nk} - t_{nk})^2, \\qquad
        E = \\frac{1}{N} \\sum_{n=1}^{N} E_n

    Axis 0 is the batch (N samples), the other axes are a sample's outputs. "mean" is the
    batch average :math:`E` above (the source's :math:`E(\\theta) = \\frac1N \\sum_n E_n`): it
    differs from :class:`MSELoss` by a factor ``K / 2`` for ``K`` outputs per sample. "sum" is
    :math:`\\sum_n E_n`; "none" returns the :math:`E_n`, shape (N,). The gradient of one
    sample is simply :math:`y - t`.
    """

    def __init__(self, reduction: str = "mean") -> None:
        # kobai's own loss: no deprecated PyTorch arguments in front of ``reduction``.
        super().__init__(reduction=reduction)

    def forward(self, input: Any, target: Any) -> Tensor:
        return sse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error (PyTorch's ``torch.nn.L1Loss``).

    .. math:: \\ell = \\frac{1}{n} \\sum_i |x_i - t_i|
    """

    def forward(self, input: Any, target: Any) -> Tensor:
        return l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber loss (PyTorch's ``torch.nn.HuberLoss``): squared error for small differences,
    absolute error beyond ``delta``; robust to outliers.

    .. math::

        \\ell_i = \\begin{cases} \\frac12 (x_i - t_i)^2 & |x_i - t_i| < \\delta \\\\
        \\delta \\left(|x_i - t_i| - \\frac12 \\delta\\right) & \\text{otherwise} \\end{cases}

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    delta : float > 0, default 1.0
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = number("delta", delta, low=0.0, strict=True)

    def forward(self, input: Any, target: Any) -> Tensor:
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)

    def extra_repr(self) -> str:
        return ", ".join(filter(None, [super().extra_repr(), f"delta={self.delta}"]))


class CrossEntropyLoss(_Loss):
    """Cross-entropy on logits with a fused, stable log-softmax (``torch.nn.CrossEntropyLoss``).

    .. math::

        \\ell_n = -\\sum_{c=1}^{C} w_c\\, q_{n,c} \\log \\frac{e^{x_{n,c}}}{\\sum_k e^{x_{n,k}}},
        \\qquad q_{n,c} = (1 - \\varepsilon)\\, t_{n,c} + \\frac{\\varepsilon}{C}

    This is the source's :math:`E = -\\sum_k t_k \\log y_k` with :math:`y = softmax(x)`; its
    gradient with respect to the logits is :math:`softmax(x) - t` (per sample, before the
    mean). ``t`` is the one-hot vector of a class index or given class probabilities.

    Parameters
    ----------
    weight : array of shape (C,), optional
        Class weights :math:`w_c`.
    ignore_index : int, default -100
        Class-index targets equal to it contribute nothing.
    reduction : {"mean", "sum", "none"}, default "mean"
        "mean" divides by :math:`\\sum_n w_{y_n}` over non-ignored samples for class indices
        (the sample count without weights) and by the sample count for probabilities.
    label_smoothing : float in [0, 1], default 0.0
        :math:`\\varepsilon`.

    Shape
    -----
    input (N, C) logits (or (C,), or (N, C, d1, ...)); target (N,) integer class indices, or
    (N, C) float probabilities. Output: scalar, or (N,) with reduction="none".

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> loss = nn.CrossEntropyLoss()(np.zeros((2, 4), dtype=np.float32), np.array([0, 3]))
    >>> round(loss.item(), 4)  # log 4
    1.3863
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _weight_buffer("weight", weight))
        self.ignore_index = _ignore_index(ignore_index)
        self.label_smoothing = check_real("label_smoothing", label_smoothing, low=0, high=1)

    def forward(self, input: Any, target: Any) -> Tensor:
        return cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )

    def extra_repr(self) -> str:
        smoothing = f"label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        return ", ".join(filter(None, [super().extra_repr(), smoothing]))


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (PyTorch's ``torch.nn.NLLLoss``).

    .. math:: \\ell_n = -w_{y_n} x_{n, y_n}

    Use after :class:`~kobai.nn.LogSoftmax`; ``LogSoftmax`` + ``NLLLoss`` equals
    :class:`CrossEntropyLoss`. "mean" divides by :math:`\\sum_n w_{y_n}` (non-ignored).

    Parameters
    ----------
    weight : array of shape (C,), optional
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _weight_buffer("weight", weight))
        self.ignore_index = _ignore_index(ignore_index)

    def forward(self, input: Any, target: Any) -> Tensor:
        return nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities (PyTorch's ``torch.nn.BCELoss``).

    .. math:: \\ell_i = -w_i \\left(t_i \\log p_i + (1 - t_i) \\log(1 - p_i)\\right)

    Each logarithm is clamped to be >= -100, as PyTorch does. Prefer
    :class:`BCEWithLogitsLoss` on logits: it is stable for any input.

    Parameters
    ----------
    weight : array broadcastable to the input, optional
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _weight_buffer("weight", weight))

    def forward(self, input: Any, target: Any) -> Tensor:
        return binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable op (``torch.nn.BCEWithLogitsLoss``).

    .. math::

        \\ell_i = w_i \\left((1 - t_i) x_i + (1 + (p_w - 1) t_i)\\log(1 + e^{-x_i})\\right)

    (the logarithm computed as softplus, which never overflows); equal to
    ``BCELoss(sigmoid(x), t)`` without its clamping.

    Parameters
    ----------
    weight : array broadcastable to the input, optional
    reduction : {"mean", "sum", "none"}, default "mean"
    pos_weight : array broadcastable to the input (one per class, last axis), optional
        :math:`p_w`, the weight of positive examples.
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _weight_buffer("weight", weight))
        self.register_buffer("pos_weight", _weight_buffer("pos_weight", pos_weight))

    def forward(self, input: Any, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(
            input, target, weight=self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class SmoothL1Loss(_Loss):
    """Smooth L1 loss (PyTorch's ``torch.nn.SmoothL1Loss``): Huber's loss divided by ``beta``.

    .. math::

        \\ell_i = \\begin{cases} \\frac12 (x_i - t_i)^2 / \\beta & |x_i - t_i| < \\beta \\\\
        |x_i - t_i| - \\frac12 \\beta & \\text{otherwise} \\end{cases}

    Parameters
    ----------
    size_average, reduce : deprecated, as in PyTorch
    reduction : {"mean", "sum", "none"}, default "mean"
    beta : float >= 0, default 1.0
        0 gives the L1 loss.
    """

    def __init__(
        self,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = number("beta", beta, low=0.0)

    def forward(self, input: Any, target: Any) -> Tensor:
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self) -> str:
        return ", ".join(filter(None, [super().extra_repr(), f"beta={self.beta}"]))


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence loss (PyTorch's ``torch.nn.KLDivLoss``) on log-probabilities.

    .. math:: \\ell_i = t_i (\\log t_i - x_i)

    Use ``reduction="batchmean"`` for the divergence per sample; "mean" (the default, as in
    PyTorch) divides by every element and warns about it at each call, as PyTorch does.

    Parameters
    ----------
    size_average, reduce : deprecated, as in PyTorch
    reduction : {"mean", "batchmean", "sum", "none"}, default "mean"
    log_target : bool, default False
        The target is given as log-probabilities.
    """

    def __init__(
        self,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        Module.__init__(self)
        if size_average is not None or reduce is not None:
            reduction = legacy_reduction(size_average, reduce, reduction)
        elif reduction not in KL_REDUCTIONS:
            raise ValueError(
                f"reduction must be one of {', '.join(map(repr, KL_REDUCTIONS))}, got {reduction!r}"
            )
        self.reduction = reduction
        self.log_target = boolean("log_target", log_target)

    def forward(self, input: Any, target: Any) -> Tensor:
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def extra_repr(self) -> str:
        target = "log_target=True" if self.log_target else ""
        return ", ".join(filter(None, [super().extra_repr(), target]))
