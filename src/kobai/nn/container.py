"""Containers: Sequential, ModuleList, ModuleDict and ParameterList."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, overload

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.nn.module import Module
from kobai.nn.parameter import Parameter

_S = TypeVar("_S", bound="_NumberedModules")


class _NumberedModules(Module):
    """What Sequential and ModuleList share: child modules named ``"0"``, ``"1"``, ... in order."""

    #: The name messages give the container (a subclass of Sequential is still indexed as one).
    _kind = ""

    def append(self: _S, module: Module) -> _S:
        """Add ``module`` at the end; return self."""
        self.add_module(str(len(self)), _as_module(module, len(self)))
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.children())

    def _of(self: _S, modules: list[Module]) -> _S:
        """A container of this kind holding ``modules``."""
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self: _S, index: slice) -> _S: ...
    def __getitem__(self, index: int | slice) -> Module:
        modules = list(self.children())
        if isinstance(index, slice):
            return self._of(modules[index])
        return modules[_index(index, len(modules), self._kind)]


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

    _kind = "Sequential"

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

    def _of(self, modules: list[Module]) -> Sequential:
        return Sequential(*modules)


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

    _kind = "ModuleList"

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

    def _of(self, modules: list[Module]) -> ModuleList:
        return ModuleList(modules)

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


class ModuleDict(Module):
    """A dict of modules whose parameters are registered under their keys, in insertion order
    (PyTorch's ``torch.nn.ModuleDict``).

    Parameters
    ----------
    modules : mapping or iterable of (str, Module) pairs, optional

    Examples
    --------
    >>> from kobai import nn
    >>> heads = nn.ModuleDict({"class": nn.Linear(4, 3, rng=0), "box": nn.Linear(4, 2, rng=0)})
    >>> [name for name, _ in heads.named_parameters()]
    ['class.weight', 'class.bias', 'box.weight', 'box.bias']
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        module = self._modules.get(key)
        if module is None:
            raise KeyError(f"ModuleDict has no module {key!r}")
        return module

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _as_module(module, repr(key)))

    def __delitem__(self, key: str) -> None:
        self[key]  # a KeyError that names the key
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        """The names of the modules, in insertion order."""
        return list(self._modules)

    def items(self) -> list[tuple[str, Module]]:
        """``(name, module)`` pairs, in insertion order."""
        return [(k, m) for k, m in self._modules.items() if m is not None]

    def values(self) -> list[Module]:
        """The modules, in insertion order."""
        return [m for m in self._modules.values() if m is not None]

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        for key in list(self._modules):
            delattr(self, key)

    def update(self, modules: Any) -> None:
        """Add (or replace) modules from a mapping or an iterable of (key, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update needs (key, module) pairs, got {pair!r}")
            self[pair[0]] = pair[1]


class ParameterList(Module):
    """A list of parameters registered as ``"0"``, ``"1"``, ... (``torch.nn.ParameterList``).

    Tensors and arrays given to it become :class:`~kobai.nn.Parameter` (sharing their data).

    Parameters
    ----------
    values : iterable of Parameter, Tensor or ndarray, optional

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> scales = nn.ParameterList([np.ones(3, dtype=np.float32) for _ in range(2)])
    >>> [name for name, _ in scales.named_parameters()]
    ['0', '1']
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end (as a Parameter); return self."""
        self.register_parameter(str(len(self)), _as_parameter(value, len(self)))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add every value at the end; return self."""
        for value in values:
            self.append(value)
        return self

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter([p for p in self._parameters.values() if p is not None])

    def __getitem__(self, index: int) -> Parameter:
        param = self._parameters[str(_index(index, len(self), "ParameterList"))]
        assert param is not None
        return param

    def __setitem__(self, index: int, value: Any) -> None:
        i = _index(index, len(self), "ParameterList")
        self.register_parameter(str(i), _as_parameter(value, i))

    def extra_repr(self) -> str:
        return "\n".join(
            f"({name}): Parameter containing: [{p.dtype} of size {'x'.join(map(str, p.shape))}]"
            for name, p in self._parameters.items()
            if p is not None
        )


def _as_parameter(value: Any, position: int) -> Parameter:
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value.data, requires_grad=value.requires_grad)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return Parameter(value)
    raise TypeError(
        f"item {position} must be a Parameter, Tensor or float ndarray, got {type(value).__name__}"
    )
