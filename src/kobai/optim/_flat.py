"""A group of small parameters updated as one flat array (PyTorch's "foreach" idea).

An update rule that works element by element gives every element the same numbers whether
it runs once per parameter or once over all of a group's parameters laid end to end, so a
network of many small parameters (biases, a tiny MLP's weights) need not pay Python's cost
of one kernel call per parameter: the group's parameters and gradients are gathered into
two flat arrays, the optimizer's own kernel runs once on them, and the new values are
copied back. The state arrays (Adam's moments, a momentum buffer, ...) live in flat arrays
too, each parameter's state holding views of its slice, so ``state_dict``, ``load_state_dict``
and a later step of one parameter alone see what they always saw.

A group takes this path when every parameter has a gradient of its dtype and shape, none is
larger than :data:`LIMIT` elements (large ones keep their per-parameter, cache-sized or
fused, steps) and their step counts agree; otherwise the parameters are stepped one by one.
The numbers are bit for bit those of the per-parameter steps (tests, every rule, float32 and
float64).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.optim._workspace import Workspace

# Parameters of more elements keep their own steps: their passes are long enough that the
# call costs nothing, and they are cut into cache-sized chunks or handed to fused kernels.
LIMIT = 16_384
ENABLED = True


class FlatGroup:
    """The flat arrays of one parameter group: parameters, gradients, state and scratch."""

    def __init__(self, params: list[Any]) -> None:
        self.ids = [id(p) for p in params]
        self.shapes = [p.data.shape for p in params]
        self.dtype = params[0].data.dtype
        sizes = [p.data.size for p in params]
        self.bounds = np.cumsum([0, *sizes]).tolist()
        total = self.bounds[-1]
        self.param = np.empty(total, dtype=self.dtype)
        self.grad = np.empty(total, dtype=self.dtype)
        self.param_views = self.views(self.param)
        self.state: dict[str, tuple[np.ndarray, list[np.ndarray]]] = {}
        self.work = Workspace(self.param)

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Each parameter's slice of ``flat``, in its shape."""
        b = self.bounds
        return [flat[b[i] : b[i + 1]].reshape(s) for i, s in enumerate(self.shapes)]

    def fits(self, params: list[Any], datas: list[np.ndarray]) -> bool:
        """Whether these are still the parameters (and shapes, dtype) it was made for."""
        return (
            [id(p) for p in params] == self.ids
            and [d.shape for d in datas] == self.shapes
            and datas[0].dtype == self.dtype
        )

    def adopt(self, name: str, states: list[dict[str, Any]]) -> np.ndarray:
        """The flat array of state ``name``, each parameter's ``state[name]`` a view of it
        (an array made elsewhere, a loaded one say, is copied in first; a missing one is
        left to the kernel to fill)."""
        if name not in self.state:
            flat = np.zeros_like(self.param)
            self.state[name] = (flat, self.views(flat))
        flat, views = self.state[name]
        for state, view in zip(states, views, strict=True):
            seat(state, name, view)
        return flat


def seat(state: dict[str, Any], name: str, view: np.ndarray) -> bool:
    """Make ``state[name]`` the array ``view`` (a slice of a larger array), the values it
    held copied in; False when it held none (``view`` keeps what it has). An ensemble's
    stacked step seats its members' state the same way."""
    current = state.get(name)
    if current is view:
        return True
    if current is not None:
        view[...] = current
    state[name] = view
    return current is not None


def step(opt: Any, group: dict[str, Any], hyper: dict[str, Any]) -> bool:
    """Update ``group``'s parameters as one flat array; False (nothing done) where the
    group does not qualify (see the module's docstring)."""
    params = group["params"]
    if not ENABLED or len(params) < 2:
        return False
    dtype = params[0].data.dtype
    datas, grads = [], []
    for p in params:
        data, grad = p.data, p.grad
        if (
            grad is None
            or data.size > LIMIT
            or data.dtype != dtype
            or grad.dtype != dtype
            or grad.shape != data.shape
        ):
            return False
        datas.append(data)
        grads.append(grad)
    plan = opt._flat_plan(params, group, hyper)
    if plan is None:
        return False
    names, numbers, extra = plan
    flat = opt._flats.get(id(group))
    if flat is None or not flat.fits(params, datas):
        flat = opt._flats[id(group)] = FlatGroup(params)
    states = [opt.state[p] for p in params]
    arrays = [flat.adopt(name, states) if name else None for name in names]
    np.concatenate([d.reshape(-1) for d in datas], out=flat.param)
    np.concatenate([g.reshape(-1) for g in grads], out=flat.grad)
    opt._kernel(flat.param, flat.grad, *arrays, **numbers, **hyper, **extra, work=flat.work)
    for data, view in zip(datas, flat.param_views, strict=True):
        np.copyto(data, view)
    return True
