"""The optimizer shell: parameter groups, lazily created state, ``state_dict`` by index."""

from __future__ import annotations

import contextlib
import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from kobai import backend
from kobai.autograd.grad_mode import enable_grad
from kobai.autograd.tensor import Tensor
from kobai.optim import _flat
from kobai.optim import _hyper as H
from kobai.optim._shell import (
    PAIRS,
    RemovableHandle,
    StepHook,
    _copy_state,
    _is_index,
    _split_names,
)
from kobai.optim._validate import check_params_not_set, check_state_dict
from kobai.optim._workspace import Workspace

ParamsT = Iterable[Tensor] | Iterable[tuple[str, Tensor]] | Iterable[dict[str, Any]]


class Optimizer:
    """Base class of every optimizer: holds parameter groups and per-parameter state.

    A subclass validates its hyper-parameters in ``_validate_group`` and declares the rest:
    its state (``_state_numbers``, ``_state_arrays``, ``_optional_arrays``), its update kernel
    (``_kernel``, a function of :mod:`kobai.optim._functional`) and the group entries the
    kernel takes (``_hyper_names``). The base class makes the state, advances the step count,
    reads the group's entries once per step and calls the kernel; a subclass overrides
    ``_update`` only where its rule needs more (SGD's first momentum step, NAdam's product of
    momentum factors).

    After ``kobai.set_flush_denormal(True)`` (off by default, as in PyTorch), :meth:`step`
    runs with subnormal floats flushed to zero in whichever thread calls it: a moment estimate
    that decays for a weight whose gradient stays zero turns subnormal after some hundreds of
    steps, and then every step is about twice as slow (an Adam step of the bench's MNIST MLP:
    0.74 ms, 1.4-1.7 ms with subnormal moments). The parameters do not notice: with Adam's
    defaults a subnormal moment would move a weight by at most about 1e-33, which changes no
    float32 weight above about 1e-25. ``kobai train`` and the other commands switch it on.

    Parameters
    ----------
    params : iterable of Tensor, of (name, Tensor) or of dict
        The parameters to optimize (``model.parameters()``, or ``model.named_parameters()``:
        then each group keeps the names under ``"param_names"`` and ``state_dict`` carries
        them, as in PyTorch), or parameter groups: dicts with a ``"params"`` entry and optional
        per-group hyper-parameters that override ``defaults``. A ``set`` is refused: its order
        changes between runs.
    defaults : dict
        Default hyper-parameters for every group.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (a list of tensors) and the group's hyper-parameters.
        Learning-rate schedulers change ``group["lr"]`` here.
    state : dict
        Per-parameter state (step count, moment estimates, ...), created on the first step in
        which the parameter has a gradient.
    defaults : dict
        The default hyper-parameters.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import SGD
    >>> w = kb.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.data
    array([ 0.8, -1.6], dtype=float32)
    """

    # The state :meth:`_init_state` makes for a parameter: numbers with their starting values
    # (a loaded number takes its starting value's type), then arrays of zeros shaped like the
    # parameter. Entries an option switches on mid-run are made by ``_update`` itself.
    _state_numbers: ClassVar[Mapping[str, float]] = {"step": 0}
    _state_arrays: ClassVar[tuple[str, ...]] = ()
    # The group entries handed to the update, as keyword arguments: numbers as floats, flags
    # as bools, pairs such as ``betas`` as ``beta1`` and ``beta2`` (read once per group and
    # step).
    _hyper_names: ClassVar[tuple[str, ...]] = ()
    # The update kernel (a function of ``_functional``, wrapped in ``staticmethod``), called as
    # ``kernel(param, grad, *arrays, *optional arrays, **numbers, **hyper, work=scratch)``.
    _kernel: ClassVar[Callable[..., Any] | None] = None
    # State arrays made only while a group entry is on (name -> entry), e.g. AMSGrad's
    # running maximum: an option switched on mid-run (by hand or a scheduler) makes them then;
    # the kernel gets None in their place while they do not exist.
    _optional_arrays: ClassVar[Mapping[str, str]] = {}
    # State numbers the kernel takes as keyword arguments (after the step count is advanced).
    _kernel_numbers: ClassVar[tuple[str, ...]] = ()
    # The kernel works element by element, so a group of small parameters may be stepped as
    # one flat array (kobai.optim._flat; bit for bit the same numbers, tested per rule).
    _steps_flat: ClassVar[bool] = False
    # The hyper-parameters with their defaults, checks and descriptions (kobai.optim._hyper),
    # in signature order. A subclass that declares them gets from the table its constructor
    # ``__init__(self, params, *hyper)``, the checks of every group, the kernel's keyword
    # arguments (``_hyper_names``) and its docstring's parameters (where it says
    # ``{parameters}``).
    _hypers: ClassVar[Mapping[str, H.Hyper]] = {}
    # Group entries an optimizer sets itself, not a constructor argument (AdamW's
    # decoupled_weight_decay).
    _fixed: ClassVar[Mapping[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_hypers" not in cls.__dict__:
            return
        if "_hyper_names" not in cls.__dict__:
            names = [name for name, h in cls._hypers.items() if h.kernel]
            cls._hyper_names = (*names, *cls._fixed)
        if "__init__" not in cls.__dict__:
            cls.__init__ = H.constructor(cls, Optimizer.__init__)  # type: ignore[method-assign]
        if cls.__doc__ and "{parameters}" in cls.__doc__:
            cls.__doc__ = cls.__doc__.replace("{parameters}", H.parameters_doc(cls._hypers))

    if TYPE_CHECKING:
        # Subclasses get their constructors from their tables at class creation, which a
        # type checker does not see: it is told that any arguments may follow ``params``.
        def __init__(self, params: ParamsT, *args: Any, **kwargs: Any) -> None: ...

    def __init__(self, params: ParamsT, defaults: Mapping[str, Any]) -> None:  # type: ignore[no-redef]
        self._setup(defaults)
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}"
            )
        check_params_not_set(params)
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _setup(self, defaults: Mapping[str, Any]) -> None:
        """Everything an optimizer holds before its parameters are added."""
        self.defaults: dict[str, Any] = dict(defaults)
        self._validate_group(self.defaults)
        self.state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._workspaces: dict[Any, Workspace] = {}
        self._flats: dict[int, Any] = {}  # id(group) -> its flat arrays (kobai.optim._flat)
        self._step_pre_hooks: dict[int, StepHook] = {}
        self._step_post_hooks: dict[int, StepHook] = {}

    # -- parameter groups ----------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with optional hyper-parameters of its own.

        Parameters
        ----------
        param_group : dict
            ``{"params": tensors, **hyper}``; missing hyper-parameters take the defaults.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("param_group must have a 'params' entry")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        check_params_not_set(params)
        group = dict(param_group)
        group["params"] = _split_names(group, list(params))
        named = "param_names" in group
        if self.param_groups and named != ("param_names" in self.param_groups[0]):
            raise ValueError(
                "all optimizer param groups should be with/without names. cannot add param "
                f"group {'with' if named else 'without'} names to the optimizer"
            )
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in group["params"]}) != len(group["params"]):
            raise ValueError("a parameter group contains the same parameter twice")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._validate_group(group)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)
        self._init_group(group)

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        """Raise ValueError/TypeError for an invalid hyper-parameter: the declared checks, then
        those a subclass adds (relations between entries)."""
        H.check(self._hypers, group)

    def _init_group(self, group: dict[str, Any]) -> None:
        """Create state eagerly for a new group (only Adagrad does; others are lazy)."""

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """The parameter's state as it starts: ``_update`` calls it on the first step, as
        ``state = self.state[p] or self._init_state(p, group)``."""
        return self._fresh_state(p, p.data)

    def _fresh_state(self, key: Any, like: np.ndarray) -> dict[str, Any]:
        """``self.state[key]`` made from the declared names: the numbers at their starting
        values, the arrays as zeros shaped like ``like``."""
        state = self.state[key]
        state.update(self._state_numbers)
        for name in self._state_arrays:
            state[name] = np.zeros_like(like)
        return state

    def _hyper(self, group: Mapping[str, Any]) -> dict[str, Any]:
        """The group's entries of ``_hyper_names`` as the update's keyword arguments."""
        out: dict[str, Any] = {}
        for name in self._hyper_names:
            value = group[name]
            if name in PAIRS:
                first, second = PAIRS[name]
                out[first], out[second] = float(value[0]), float(value[1])
            elif isinstance(value, (bool, np.bool_)):
                out[name] = bool(value)
            else:
                out[name] = float(value)
        return out

    def _params(self) -> Iterator[Tensor]:
        return chain.from_iterable(g["params"] for g in self.param_groups)

    # -- the step ------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set ``p.grad`` to None (default) or fill it with zeros."""
        for p in self._params():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient (those with ``grad is None`` are skipped).

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (computing gradients); it runs first,
            with gradient recording on.

        Returns
        -------
        The closure's loss, or None.

        Notes
        -----
        Hooks registered with :meth:`register_step_pre_hook` run first and may replace the
        arguments; those of :meth:`register_step_post_hook` run last.
        """
        args: tuple[Any, ...] = () if closure is None else (closure,)
        kwargs: dict[str, Any] = {}
        for hook in list(self._step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        "a step pre-hook must return None or a tuple of (new_args, new_kwargs), "
                        f"got {result!r}"
                    )
                args, kwargs = result
        flush = backend.flush_denormal() if backend.flush_enabled() else contextlib.nullcontext()
        with flush:
            loss = self._step(*args, **kwargs)
        for hook in list(self._step_post_hooks.values()):
            hook(self, args, kwargs)
        return loss

    def _step(self, closure: Callable[[], Any] | None = None) -> Any:
        """The step itself: run the closure, then update every parameter with a gradient."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._begin_step()
        for group in self.param_groups:
            hyper = self._hyper(group)
            if self._steps_flat and _flat.step(self, group, hyper):
                continue
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad, group, hyper)
        return loss

    def register_step_pre_hook(self, hook: StepHook) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` before every :meth:`step`; it may return
        ``(new_args, new_kwargs)`` to replace the step's arguments. As PyTorch's.

        Returns
        -------
        RemovableHandle
            ``handle.remove()`` unregisters the hook.
        """
        return RemovableHandle.add(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook: StepHook) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` after every :meth:`step`. As PyTorch's.

        Returns
        -------
        RemovableHandle
            ``handle.remove()`` unregisters the hook.
        """
        return RemovableHandle.add(self._step_post_hooks, hook)

    def _begin_step(self) -> None:
        """Called once per step, before the parameters (an optimizer that counts its steps
        for all parameters at once does it here)."""

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], hyper: dict[str, Any]
    ) -> Any:
        """One parameter's step: its state made or advanced, then the kernel called."""
        if self._kernel is None:
            raise NotImplementedError(f"{type(self).__name__} has no update kernel")
        state = self._ready_state(p, group)
        if "step" in state:
            state["step"] += 1
        arrays = [state[name] for name in self._state_arrays]
        arrays += [state.get(name) for name in self._optional_arrays]
        numbers = {name: state[name] for name in self._kernel_numbers}
        return self._kernel(p.data, grad, *arrays, **numbers, **hyper, work=self._work(p))

    def _ready_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        """``p``'s state, made on its first step, with the optional arrays its group's entries
        switch on (made when first switched on)."""
        state = self.state[p] or self._init_state(p, group)
        for name, entry in self._optional_arrays.items():
            if group[entry] and name not in state:
                state[name] = np.zeros_like(p.data)
        return state

    def _flat_plan(
        self, params: list[Tensor], group: dict[str, Any], hyper: dict[str, Any]
    ) -> tuple[list[str | None], dict[str, Any], dict[str, Any]] | None:
        """Ready the parameters' state for one flat step of their group, as ``_update``
        readies one parameter's: the names of the state arrays the kernel takes (None for
        an optional one that does not exist), its numbers and any further keyword
        arguments. None (and the step counts untouched) where the parameters' numbers or
        optional arrays differ: they are then stepped one by one."""
        states = [self._ready_state(p, group) for p in params]
        first = states[0]
        counted = [name for name in self._state_numbers if name in first]
        for state in states[1:]:
            if any(name not in state or state[name] != first[name] for name in counted):
                return None
        optional: list[str | None] = []
        for name in self._optional_arrays:
            present = sum(name in state for state in states)
            if 0 < present < len(states):
                return None
            optional.append(name if present else None)
        if "step" in first:
            for state in states:
                state["step"] += 1
        numbers = {name: first[name] for name in self._kernel_numbers}
        return [*self._state_arrays, *optional], numbers, {}

    def _work(self, p: Tensor) -> Workspace:
        """The parameter's scratch arrays, kept between steps (remade if its data changed)."""
        work = self._workspaces.get(p)
        if work is None or not work.fits(p.data):
            work = self._workspaces[p] = Workspace(p.data)
        return work

    # -- saving and loading --------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as a dict of copies, with parameters referred to by index.

        Returns
        -------
        dict
            ``{"state": {index: {name: value}}, "param_groups": [{..., "params": [index]}]}``;
            indices count the parameters of all groups in order. Arrays are copies, so the
            dict does not change as training goes on.
        """
        index = {id(p): i for i, p in enumerate(self._params())}
        groups = []
        for g in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in g.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in g["params"]]
            groups.append(packed)
        state = {
            (index[id(k)] if isinstance(k, Tensor) else k): _copy_state(v)
            for k, v in self.state.items()
            if v
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a state from :meth:`state_dict` (or from a file written from one).

        The groups must have the same sizes as this optimizer's; the saved hyper-parameters
        replace the current ones. Arrays are copied and cast to their parameter's dtype.
        """
        check_state_dict(self, state_dict)
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups: "
                f"{len(saved_groups)} saved, {len(self.param_groups)} here"
            )
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group of "
                    f"{len(saved['params'])} parameters where this optimizer has "
                    f"{len(group['params'])}"
                )
        by_index = {
            int(i): p
            for saved, group in zip(saved_groups, self.param_groups, strict=True)
            for i, p in zip(saved["params"], group["params"], strict=True)
        }
        new_groups = []
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            new = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in new:
                new["param_names"] = group["param_names"]
            self._validate_group(new)
            new_groups.append(new)
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            p = by_index.get(int(key)) if _is_index(key) else None
            state[p if p is not None else key] = (
                self._cast_state(p, value) if p is not None else _copy_state(value)
            )
        self.param_groups = new_groups
        self.state = state
        self._flats.clear()

    def _cast_state(self, p: Tensor, saved: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in saved.items():
            if name in self._state_numbers:
                out[name] = type(self._state_numbers[name])(np.asarray(value).item())
                continue
            array = np.array(value, dtype=p.data.dtype, copy=True)
            if array.shape != p.data.shape:
                raise ValueError(
                    f"state {name!r} has shape {array.shape} but its parameter has shape "
                    f"{p.data.shape}"
                )
            out[name] = array
        return out

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {k}: {group[k]}" for k in sorted(group) if k != "params")
        lines.append(")")
        return "\n".join(lines)
