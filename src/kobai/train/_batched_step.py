"""One optimizer step for many ensemble members at once, over their stacked parameters.

The update kernels of :mod:`kobai.optim._functional` work element by element, so one call on
an (N, ...) stack of parameters, gradients and state gives every member exactly the numbers
its own optimizer would (bit for bit: no sum runs across members). Members whose optimizers
share a class, hyper-parameters and step count form one call; each member's optimizer keeps
its state as views of the stacks, so ``state_dict``, snapshots and a later step of its own
see what a separate run would. Optimizers of other classes, with several parameter groups
or with step hooks take their own :meth:`~kobai.optim.Optimizer.step`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import backend
from kobai.optim import SGD, Adam, AdamW
from kobai.optim import _functional as K
from kobai.train._batched import Stack

# The classes stepped together and the state arrays each keeps per parameter.
BATCHED: dict[type, tuple[str, ...]] = {
    SGD: ("momentum_buffer",),
    Adam: ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
    AdamW: ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
}
FLAGS: dict[type, tuple[str, ...]] = {
    SGD: ("nesterov", "maximize"),
    Adam: ("amsgrad", "maximize", "decoupled_weight_decay"),
    AdamW: ("amsgrad", "maximize", "decoupled_weight_decay"),
}


class StackedStep:
    """Steps the members' optimizers together where their rules allow it.

    Parameters
    ----------
    stack : Stack
        The members' stacked parameters (``Stack.slots``).
    optimizers : sequence of N Optimizer
        Member ``n``'s optimizer, built on its ``parameters()``.
    """

    def __init__(self, stack: Stack, optimizers: Sequence[Any]) -> None:
        self.slots = stack.slots
        self.optimizers = list(optimizers)
        self.count = len(self.optimizers)
        self.batchable = [self._batchable(n, opt) for n, opt in enumerate(self.optimizers)]
        # Stacked state, made on first use: (slot, name) -> array (N, ...) and its N views.
        self.state: dict[tuple[int, str], tuple[np.ndarray, list[np.ndarray]]] = {}
        self.work: dict[tuple[int, int], K.Workspace] = {}

    def _batchable(self, n: int, opt: Any) -> bool:
        own = [slot[2][n] for slot in self.slots]
        return (
            type(opt) in BATCHED
            and len(opt.param_groups) == 1
            and [id(p) for p in opt.param_groups[0]["params"]] == [id(p) for p in own]
        )

    def step(self, members: Sequence[int]) -> None:
        """One optimizer step for each of ``members`` (indices of the stack)."""
        groups: dict[tuple, list[int]] = {}
        for n in members:
            opt = self.optimizers[n]
            hooked = getattr(opt, "_step_pre_hooks", None) or getattr(opt, "_step_post_hooks", None)
            if not self.batchable[n] or hooked or len(opt.param_groups) != 1:
                opt.step()
                continue
            groups.setdefault(self._key(n, opt), []).append(n)
        flush = backend.flush_denormal() if backend.flush_enabled() else contextlib.nullcontext()
        with flush:
            for key, group in groups.items():
                self._step_group(key, group)

    def _key(self, n: int, opt: Any) -> tuple:
        """What members must share to step together: class, hyper-parameters (as the
        kernel's keyword arguments) and where they are (first momentum step, step count)."""
        group = opt.param_groups[0]
        first = opt.state.get(self.slots[0][2][n], {})
        flags = {name: bool(group[name]) for name in FLAGS[type(opt)]}
        if isinstance(opt, SGD):
            numbers = ("lr", "momentum", "dampening", "weight_decay")
            hyper = {**{name: float(group[name]) for name in numbers}, **flags}
            fresh = hyper["momentum"] != 0 and "momentum_buffer" not in first
            return (SGD, tuple(hyper.items()), fresh)
        beta1, beta2 = group["betas"]
        hyper = {name: float(group[name]) for name in ("lr", "eps", "weight_decay")}
        hyper.update(beta1=float(beta1), beta2=float(beta2), **flags)
        return (type(opt), tuple(hyper.items()), int(first.get("step", 0)))

    def _step_group(self, key: tuple, members: list[int]) -> None:
        cls, hyper, extra = key
        hyper = dict(hyper)
        everyone = len(members) == self.count and members == list(range(self.count))
        for k, (data, grad, params) in enumerate(self.slots):
            names = self._names(cls, hyper)
            stacks = [self._state(k, name, members) for name in names]
            if everyone:
                p, g, arrays = data, grad, [s[0] for s in stacks]
            else:
                p, g = data[members], grad[members]
                arrays = [s[0][members] for s in stacks]
            work = self._work(k, p)
            if cls is SGD:
                buffer = arrays[0] if arrays else None
                K.sgd(p, g, buffer, **hyper, first_step=bool(extra), work=work)
            else:
                step = extra + 1
                for n in members:
                    self.optimizers[n].state[params[n]]["step"] = step
                optional = arrays[2] if len(arrays) > 2 else None
                K.adam(p, g, arrays[0], arrays[1], optional, step=step, **hyper, work=work)
            if not everyone:
                data[members] = p
                for (whole, _), part in zip(stacks, arrays, strict=True):
                    whole[members] = part

    @staticmethod
    def _names(cls: type, hyper: dict[str, Any]) -> tuple[str, ...]:
        names = BATCHED[cls]
        if cls is SGD:
            return names if hyper["momentum"] != 0 else ()
        return names if hyper["amsgrad"] else names[:2]

    def _state(self, k: int, name: str, members: list[int]) -> tuple[np.ndarray, list]:
        """The stacked state array ``name`` of slot ``k``; each member's optimizer state holds
        its view (state made elsewhere, by a loaded state dict say, is copied in first)."""
        data, _, params = self.slots[k]
        if (k, name) not in self.state:
            whole = np.zeros_like(data)
            self.state[k, name] = (whole, list(whole))
        whole, views = self.state[k, name]
        for n in members:
            state = self.optimizers[n].state[params[n]]
            if state.get(name) is not views[n]:
                if name in state:
                    views[n][...] = state[name]
                else:
                    views[n].fill(0)
                    if "step" not in state and name != "momentum_buffer":
                        state["step"] = 0
                state[name] = views[n]
        return whole, views

    def _work(self, k: int, like: np.ndarray) -> K.Workspace:
        work = self.work.get((k, len(like)))
        if work is None or not work.fits(like):
            work = self.work[k, len(like)] = K.Workspace(like)
        return work
