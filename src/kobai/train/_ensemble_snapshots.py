"""An ensemble member's training state at the end of its last completed epoch, kept cheaply.

:func:`kobai.ensemble.fit_ensemble` returns, for every member, the checkpoint that
:func:`kobai.fit` would have written after the member's last good epoch (a member that
diverges in epoch k+1 is given its state of epoch k). Copying 64 members' parameters and
optimizer states one by one every epoch took about 40% of a tiny ensemble's training, so
members whose state lives in the stacks (parameters only, an optimizer stepped with the
others) share one copy of the stacks per epoch (a few array copies for all of them), plus
a few numbers of their own; their checkpoint dicts are built from it only when asked for.
Other members are copied whole every epoch, as before.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np


class EpochStates:
    """Every member's state at its last completed epoch (see the module's docstring).

    Parameters
    ----------
    run : kobai.train.ensemble._Ensemble
        The ensemble: its stacks (``stack.slots``), stacked optimizer state
        (``updates``), members' objects and bookkeeping, and ``state(n, epoch)``, the full
        copy of member ``n``'s state.
    """

    def __init__(self, run: Any) -> None:
        self.run = run
        count = len(run.models)
        self.full: list[dict[str, Any] | None] = [run.state(n, 0) for n in range(count)]
        self.light: list[tuple[dict[str, Any], dict[str, Any]] | None] = [None] * count
        self.mark: dict[str, Any] | None = None

    def new_epoch(self) -> None:
        """The stacks are about to change: the next record takes a fresh copy of them."""
        self.mark = None

    def record(self, n: int, epoch: int) -> None:
        """Keep member ``n``'s state at the end of ``epoch`` (after its scheduler's step)."""
        run = self.run
        if not self._in_stacks(n):
            self.full[n], self.light[n] = run.state(n, epoch), None
            return
        if self.mark is None:
            updates = run.updates
            self.mark = {
                "params": [data.copy() for data, _, _ in run.stack.slots],
                "state": {key: whole.copy() for key, (whole, _) in updates.state.items()},
            }
        scheduler = run.schedulers[n]
        opt = run.optimizers[n]
        own = {
            "epoch": epoch,
            "steps": [state.get("step") for state in run.updates.member_states[n]],
            "groups": [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups],
            "scheduler": copy.deepcopy(scheduler.state_dict()) if scheduler is not None else None,
            "rng": run.rngs[n].bit_generator.state,
            "clock": run.clock[n],
            "reference_loss": run.reference[n],
        }
        self.full[n], self.light[n] = None, (self.mark, own)

    def _in_stacks(self, n: int) -> bool:
        """Whether member ``n``'s parameters and optimizer state are views of the stacks
        (its model holds parameters only, and its optimizer adopted the stacked state)."""
        run = self.run
        updates, opt = run.updates, run.optimizers[n]
        adopted = updates.adopted[n]
        if not run.params_only or adopted is None or adopted[0] is not opt.state:
            return False
        params = [slot[2][n] for slot in run.stack.slots]
        groups = opt.param_groups
        if len(groups) != 1 or [id(p) for p in groups[0]["params"]] != [id(p) for p in params]:
            return False
        return all(
            opt.state[p].get(name) is updates.state[k, name][1][n]
            for k, p in enumerate(params)
            for name in adopted[1]
        )

    def state(self, n: int) -> dict[str, Any]:
        """Member ``n``'s checkpoint (without its history), as :meth:`run.state` gives it."""
        full = self.full[n]
        if full is not None:
            return full
        light = self.light[n]
        assert light is not None
        mark, own = light
        run = self.run
        opt = run.optimizers[n]
        optimizer = opt.state_dict()  # today's structure; the values are put back to then
        for k, saved in optimizer["state"].items():
            for name in saved:
                if (k, name) in mark["state"]:
                    saved[name] = mark["state"][k, name][n].copy()
            if "step" in saved:
                saved["step"] = own["steps"][k]
        for group, then in zip(optimizer["param_groups"], own["groups"], strict=True):
            group.update(copy.deepcopy(then))
        return {
            "epoch": own["epoch"],
            "model": {
                name: np.array(params[n])
                for name, params in zip(run.slot_names, mark["params"], strict=True)
            },
            "optimizer": optimizer,
            "scheduler": copy.deepcopy(own["scheduler"]),
            "rng": copy.deepcopy(own["rng"]),
            "module_rngs": copy.deepcopy(run.module_rngs[n]),
            "callbacks": [],
            "clock": own["clock"],
            "reference_loss": own["reference_loss"],
        }
