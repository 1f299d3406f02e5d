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
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from kobai import backend
from kobai.optim import SGD, Adam, AdamW, Optimizer
from kobai.optim import _functional as K
from kobai.optim._flat import seat
from kobai.train._batched import Stack

# The classes stepped together and the state arrays each keeps per parameter.
BATCHED: dict[type[Optimizer], tuple[str, ...]] = {
    SGD: ("momentum_buffer",),
    Adam: ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
    AdamW: ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
}
# A group's hyper-parameters as one tuple, read in C (this runs for every member every step):
# the entries each class hands its kernel (``_hyper_names``).
HYPER_OF = {cls: operator.itemgetter(*cls._hyper_names) for cls in BATCHED}
_EMPTY: dict[str, Any] = {}


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
        # Per member, the state dict (and names) whose arrays are views of the stacks: a
        # loaded state dict replaces it, and is then taken in again.
        self.adopted: list[tuple[Any, tuple[str, ...]] | None] = [None] * self.count
        self.member_states: list[list[dict[str, Any]]] = [[] for _ in range(self.count)]
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
        first, batchable, optimizers = self.slots[0][2], self.batchable, self.optimizers
        adopted, member_states = self.adopted, self.member_states
        for n in members:
            opt = optimizers[n]
            groups_of = opt.param_groups
            if (
                not batchable[n]
                or opt._step_pre_hooks
                or opt._step_post_hooks
                or len(groups_of) != 1
            ):
                opt.step()
                # Its own step may have moved its state into arrays of its own (a flat step
                # of small parameters): the stacks take it in again before the next shared one.
                adopted[n] = None
                continue
            # What members must share to step together: class, hyper-parameters and where
            # they are (the first momentum step, the step count). The first parameter's
            # state is at hand once adopted (no lookup by tensor).
            cls, mine = type(opt), adopted[n]
            if mine is not None and mine[0] is opt.state and member_states[n]:
                state = member_states[n][0]
            else:
                state = opt.state.get(first[n], _EMPTY)
            where = "momentum_buffer" in state if cls is SGD else state.get("step", 0)
            key = (cls, HYPER_OF[cls](groups_of[0]), where)
            if key in groups:
                groups[key].append(n)
            else:
                groups[key] = [n]
        flush = backend.flush_denormal() if backend.flush_enabled() else contextlib.nullcontext()
        with flush:
            for key, group_members in groups.items():
                self._step_group(key, group_members)

    def _step_group(self, key: tuple, members: list[int]) -> None:
        cls, _, where = key
        # Every member of the group has these values: the first one's optimizer converts them.
        lead = self.optimizers[members[0]]
        hyper = lead._hyper(lead.param_groups[0])
        names = self._names(cls, hyper)
        for n in members:
            adopted = self.adopted[n]
            if adopted is None or adopted[0] is not self.optimizers[n].state or adopted[1] != names:
                self._adopt(n, names)
        everyone = len(members) == self.count and members == list(range(self.count))
        step = int(where) + 1
        if cls is not SGD:
            for n in members:
                for state in self.member_states[n]:
                    state["step"] = step
        for k, (data, grad, _) in enumerate(self.slots):
            stacks = [self.state[k, name][0] for name in names]
            if everyone:
                p, g, arrays = data, grad, stacks
            else:
                p, g = data[members], grad[members]
                arrays = [s[members] for s in stacks]
            work = self._work(k, p)
            if cls is SGD:
                buffer = arrays[0] if arrays else None
                first_step = hyper["momentum"] != 0 and not where
                K.sgd(p, g, buffer, **hyper, first_step=first_step, work=work)
            else:
                optional = arrays[2] if len(arrays) > 2 else None
                K.adam(p, g, arrays[0], arrays[1], optional, step=step, **hyper, work=work)
            if not everyone:
                data[members] = p
                for whole, part in zip(stacks, arrays, strict=True):
                    whole[members] = part

    @staticmethod
    def _names(cls: type, hyper: dict[str, Any]) -> tuple[str, ...]:
        names = BATCHED[cls]
        if cls is SGD:
            return names if hyper["momentum"] != 0 else ()
        return names if hyper["amsgrad"] else names[:2]

    def _adopt(self, n: int, names: tuple[str, ...]) -> None:
        """Make member ``n``'s state arrays ``names`` views of the stacks (state made
        elsewhere, by a loaded state dict say, is copied in first)."""
        opt = self.optimizers[n]
        for k, (data, _, params) in enumerate(self.slots):
            state = opt.state[params[n]]
            for name in names:
                if (k, name) not in self.state:
                    whole = np.zeros_like(data)
                    self.state[k, name] = (whole, list(whole))
                view = self.state[k, name][1][n]
                if not seat(state, name, view):
                    view.fill(0)
                    if "step" not in state and name != "momentum_buffer":
                        state["step"] = 0
        self.adopted[n] = (opt.state, names)
        self.member_states[n] = [opt.state[params[n]] for _, _, params in self.slots]

    def _work(self, k: int, like: np.ndarray) -> K.Workspace:
        work = self.work.get((k, len(like)))
        if work is None or not work.fits(like):
            work = self.work[k, len(like)] = K.Workspace(like)
        return work
