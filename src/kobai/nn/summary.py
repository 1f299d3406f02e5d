"""A table of a model's layers, output shapes and parameter counts (like Keras' summary)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kobai._html import show_shape as _show
from kobai.autograd.grad_mode import no_grad
from kobai.autograd.tensor import Tensor
from kobai.nn.module import Module


@dataclass(frozen=True)
class LayerRow:
    """One row of a summary: a layer, its output shape (None for the batch axis), its own
    parameter count."""

    name: str
    kind: str
    output_shape: tuple[int | None, ...] | None
    params: int
    trainable: int


@dataclass(frozen=True, repr=False)
class ModelSummary:
    """What :func:`summary` found; ``str()`` gives the printed table, Jupyter shows it as an
    HTML table."""

    rows: list[LayerRow]
    input_shape: tuple[int | None, ...]
    output_shape: tuple[int | None, ...] | None
    total_params: int
    trainable_params: int
    text: str = field(repr=False, default="")
    model_name: str = ""

    @property
    def non_trainable_params(self) -> int:
        """Parameters that do not require a gradient: ``total_params - trainable_params``."""
        return self.total_params - self.trainable_params

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return (
            f"ModelSummary({self.model_name or 'model'}: {len(self.rows)} layers, "
            f"{self.total_params:,} params, {self.trainable_params:,} trainable)"
        )

    def _repr_html_(self) -> str:
        from kobai._html import summary_html

        return summary_html(self)


def _shape(value: Any, batch: int) -> tuple[int | None, ...] | None:
    if not isinstance(value, Tensor):
        return None
    shape = value.shape
    return (None, *shape[1:]) if shape and shape[0] == batch else shape


def _row(name: str, module: Module, output: Any, batch: int) -> LayerRow:
    own = list(module.parameters(recurse=False))
    return LayerRow(
        name=name,
        kind=type(module).__name__,
        output_shape=_shape(output, batch),
        params=sum(p.numel() for p in own),
        trainable=sum(p.numel() for p in own if p.requires_grad),
    )


def _table(result_rows: list[LayerRow], total: int, trainable: int, model: Module) -> str:
    from kobai.i18n import t

    header = (t("display.summary.layer_type"), t("display.summary.output_shape"),
              t("display.summary.params"))  # fmt: skip
    cells = [(f"{r.name} ({r.kind})", _show(r.output_shape), f"{r.params:,}") for r in result_rows]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(3)]
    line = "  ".join("-" * w for w in widths)

    def fmt(row: Sequence[str]) -> str:
        return f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}"

    lines = [t("display.summary.model", model=type(model).__name__), line, fmt(header), line]
    lines += [fmt(c) for c in cells]
    lines += [
        line,
        f"{t('display.summary.total')}: {total:,}",
        f"{t('display.summary.trainable')}: {trainable:,}",
        f"{t('display.summary.frozen')}: {total - trainable:,}",
    ]
    return "\n".join(lines)


def summary(
    model: Module,
    input_shape: Sequence[int],
    *,
    batch_size: int = 2,
    dtype: Any = None,
    print_fn: Callable[[str], Any] | None = print,
) -> ModelSummary:
    """Print and return a table of ``model``'s layers, output shapes and parameter counts.

    The model runs once on zeros of shape ``(batch_size, *input_shape)``, in evaluation mode
    and without a graph; its training mode is restored afterwards. Output shapes show the
    batch axis as ``None``.

    Parameters
    ----------
    model : Module
    input_shape : sequence of int
        The shape of one sample, without the batch axis (``(784,)``, ``(1, 28, 28)``).
    batch_size : int, default 2
    dtype : dtype, optional
        The input's dtype; default: that of the model's first parameter (else float32).
    print_fn : callable or None, default print
        Called with the table's text (as Keras' ``print_fn``); None prints nothing.

    Returns
    -------
    ModelSummary
        ``rows`` (one :class:`LayerRow` per layer that has no sub-modules or has its own
        parameters, in execution order), ``total_params``, ``trainable_params``, ``text``.

    Examples
    --------
    >>> from kobai import nn
    >>> model = nn.Sequential(nn.Linear(784, 256, rng=0), nn.ReLU(), nn.Linear(256, 10, rng=0))
    >>> nn.summary(model, (784,), print_fn=None).total_params
    203530
    """
    if not isinstance(model, Module):
        raise TypeError(f"model must be a Module, got {type(model).__name__}")
    shape = tuple(int(n) for n in input_shape)
    if any(n <= 0 for n in shape):
        raise ValueError(f"input_shape must hold sizes > 0, got {tuple(input_shape)}")
    if dtype is None:
        first = next(model.parameters(), None)
        dtype = first.dtype if first is not None else np.float32
    rows: list[LayerRow] = []
    handles = []
    for name, module in model.named_modules():
        if name and (not module._modules or module._parameters):
            hook = _recorder(rows, name, batch_size)
            handles.append(module.register_forward_hook(hook))
    modes = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        with no_grad():
            output = model(Tensor(np.zeros((batch_size, *shape), dtype=dtype)))
    finally:
        for handle in handles:
            handle.remove()
        for module, mode in modes:
            object.__setattr__(module, "training", mode)
    if not rows:  # a model that is a single layer
        rows.append(_row(type(model).__name__, model, output, batch_size))
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    text = _table(rows, total, trainable, model)
    if print_fn is not None:
        print_fn(text)
    return ModelSummary(
        rows,
        (None, *shape),
        _shape(output, batch_size),
        total,
        trainable,
        text=text,
        model_name=type(model).__name__,
    )


def _recorder(rows: list[LayerRow], name: str, batch: int) -> Any:
    def hook(module: Module, inputs: tuple[Any, ...], output: Any) -> None:
        rows.append(_row(name, module, output, batch))

    return hook
