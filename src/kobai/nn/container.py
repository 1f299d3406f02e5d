"""Containers: Sequential and ModuleList."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, overload

from kobai.nn.module import Module

_S = TypeVar("_S", bound="_NumberedModules")


class _NumberedModules(Module):
    """What Sequential and ModuleList share: child modules named ``"0"``, ``"1"``, ... in order."""

    def append(self: _S, module: Module) -> _S:
        """Add ``module`` at the end; return self."""
        self.add_module(str(len(self)), _as_module(module, len(self)))
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.children())


class Sequential(_NumberedModules):
    """Modules applied one after the other: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Parameters
    ----------
    *modules : Module
        The stages, named ``"0"``, ``"1"``, ... (or a single dict of name -> Module).

    Examples
    --------
    >>> from kobai import nn
    >>> model = nn.Sequential(nn.Linear(4, 3, rng=0), nn.ReLU(), nn.Linear(3, 2, rng=0))
    >>> [name for name, _ in model.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            for name, module in modules[0].items():
                self.add_module(str(name), _as_module(module, name))
        else:
            for i, module in enumerate(modules):
                self.add_module(str(i), _as_module(module, i))

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)  # type: ignore[misc]
        return x

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> Sequential: ...
    def __getitem__(self, index: int | slice) -> Module:
        modules = list(self.children())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        return modules[_index(index, len(modules), "Sequential")]


class ModuleList(_NumberedModules):
    """A list of modules whose parameters are registered (``"0"``, ``"1"``, ...).

    Use it where a Python list would hide the modules from :meth:`Module.parameters`.

    Examples
    --------
    >>> from kobai import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2, rng=i) for i in range(3)])
    >>> len(list(layers.parameters()))
    6
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add every module of ``modules`` at the end; return self."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        modules = list(self.children())
        modules.insert(index, _as_module(module, index))
        self._renumber(modules)

    def _renumber(self, modules: list[Module]) -> None:
        for name in list(self._modules):
            delattr(self, name)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...
    def __getitem__(self, index: int | slice) -> Module:
        modules = list(self.children())
        if isinstance(index, slice):
            return ModuleList(modules[index])
        return modules[_index(index, len(modules), "ModuleList")]

    def __setitem__(self, index: int, module: Module) -> None:
        i = _index(index, len(self), "ModuleList")
        setattr(self, str(i), _as_module(module, i))

    def __delitem__(self, index: int) -> None:
        modules = list(self.children())
        del modules[_index(index, len(modules), "ModuleList")]
        self._renumber(modules)


def _as_module(module: Any, position: Any) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"item {position} is not a Module, got {type(module).__name__}")
    return module


def _index(index: int, length: int, owner: str) -> int:
    if not isinstance(index, int):
        raise TypeError(f"{owner} indices must be int or slice, got {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range for a {owner} of length {length}")
    return index % length
