"""What the losses share: the reduction argument, and targets given as ndarrays or tensors."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kobai.autograd.tensor import Tensor

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: Any) -> str:
    """``reduction`` if it is one of "mean", "sum", "none", else a ValueError listing them."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}, got {reduction!r}"
        )
    return str(reduction)


def legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """The reduction, from PyTorch's deprecated ``size_average``/``reduce`` when either is given.

    As PyTorch: None counts as True; both true gives "mean", ``reduce`` alone "sum", else
    "none"; a warning names the ``reduction`` to use instead. Without them, ``reduction``.
    """
    if size_average is None and reduce is None:
        return check_reduction(reduction)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{result}' "
        "instead.",
        UserWarning,
        stacklevel=3,
    )
    return result


def reduce(losses: np.ndarray, reduction: str, divisor: float) -> np.ndarray:
    """The per-element ``losses`` summed, divided by ``divisor`` ("mean"), or kept ("none")."""
    if reduction == "none":
        return losses
    total = np.asarray(losses.sum())
    if reduction == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / losses.dtype.type(divisor)


def upstream(grad: np.ndarray, reduction: str, divisor: float) -> np.ndarray:
    """d(reduced loss)/d(per-element loss): ``grad / divisor``, ``grad``, or ``grad`` itself
    for "none" (the per-element gradient)."""
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return grad / grad.dtype.type(divisor)
    return grad


def as_data(value: Any) -> np.ndarray:
    """The ndarray behind a Tensor, or ``value`` as an ndarray."""
    return value.data if isinstance(value, Tensor) else np.asarray(value)


def float_target(input: Any, target: Any, name: str) -> Any:
    """``target`` in the dtype of ``input`` (a constant target is cast, never the input).

    A target that requires gradients stays a tensor and must already have the input's dtype.
    """
    dtype = as_data(input).dtype
    if isinstance(target, Tensor) and target.requires_grad:
        if target.dtype != dtype:
            raise TypeError(
                f"{name}: target requires grad and has dtype {target.dtype}, the input has "
                f"dtype {dtype}"
            )
        return target
    data = as_data(target)
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{name}: target must be numeric, got dtype {data.dtype}")
    return data.astype(dtype, copy=False) if dtype.kind == "f" else data


def same_shape(name: str, input: Any, target: Any) -> None:
    """Raise a ValueError naming both shapes unless ``input`` and ``target`` have one shape."""
    if np.shape(as_data(input)) != np.shape(as_data(target)):
        raise ValueError(
            f"{name}: input and target must have the same shape, got input "
            f"{np.shape(as_data(input))} and target {np.shape(as_data(target))}"
        )


def optional_weight(weight: Any, name: str, dtype: np.dtype) -> np.ndarray | None:
    """A constant weight array in ``dtype`` (None stays None)."""
    if weight is None:
        return None
    data = as_data(weight)
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {data.dtype}")
    return data.astype(dtype, copy=False)
