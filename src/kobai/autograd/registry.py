"""The registry of gradient-check cases: every op, layer and loss, checked in float64.

A case is a function of tensors plus a way to draw its inputs. ``kobai gradcheck`` and the test
suite run :func:`kobai.gradcheck` over every registered case. Each layer of the package
registers its own cases in a ``cases`` module (``kobai.autograd.cases``, ``kobai.nn.cases``);
:func:`load_all` imports them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("op", "layer", "loss")
CASE_MODULES = ("kobai.autograd.cases", "kobai.nn.cases", "kobai.nn.conv_cases")


@dataclass(frozen=True)
class GradCase:
    """One gradient check.

    Attributes
    ----------
    name : str
        Unique name, e.g. ``"matmul[batched]"``: the op, then the situation in brackets.
    fn : callable
        Takes one tensor per input (float64, ``requires_grad=True`` for those in ``wrt``) and
        returns a tensor of any shape.
    make_inputs : callable
        ``make_inputs(rng) -> sequence of ndarray``: the inputs, drawn from ``rng``; they are
        converted to float64 where floating.
    kind : {"op", "layer", "loss"}
    wrt : tuple of int, optional
        Indices of the inputs to differentiate with respect to (default: every floating one).
    """

    name: str
    fn: Callable[..., Any]
    make_inputs: Callable[[np.random.Generator], Sequence[Any]]
    kind: str = "op"
    wrt: tuple[int, ...] | None = None


_CASES: dict[str, GradCase] = {}


def register(case: GradCase) -> GradCase:
    """Add ``case`` to the registry; a second case with the same name is an error."""
    if case.kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {case.kind!r}")
    if case.name in _CASES:
        raise ValueError(f"a gradient-check case named {case.name!r} is already registered")
    _CASES[case.name] = case
    return case


def case(
    name: str,
    make_inputs: Callable[[np.random.Generator], Sequence[Any]],
    *,
    kind: str = "op",
    wrt: tuple[int, ...] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator form of :func:`register`: ``@case("exp", inputs(3, 4))`` over the function."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        register(GradCase(name, fn, make_inputs, kind, wrt))
        return fn

    return decorate


def load_all() -> None:
    """Import every module that registers cases (modules not present yet are skipped)."""
    for module in CASE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if module != missing and not module.startswith(missing + "."):
                raise


def all_cases(kind: str | None = None) -> list[GradCase]:
    """Every registered case (of one ``kind`` if given), in registration order."""
    load_all()
    return [c for c in _CASES.values() if kind is None or c.kind == kind]


def normal(*shapes: tuple[int, ...], scale: float = 1.0) -> Callable[[np.random.Generator], list]:
    """An input maker: one standard-normal float64 array per shape (``()`` for a scalar)."""
    return lambda rng: [scale * rng.standard_normal(s) for s in shapes]


def positive(*shapes: tuple[int, ...], low: float = 0.5, high: float = 2.0) -> Callable:
    """An input maker: uniform in ``[low, high)``, for ops defined on positive numbers only."""
    return lambda rng: [rng.uniform(low, high, s) for s in shapes]


def case_inputs(case: GradCase, rng: np.random.Generator) -> list[Any]:
    """Draw ``case``'s inputs: floating ones as float64 tensors, differentiated per ``wrt``."""
    from kobai.autograd.tensor import Tensor

    inputs: list[Any] = []
    for index, value in enumerate(case.make_inputs(rng)):
        array = np.asarray(value)
        if array.dtype.kind == "f":
            wanted = case.wrt is None or index in case.wrt
            inputs.append(Tensor(array.astype(np.float64), requires_grad=wanted))
        else:
            inputs.append(value)
    return inputs
