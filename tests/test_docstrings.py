"""Every public function, class and method of kobai says what it does in a docstring.

Public: reachable under a public name from a public module (one whose dotted path has no part
starting with ``_``), defined in kobai. A method that overrides a documented method of a base
class inherits that docstring (as ``inspect.getdoc`` and the API pages show it); ``forward`` and
``backward`` overrides of modules and autograd ops are documented by their class.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import kobai

SKIPPED_METHODS = {"forward", "backward"}


def public_modules() -> Iterator[Any]:
    yield kobai
    for info in pkgutil.walk_packages(kobai.__path__, "kobai."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            yield importlib.import_module(info.name)


def own_doc(cls: type) -> str | None:
    doc = cls.__dict__.get("__doc__")
    # A dataclass without a docstring gets its signature as one.
    if dataclasses.is_dataclass(cls) and doc and doc.startswith(f"{cls.__name__}("):
        return None
    return doc


def missing_in_class(cls: type) -> Iterator[str]:
    where = f"{cls.__module__}.{cls.__qualname__}"
    if not own_doc(cls):
        yield where
    for name, member in vars(cls).items():
        if name.startswith("_") or name in SKIPPED_METHODS:
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if not (inspect.isfunction(member) or isinstance(member, property)):
            continue
        if not inspect.getdoc(getattr(cls, name)):
            yield f"{where}.{name}"


def undocumented() -> list[str]:
    seen: set[int] = set()
    missing: list[str] = []
    for module in public_modules():
        for name, obj in vars(module).items():
            if name.startswith("_") or id(obj) in seen:
                continue
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("kobai"):
                continue
            seen.add(id(obj))
            if inspect.isclass(obj):
                missing.extend(missing_in_class(obj))
            elif not inspect.getdoc(obj):
                missing.append(f"{obj.__module__}.{obj.__qualname__}")
    return sorted(set(missing))


def test_every_public_function_class_and_method_has_a_docstring() -> None:
    missing = undocumented()
    assert not missing, f"{len(missing)} without a docstring:\n" + "\n".join(missing)


class Documented:
    """A class."""

    def step(self) -> None:
        """A method."""


class Bare(Documented):
    def step(self) -> None:  # inherits the base class's docstring
        pass

    def extra(self) -> None:
        pass

    def forward(self) -> None:
        pass


def test_the_check_sees_a_missing_docstring() -> None:
    assert list(missing_in_class(Documented)) == []
    assert list(missing_in_class(Bare)) == [f"{__name__}.Bare", f"{__name__}.Bare.extra"]
