"""Hyper-parameters declared once: an optimizer's table gives each one's default, check and
description, and from it come the constructor's signature, the group checks and the
"Parameters" section of the docstring (scikit-learn's parameter constraints, in spirit)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from kobai.optim import _validate as V

Check = Callable[[Mapping[str, Any], str], None]


@dataclasses.dataclass(frozen=True)
class Hyper:
    """One hyper-parameter: its default, the check of a group's value, its type and meaning
    for the docstring; ``keyword_only`` after the ``*``; ``kernel`` False when the update
    rule does not take it."""

    default: Any
    check: Check
    kind: str
    doc: str
    keyword_only: bool = False
    kernel: bool = True

    def but(self, **changes: Any) -> Hyper:
        """This hyper-parameter with other default, description, ..."""
        return dataclasses.replace(self, **changes)


def at_least_zero(label: str) -> Check:
    """The check ``value >= 0``, failing as ``Invalid <label>: <value>``."""
    return lambda group, name: V.nonnegative(group, name, label)


def in_unit_interval(label: str, *, closed: bool = True) -> Check:
    """The check ``0 <= value <= 1`` (``< 1`` unless ``closed``)."""
    return lambda group, name: V.unit_interval(group, name, label, closed=closed)


def _flag(group: Mapping[str, Any], name: str) -> None:
    V.flag(name, group[name])


def _betas(group: Mapping[str, Any], name: str) -> None:
    V.betas(group)


def lr(default: float) -> Hyper:
    """The learning rate."""
    return Hyper(default, at_least_zero("learning rate"), "float", r"Learning rate :math:`\eta`.")


def flag(doc: str, *, keyword_only: bool = False) -> Hyper:
    """A switch, off by default."""
    return Hyper(False, _flag, "bool", doc, keyword_only=keyword_only)


def eps(default: float) -> Hyper:
    """The epsilon of a denominator."""
    return Hyper(default, at_least_zero("epsilon value"), "float", r":math:`\epsilon`.")


BETAS = Hyper(
    (0.9, 0.999), _betas, "(float, float)", r":math:`(\beta_1, \beta_2)`, each in [0, 1)."
)
WEIGHT_DECAY = Hyper(0.0, at_least_zero("weight_decay value"), "float", "L2 penalty.")
MAXIMIZE = flag("Maximize instead of minimize.", keyword_only=True)
DECOUPLED = flag(
    "Decay the weights directly, as AdamW does (else an L2 term: ``weight_decay``).",
    keyword_only=True,
)
MOMENTUM = Hyper(0.0, at_least_zero("momentum value"), "float", r"Momentum factor :math:`\mu`.")

# The hyper-parameters every member of the Adam family has.
ADAM_FAMILY = {"lr": lr(1e-3), "betas": BETAS, "eps": eps(1e-8), "weight_decay": WEIGHT_DECAY}

PARAMS_DOC = """params : iterable of Tensor, of (name, Tensor) or of dict
        Parameters or parameter groups."""


def signature(table: Mapping[str, Hyper]) -> inspect.Signature:
    """``(self, params, <table's names with their defaults>)``, keyword-only ones after ``*``."""
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    head = [inspect.Parameter(name, kinds[0]) for name in ("self", "params")]
    return inspect.Signature(
        head
        + [
            inspect.Parameter(name, kinds[h.keyword_only], default=h.default, annotation=h.kind)
            for name, h in table.items()
        ],
        return_annotation=None,
    )


def _shown(value: Any) -> str:
    """A default as the docstring shows it: ``1e-3`` rather than ``0.001``."""
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_shown, value)) + ")"
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace("e-0", "e-") if "e" in text else text
    return str(value)


def parameters_doc(table: Mapping[str, Hyper]) -> str:
    """The entries of a numpydoc "Parameters" section, indented for a class docstring."""
    lines = [PARAMS_DOC]
    for name, h in table.items():
        lines.append(f"{name} : {h.kind}, default {_shown(h.default)}\n        {h.doc}")
    return "\n    ".join(lines)


def check(table: Mapping[str, Hyper], group: Mapping[str, Any]) -> None:
    """Every entry of ``group`` that ``table`` declares passes its check."""
    for name, h in table.items():
        if name in group:
            h.check(group, name)


def constructor(cls: Any, base_init: Callable[..., None]) -> Callable[..., None]:
    """``__init__(self, params, *hyper)`` for an optimizer class, from its table
    (``cls._hypers``): the arguments, with their defaults, and the entries it fixes
    (``cls._fixed``) become the ``defaults`` handed to ``base_init(self, params, defaults)``."""
    from kobai.optim._shell import hyper_parameters

    table_signature = signature(cls._hypers)
    fixed = dict(cls._fixed)

    def __init__(self: Any, params: Any, *args: Any, **kwargs: Any) -> None:
        bound = table_signature.bind(self, params, *args, **kwargs)
        bound.apply_defaults()
        base_init(self, params, {**hyper_parameters(bound.arguments), **fixed})

    __init__.__signature__ = table_signature  # type: ignore[attr-defined]
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__doc__ = f"Make a {cls.__name__} (see the class's parameters)."
    return __init__
