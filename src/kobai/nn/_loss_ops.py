"""Cross-entropy on logits (fused log-softmax) and negative log-likelihood."""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.function import Function
from kobai.autograd.tensor import Tensor
from kobai.nn._reduction import (
    as_data,
    legacy_reduction,
    optional_weight,
    reduce,
    upstream,
)
from kobai.validation import check_real


def _rows(x: np.ndarray) -> np.ndarray:
    """Logits (C,), (N, C) or (N, C, d1, ...) as a matrix (M, C), classes last."""
    if x.ndim == 1:
        return x.reshape(1, -1)
    if x.ndim == 2:
        return x
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _unrows(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`_rows`."""
    if g.shape == shape:
        return g
    if len(shape) <= 2:
        return g.reshape(shape)
    moved = (shape[0], *shape[2:], shape[1])
    return np.moveaxis(g.reshape(moved), -1, 1)


def _loss_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Shape of the unreduced loss: the logits' shape without the class axis."""
    return () if len(shape) == 1 else (shape[0], *shape[2:])


class _ClassTargets:
    """Integer class targets, flattened, with the ignored rows and the per-row weights."""

    def __init__(
        self,
        target: np.ndarray,
        classes: int,
        ignore_index: int,
        weight: np.ndarray | None,
        dtype: np.dtype,
    ) -> None:
        t = target.reshape(-1)
        self.ignored: np.ndarray | None = None
        self.any_ignored = False
        safe = t
        if not _plainly_valid(t, classes, ignore_index):
            self.ignored = t == ignore_index
            self.any_ignored = bool(self.ignored.any())
            safe = np.where(self.ignored, 0, t) if self.any_ignored else t
            if safe.size and (safe.min() < 0 or safe.max() >= classes):
                bad = safe[(safe < 0) | (safe >= classes)][0]
                raise ValueError(
                    f"target class indices must be in [0, {classes}) (or ignore_index="
                    f"{ignore_index}), got {bad}"
                )
        self.index = safe
        self.rows = _row_numbers(t.size)
        # None stands for "every row has weight 1" (the fast, common case).
        self.row_weight: np.ndarray | None = None
        if weight is not None or self.any_ignored:
            row_weight = weight[safe] if weight is not None else np.ones(t.size, dtype=dtype)
            if self.ignored is not None:
                row_weight = np.where(self.ignored, 0, row_weight)
            self.row_weight = row_weight.astype(dtype, copy=False)

    def divisor(self) -> float:
        if self.row_weight is None:
            return float(self.index.size)
        return float(self.row_weight.sum())


def _plainly_valid(t: np.ndarray, classes: int, ignore_index: int) -> bool:
    """True when every target lies in [0, classes) and none can be ``ignore_index``.

    One reduction: seen as unsigned integers, negative targets become huge, so the maximum
    alone tells (the usual case, checked on every training step).
    """
    if t.size == 0 or t.dtype.kind not in "iu" or 0 <= ignore_index < classes:
        return False
    unsigned = t.view(_UNSIGNED[t.dtype.itemsize]) if t.dtype.kind == "i" else t
    return bool(unsigned.max() < classes)


_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
_ROWS: dict[int, np.ndarray] = {}


def _row_numbers(n: int) -> np.ndarray:
    """``arange(n)``, read-only and kept per size: every step of a run indexes the same rows."""
    rows = _ROWS.get(n)
    if rows is None:
        if len(_ROWS) > 64:
            _ROWS.clear()
        rows = _ROWS[n] = np.arange(n)
        rows.flags.writeable = False
    return rows


class CrossEntropy(Function):
    """Softmax cross-entropy on logits in one node; backward ``softmax * sum(q) - q``."""

    def __init__(
        self,
        target: np.ndarray,
        *,
        weight: np.ndarray | None,
        ignore_index: int,
        label_smoothing: float,
        reduction: str,
    ) -> None:
        self.target, self.weight = target, weight
        self.ignore_index, self.smoothing = ignore_index, label_smoothing
        self.reduction = reduction

    def forward(self, logits: np.ndarray) -> np.ndarray:
        z = _rows(logits)
        self.shape = logits.shape
        if self.target.dtype.kind in "iu" and self.weight is None and self.smoothing == 0:
            targets = _ClassTargets(self.target, z.shape[1], self.ignore_index, None, z.dtype)
            if not targets.any_ignored:
                return self._forward_hard(z, targets)
        shifted = z - z.max(axis=1, keepdims=True)
        q, self.divisor = self._target_distribution(z.shape, z.dtype)
        probs = np.exp(shifted)
        total = probs.sum(axis=1, keepdims=True)
        logp = shifted
        logp -= np.log(total)
        losses = (q * logp).sum(axis=1)
        np.negative(losses, out=losses)
        probs /= total
        self.probs, self.q, self.hard = probs, q, False
        return reduce(losses.reshape(_loss_shape(self.shape)), self.reduction, self.divisor)

    def _forward_hard(self, z: np.ndarray, targets: _ClassTargets) -> np.ndarray:
        # One (C, M) copy, classes first: the reductions over the classes then run along
        # contiguous rows, several times faster than along the few columns of (M, C).
        e = z.T.copy()
        # The ufuncs' reductions called directly: the same sums as e.max / e.sum, without the
        # Python wrappers of the methods (a training step takes this path every time).
        e -= np.maximum.reduce(e, axis=0)
        # Gather the target logits before the exponential overwrites them.
        picked = e[targets.index, targets.rows]
        np.exp(e, out=e)
        total = np.add.reduce(e, axis=0)
        losses = np.log(total)
        losses -= picked
        if self.needs_grad:  # the probabilities serve backward only
            e /= total
            self.probs_t, self.targets = e, targets
        self.hard = True
        self.divisor = float(targets.index.size)
        if self.reduction == "none" or not self.divisor:
            return reduce(losses.reshape(_loss_shape(self.shape)), self.reduction, self.divisor)
        total = np.add.reduce(losses)
        return np.asarray(total if self.reduction == "sum" else total / e.dtype.type(self.divisor))

    def _target_distribution(
        self, shape: tuple[int, ...], dtype: np.dtype
    ) -> tuple[np.ndarray, float]:
        """The smoothed target distribution q (M, C) times the class weights, and the divisor
        of the "mean" reduction."""
        classes, eps = shape[1], self.smoothing
        if self.target.dtype.kind in "iu":
            targets = _ClassTargets(self.target, classes, self.ignore_index, self.weight, dtype)
            q = np.full(shape, eps / classes, dtype=dtype)
            q[targets.rows, targets.index] += 1 - eps
            if self.weight is not None:
                q *= self.weight
            if targets.any_ignored:
                q[targets.ignored] = 0
                self.ignored = targets.ignored
            return q, targets.divisor()
        q = _rows(self.target).astype(dtype, copy=True)
        if eps:
            q *= 1 - eps
            q += eps / classes
        if self.weight is not None:
            q *= self.weight
        return q, float(shape[0])

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        if self.reduction == "mean" and self.divisor:
            up = grad / grad.dtype.type(self.divisor)
        else:
            up = upstream(grad, self.reduction, self.divisor)
        if self.reduction == "none":
            up = up.reshape(-1, 1)
        if self.hard:
            g_t = self.probs_t * (up.reshape(-1) if up.ndim else up)
            t = self.targets
            g_t[t.index, t.rows] -= up.reshape(-1) if up.ndim else up
            g = g_t.T
        else:
            g = self.probs * self.q.sum(axis=1, keepdims=True)
            g -= self.q
            # A "mean" over no counted sample divides by 0: the loss is NaN, and as in PyTorch
            # the ignored samples still get a zero gradient (not 0 * inf).
            with np.errstate(invalid="ignore"):
                g *= up
            ignored = getattr(self, "ignored", None)
            if ignored is not None:
                g[ignored] = 0
        return (_unrows(g, self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        (logits,) = self.saved()
        z = rows_graph(logits)
        if self.hard:
            t = self.targets
            q = np.zeros(z.shape, dtype=z.dtype)
            q[t.rows, t.index] = 1
        else:
            q = self.q
        up = grad / self.divisor if self.reduction == "mean" and self.divisor else grad
        if self.reduction == "none":
            up = F.reshape(up, (-1, 1))
        g = (F.softmax(z, axis=1) * q.sum(axis=1, keepdims=True) - q) * up
        return (unrows_graph(g, self.shape),)


def rows_graph(x: Tensor) -> Tensor:
    """:func:`_rows` with ops."""
    if x.ndim == 1:
        return F.reshape(x, (1, -1))
    if x.ndim == 2:
        return x
    axes = (0, *range(2, x.ndim), 1)
    return F.reshape(F.transpose(x, axes), (-1, x.shape[1]))


def unrows_graph(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """:func:`_unrows` with ops."""
    if len(shape) <= 2:
        return F.reshape(g, shape)
    moved = F.reshape(g, (shape[0], *shape[2:], shape[1]))
    return F.transpose(moved, (0, len(shape) - 1, *range(1, len(shape) - 1)))


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy between logits and targets, with a fused log-softmax (PyTorch's
    ``F.cross_entropy``).

    .. math::

        \\ell_n = -\\sum_c w_c\\, q_{n,c} \\log \\frac{e^{x_{n,c}}}{\\sum_k e^{x_{n,k}}},
        \\qquad q_{n,c} = (1 - \\varepsilon)\\, t_{n,c} + \\varepsilon / C

    ``t`` is the one-hot vector of a class index or the given probabilities, ``varepsilon``
    the ``label_smoothing``, ``w`` the class ``weight`` (1 by default). "mean" divides the sum
    by :math:`\\sum_n w_{y_n}` over the non-ignored samples for class-index targets (the
    number of samples without weights), by the number of samples for probability targets.

    Parameters
    ----------
    input : Tensor of shape (N, C), (C,) or (N, C, d1, ...)
        Logits (unnormalised scores).
    target : ndarray or Tensor
        Class indices (integers) of shape (N,) / () / (N, d1, ...), or class probabilities
        (floats) of the shape of ``input``.
    weight : array of shape (C,), optional
    ignore_index : int, default -100
        Samples with this class index contribute nothing (class-index targets only).
    size_average, reduce : bool, optional
        Deprecated, as in PyTorch: either one given sets ``reduction`` (with a warning).
    reduction : {"mean", "sum", "none"}
    label_smoothing : float in [0, 1]
    """
    x = as_data(input)
    t = as_data(target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_logits(x, t)
    label_smoothing = check_real("label_smoothing", label_smoothing, low=0, high=1)
    w = _class_weight(weight, x)
    op = CrossEntropy(
        t.astype(x.dtype, copy=False) if t.dtype.kind == "f" else t,
        weight=w,
        ignore_index=int(ignore_index),
        label_smoothing=float(label_smoothing),
        reduction=reduction,
    )
    return op(input)


def _class_weight(weight: Any, x: np.ndarray) -> np.ndarray | None:
    w = optional_weight(weight, "weight", x.dtype)
    classes = x.shape[0 if x.ndim == 1 else 1]
    if w is not None and w.shape != (classes,):
        raise ValueError(f"weight must have shape (C,) = ({classes},), got {w.shape}")
    return w


def _check_logits(x: np.ndarray, t: np.ndarray) -> None:
    if x.ndim == 0 or x.dtype.kind != "f":
        raise ValueError(f"cross_entropy: logits must be a float array of shape (N, C), got "
                         f"shape {x.shape} and dtype {x.dtype}")  # fmt: skip
    if t.dtype.kind in "iu":
        if t.shape != _loss_shape(x.shape):
            raise ValueError(
                f"cross_entropy: class-index target must have shape {_loss_shape(x.shape)} for "
                f"logits of shape {x.shape}, got {t.shape}"
            )
    elif t.dtype.kind == "f":
        if t.shape != x.shape:
            raise ValueError(
                f"cross_entropy: float targets are class probabilities of the logits' shape "
                f"{x.shape}, got {t.shape} (class indices must be integers)"
            )
    else:
        raise TypeError(f"cross_entropy: target must be integer or float, got dtype {t.dtype}")


class NLLLoss(Function):
    """Negative log-likelihood of log-probabilities: picks ``-w_y log p_y`` per sample."""

    def __init__(
        self, target: np.ndarray, weight: np.ndarray | None, ignore_index: int, reduction: str
    ) -> None:
        self.target, self.weight = target, weight
        self.ignore_index, self.reduction = ignore_index, reduction

    def forward(self, logp: np.ndarray) -> np.ndarray:
        z = _rows(logp)
        self.shape, self.rows_shape, self.dtype = logp.shape, z.shape, logp.dtype
        targets = _ClassTargets(self.target, z.shape[1], self.ignore_index, self.weight, z.dtype)
        picked = -z[targets.rows, targets.index]
        if targets.row_weight is not None:
            picked *= targets.row_weight
        self.targets, self.divisor = targets, targets.divisor()
        return reduce(picked.reshape(_loss_shape(self.shape)), self.reduction, self.divisor)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
        up = upstream(grad, self.reduction, self.divisor).reshape(-1)
        t = self.targets
        g = np.zeros(self.rows_shape, dtype=self.dtype)
        with np.errstate(invalid="ignore"):  # 0 * inf where a "mean" divides by 0
            row = -up if t.row_weight is None else -up * t.row_weight
        if t.any_ignored:
            row[t.ignored] = 0  # PyTorch never writes the gradient of an ignored sample
        g[t.rows, t.index] = row
        return (_unrows(g, self.shape),)

    def backward_graph(self, grad: Tensor) -> tuple[Tensor]:
        up = grad / self.divisor if self.reduction == "mean" else grad
        t = self.targets
        picks = np.zeros(self.rows_shape, dtype=self.dtype)
        picks[t.rows, t.index] = -1 if t.row_weight is None else -t.row_weight
        g = F.reshape(up, (-1, 1)) * picks if self.reduction == "none" else up * picks
        return (unrows_graph(g, self.shape),)


def nll_loss(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood loss on log-probabilities (PyTorch's ``F.nll_loss``).

    .. math:: \\ell_n = -w_{y_n} x_{n, y_n}

    "mean" divides the sum by :math:`\\sum_n w_{y_n}` over the non-ignored samples.

    Parameters
    ----------
    input : Tensor of shape (N, C), (C,) or (N, C, d1, ...)
        Log-probabilities, e.g. from ``log_softmax``.
    target : integer ndarray or Tensor of shape (N,), () or (N, d1, ...)
    weight : array of shape (C,), optional
    ignore_index : int, default -100
    size_average, reduce : bool, optional
        Deprecated, as in PyTorch: either one given sets ``reduction`` (with a warning).
    reduction : {"mean", "sum", "none"}
    """
    x, t = as_data(input), as_data(target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    if t.dtype.kind not in "iu":
        raise TypeError(f"nll_loss: target must hold integer class indices, got dtype {t.dtype}")
    _check_logits(x, t)
    w = _class_weight(weight, x)
    return NLLLoss(t, w, int(ignore_index), reduction)(input)
