"""Module: the base class of every layer, loss and model."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from kobai.backend import as_dtype, is_floating
from kobai.nn._registration import ForwardHook, IncompatibleKeys, RemovableHandle, check_name
from kobai.nn.parameter import Parameter
from kobai.validation import check_bool


class Module:
    """Base class of layers and models, with PyTorch's ``torch.nn.Module`` semantics.

    A subclass calls ``super().__init__()`` first, then assigns its parameters
    (:class:`~kobai.nn.Parameter`), sub-modules (:class:`Module`) and buffers
    (:meth:`register_buffer`) as attributes, and implements :meth:`forward`. Everything is
    registered in assignment order (dicts, never sets), so :meth:`parameters`,
    :meth:`state_dict` and the printed tree are deterministic.

    Attributes
    ----------
    training : bool
        True in training mode (the default), False after :meth:`eval`. Layers such as
        Dropout and BatchNorm behave differently in the two modes.

    Examples
    --------
    >>> from kobai import nn
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(2, 3, rng=0)
    ...         self.out = nn.Linear(3, 1, rng=0)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    >>> [name for name, _ in Net().named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, np.ndarray | None]
    _non_persistent: set[str]
    _modules: dict[str, Module | None]
    _forward_hooks: dict[int, ForwardHook]

    def __init__(self) -> None:
        # Registries first, through object.__setattr__, since __setattr__ consults them.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_hooks", {})

    # -- the call -------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the output; every subclass defines it."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing a "forward" method')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                result = hook(self, args, out)
                if result is not None:
                    out = result
        return out

    def register_forward_hook(self, hook: ForwardHook) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward (a non-None result
        replaces the output). Returns a handle whose ``remove()`` unregisters it."""
        key = max(self._forward_hooks, default=-1) + 1
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    # -- registration ---------------------------------------------------------------------
    def _registries(self) -> dict[str, Any]:
        registries = self.__dict__.get("_parameters")
        if registries is None:
            raise AttributeError(
                f"cannot assign to {type(self).__name__} before Module.__init__() is called"
            )
        return self.__dict__

    def _forget(self, name: str, keep: dict[str, Any] | None = None) -> None:
        """Drop ``name`` from every registry but ``keep`` (where a new value replaces the
        old one in its place, so the order of registration is kept)."""
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        if keep is not self._buffers:
            self._non_persistent.discard(name)

    def __setattr__(self, name: str, value: Any) -> None:
        d = self._registries() if isinstance(value, (Parameter, Module)) else self.__dict__
        params, buffers, modules = d.get("_parameters"), d.get("_buffers"), d.get("_modules")
        if isinstance(value, Parameter):
            self._forget(name, keep=self._parameters)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} of "
                    f"{type(self).__name__} (a Parameter or None is expected)"
                )
            params[name] = None
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, np.ndarray):
                raise TypeError(
                    f"cannot assign {type(value).__name__} as buffer {name!r} of "
                    f"{type(self).__name__} (an ndarray or None is expected)"
                )
            buffers[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as sub-module {name!r} of "
                    f"{type(self).__name__} (a Module or None is expected)"
                )
            modules[name] = None
        # The attribute also lives in the instance dict, so reading it is a plain lookup.
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if "_parameters" in self.__dict__:
            self._forget(name)
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a placeholder such as a missing bias) under ``name``."""
        check_name(name, self)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"parameter {name!r} must be a Parameter or None, got {type(param).__name__}"
            )
        self._forget(name, keep=self._parameters)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(
        self, name: str, array: np.ndarray | None, *, persistent: bool = True
    ) -> None:
        """Register a non-learned array (e.g. BatchNorm's ``running_mean``) under ``name``.

        Buffers follow :meth:`to` and, when ``persistent``, are part of :meth:`state_dict`.
        """
        check_name(name, self)
        if array is not None and not isinstance(array, np.ndarray):
            raise TypeError(f"buffer {name!r} must be an ndarray or None, got {type(array)}")
        self._forget(name, keep=self._buffers)
        self._buffers[name] = array
        self._non_persistent.discard(name)
        if not persistent:
            self._non_persistent.add(name)
        object.__setattr__(self, name, array)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a sub-module called ``name``."""
        check_name(name, self)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._forget(name, keep=self._modules)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    # -- walking the tree -----------------------------------------------------------------
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module (each once), with dotted names, depth first."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{key}" if name else key, child)
                for key, child in module._modules.items()
                if child is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, depth first."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names."""
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name (``"0.weight"``), each shared one once."""
        seen: set[int] = set()
        owners = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for owner, module in owners:
            for key, param in module._parameters.items():
                if param is None or id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{owner}.{key}" if owner else key), param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, in registration order (what an optimizer takes)."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, np.ndarray]]:
        """Every buffer with its dotted name."""
        owners = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for owner, module in owners:
            for key, array in module._buffers.items():
                if array is not None:
                    yield (f"{owner}.{key}" if owner else key), array

    def buffers(self, recurse: bool = True) -> Iterator[np.ndarray]:
        """Every buffer."""
        for _, array in self.named_buffers(recurse=recurse):
            yield array

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module (children first) and on this module; return self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -- modes, gradients, dtype ----------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on the whole tree; return self."""
        mode = check_bool("mode", mode)
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (``train(False)``): Dropout passes through, BatchNorm uses its
        running statistics. Returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradient recording for every parameter on or off (freezing); return self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: ``grad = None`` (or zeros if not set_to_none)."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad.fill(0)

    def to(self, dtype: Any) -> Module:
        """Convert every floating parameter, gradient and buffer to ``dtype``, in place.

        The Parameter objects stay the same (an optimizer holding them keeps working).
        Returns self.
        """
        target = as_dtype(dtype)
        if not is_floating(target):
            raise TypeError(f"Module.to needs a floating dtype, got {target}")
        for module in self.modules():
            for param in module._parameters.values():
                if param is not None and param.data.dtype != target:
                    param.data = param.data.astype(target)
                    if param.grad is not None:
                        param.grad = param.grad.astype(target)
            for key, array in module._buffers.items():
                if array is not None and is_floating(array.dtype) and array.dtype != target:
                    setattr(module, key, array.astype(target))
        return self

    def float(self) -> Module:
        """Convert to float32 (``to(np.float32)``)."""
        return self.to(np.float32)

    def double(self) -> Module:
        """Convert to float64 (``to(np.float64)``), e.g. for gradient checks."""
        return self.to(np.float64)

    # -- state ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Every parameter and persistent buffer as an ndarray copy, under dotted names.

        The names are PyTorch's (``"0.weight"``, ``"bn.running_mean"``,
        ``"bn.num_batches_tracked"``), so the dict can be saved with ``np.savez``.
        """
        state: dict[str, np.ndarray] = {}
        for owner, module in self.named_modules():
            dot = f"{owner}." if owner else ""
            for key, param in module._parameters.items():
                if param is not None:
                    state[dot + key] = param.data.copy()
            for key, array in module._buffers.items():
                if array is not None and key not in module._non_persistent:
                    state[dot + key] = array.copy()
        return state

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers, in place.

        Parameters
        ----------
        state_dict : mapping of str to array_like
            As returned by :meth:`state_dict` (or loaded from an ``.npz`` file).
        strict : bool, default True
            Raise when a key is missing or unexpected. A shape mismatch always raises.

        Returns
        -------
        IncompatibleKeys
            ``(missing_keys, unexpected_keys)``, both empty after a strict load.

        Raises
        ------
        ValueError
            Naming each missing or unexpected key, or a key whose shape differs, with both
            shapes.
        """
        targets = self._state_targets()
        missing = [key for key in targets if key not in state_dict]
        unexpected = [key for key in state_dict if key not in targets]
        if strict and (missing or unexpected):
            problems = []
            if missing:
                problems.append("missing key(s): " + ", ".join(repr(k) for k in missing))
            if unexpected:
                problems.append("unexpected key(s): " + ", ".join(repr(k) for k in unexpected))
            raise ValueError(
                f"error loading state_dict into {type(self).__name__}: " + "; ".join(problems)
            )
        values = {key: np.asarray(state_dict[key]) for key in targets if key in state_dict}
        for key, value in values.items():
            shape = targets[key].shape
            if value.shape != shape:
                raise ValueError(
                    f"error loading state_dict into {type(self).__name__}: size mismatch for "
                    f"{key!r}: the value has shape {value.shape}, the module's has shape {shape}"
                )
        for key, value in values.items():
            np.copyto(targets[key], value, casting="unsafe")
        return IncompatibleKeys(missing, unexpected)

    def _state_targets(self) -> dict[str, np.ndarray]:
        targets: dict[str, np.ndarray] = {}
        for owner, module in self.named_modules():
            dot = f"{owner}." if owner else ""
            for key, param in module._parameters.items():
                if param is not None:
                    targets[dot + key] = param.data
            for key, array in module._buffers.items():
                if array is not None and key not in module._non_persistent:
                    targets[dot + key] = array
        return targets

    # -- printing -------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of this module's repr."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        children = [(name, m) for name, m in self._modules.items() if m is not None]
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = [extra] if extra else []
        for name, child in children:
            lines.append(f"({name}): " + repr(child).replace("\n", "\n  "))
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
