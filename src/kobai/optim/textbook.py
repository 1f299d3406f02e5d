r"""The textbook optimizers, exactly as the source document writes them.

Source document 004 gives SGD, Momentum, AdaGrad and Adam as classes with a dict-of-arrays
``update(params, grads)``; Nesterov and RMSprop follow the same book family's code
(``common/optimizer.py`` of "Deep Learning from Scratch"). With :math:`\eta` = ``lr``,
:math:`g` the gradient and :math:`10^{-7}` hard-coded:

- SGD: :math:`W \leftarrow W - \eta g` (lr 0.01).
- Momentum: :math:`v \leftarrow \mu v - \eta g,\ W \leftarrow W + v` (lr 0.01, momentum 0.9).
- Nesterov: :math:`v \leftarrow \mu v - \eta g,\ W \leftarrow W + \mu^2 v - (1 + \mu)\eta g`,
  with the new :math:`v` (lr 0.01, momentum 0.9; Bengio et al.'s rewriting, arXiv:1212.0901).
- AdaGrad: :math:`h \leftarrow h + g^2,\ W \leftarrow W - \eta g / (\sqrt h + 10^{-7})`
  (lr 0.01).
- RMSprop: :math:`h \leftarrow \rho h + (1 - \rho) g^2,\ W \leftarrow W - \eta g / (\sqrt h +
  10^{-7})` (lr 0.01, decay_rate 0.99).
- Adam: :math:`m \mathrel{+}= (1 - \beta_1)(g - m),\ v \mathrel{+}= (1 - \beta_2)(g^2 - v),\
  \eta_t = \eta \sqrt{1 - \beta_2^t} / (1 - \beta_1^t),\ W \leftarrow W - \eta_t m /
  (\sqrt v + 10^{-7})` (lr 0.001, beta1 0.9, beta2 0.999; one step counter for all).

Each class works both ways: ``opt = Momentum(lr=0.01); opt.update(params, grads)`` on dicts of
arrays, as in the book, or ``opt = Momentum(model.parameters(), lr=0.01)`` with ``step()`` and
``zero_grad()`` like every kobai optimizer (schedulers can then drive ``lr``). In float64 the
arrays are bit for bit those of the book's code; float32 stays float32.

Where the textbook and PyTorch (:mod:`kobai.optim`) agree and where they differ, in numbers
measured in float64 by ``tests/optim/test_optim_textbook_vs_torch.py``:

1. **Momentum under a constant learning rate: identical.** The book keeps the velocity
   :math:`v = -\eta b` where PyTorch keeps the buffer :math:`b` of raw gradients and multiplies
   by :math:`\eta` at each step; with a fixed :math:`\eta` it is the same recurrence. On
   Rosenbrock from (-1.2, 1) with lr 1e-3 and momentum 0.9 the two trajectories differ by at
   most 1.3e-15 over 300 steps: rounding only.
2. **Momentum under a changing learning rate: different.** Drop lr from 1e-3 to 1e-4 after 100
   steps. PyTorch rescales the whole buffer at once: its next step is 5.56e-4 long (it was
   5.67e-3). The book's velocity still carries the old rate: its next step is 5.15e-3, 9.26
   times longer, and it forgets the old rate only over about 1 / (1 - 0.9) = 10 steps. After
   100 more steps the two points are 0.0415 apart.
3. **Adam with tiny gradients: different.** Both add epsilon outside the square root, but
   PyTorch adds 1e-8 to the bias-corrected :math:`\sqrt{\hat v}`, while the book adds 1e-7 to
   the raw :math:`\sqrt v` and folds the bias correction into :math:`\eta_t`; its effective
   epsilon is :math:`10^{-7} / \sqrt{1 - \beta_2^t}`: 3.16e-6 at step 1, 3.24e-7 at step 100,
   1.26e-7 at step 1000. For a gradient of 1e-8 the first step is 0.5 lr in PyTorch and
   0.00315 lr in the book (159 times shorter); with epsilon 1e-8 inside the root,
   :math:`\sqrt{\hat v + \epsilon}` as some libraries write it, it would be 1.0e-4 lr. For a
   gradient of 1e-2 the three agree to 3.2e-4: 1.0000, 0.9997 and 0.99995 lr.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, MutableMapping
from typing import Any, ClassVar

import numpy as np

from kobai import backend
from kobai.optim import _validate as V
from kobai.optim._shell import hyper_parameters
from kobai.optim._workspace import Workspace
from kobai.optim.optimizer import Optimizer

#: The epsilon the book hard-codes, outside the square root.
EPS = 1e-7

Array = np.ndarray
State = dict[str, Any]


class _Textbook(Optimizer):
    """Shared machinery: the book's ``update(params, grads)`` and kobai's ``step()``."""

    # The book keeps no per-parameter step count (Adam's ``iter`` is shared).
    _state_numbers: ClassVar[Mapping[str, float]] = {}

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        if params is not None:
            super().__init__(params, defaults)
            return
        # Dict mode: one group without tensors; state and scratch arrays are keyed by the
        # dict's keys.
        self._setup(defaults)
        self.param_groups = [dict(self.defaults, params=[])]

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        V.nonnegative(group, "lr", "learning rate")

    def _hyper(self, group: Mapping[str, Any]) -> dict[str, Any]:
        """Every hyper-parameter of the book's class, as floats."""
        return {name: float(group[name]) for name in self.defaults}

    def _rule(self, param: Array, grad: Array, state: State, hyper: State, work: Workspace) -> None:
        raise NotImplementedError

    def update(
        self, params: MutableMapping[Any, np.ndarray], grads: Mapping[Any, np.ndarray]
    ) -> None:
        """Update the arrays of ``params`` in place, the book's way.

        Parameters
        ----------
        params : dict of ndarray
            e.g. ``{"W1": W1, "b1": b1, ...}``; updated in place.
        grads : dict of ndarray
            The gradients, with the same keys and shapes.
        """
        missing = [k for k in params if k not in grads]
        if missing:
            raise KeyError(f"grads has no entry for {missing}")
        for key in params:
            if np.shape(params[key]) != np.shape(grads[key]):
                raise ValueError(
                    f"grads[{key!r}] has shape {np.shape(grads[key])} but params[{key!r}] has "
                    f"shape {np.shape(params[key])}"
                )
        hyper = self._hyper(self.param_groups[0])
        self._begin_step()
        flush = backend.flush_denormal() if backend.flush_enabled() else contextlib.nullcontext()
        with flush:
            for key in params:
                param = params[key]
                work = self._workspaces.get(key)
                if work is None or not work.fits(param):
                    work = self._workspaces[key] = Workspace(param)
                state = self.state[key] or self._fresh_state(key, param)
                self._rule(param, grads[key], state, hyper, work)

    def _update(self, p: Any, grad: Array, group: State, hyper: State) -> None:
        state = self.state[p] or self._init_state(p, self.param_groups[0])
        self._rule(p.data, grad, state, hyper, self._work(p))


class SGD(_Textbook):
    """The book's SGD: ``W -= lr * g``.

    Parameters
    ----------
    params : iterable of Tensor, optional
        Parameters for ``step()``; omit to use ``update(params, grads)`` on dicts.
    lr : float, default 0.01

    Examples
    --------
    >>> import numpy as np
    >>> params, grads = {"W": np.array([1.0, 2.0])}, {"W": np.array([10.0, -10.0])}
    >>> SGD(lr=0.01).update(params, grads)
    >>> params["W"]
    array([0.9, 2.1])
    """

    def __init__(self, params: Any = None, lr: float = 0.01) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _rule(self, param: Array, grad: Array, state: State, hyper: State, work: Workspace) -> None:
        step = np.multiply(grad, hyper["lr"], out=work[0])
        param -= step


class Momentum(_Textbook):
    """The book's Momentum: ``v = momentum * v - lr * g; W += v``.

    Parameters
    ----------
    params : iterable of Tensor, optional
        Parameters for ``step()``; omit to use ``update(params, grads)``.
    lr : float, default 0.01
    momentum : float, default 0.9
        In [0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> opt, params = Momentum(lr=0.1, momentum=0.5), {"w": np.array([1.0])}
    >>> for _ in range(2):
    ...     opt.update(params, {"w": 2 * params["w"]})  # f(w) = w^2
    >>> params["w"]  # v = -0.2, w = 0.8; v = 0.5 * -0.2 - 0.16 = -0.26, w = 0.54
    array([0.54])
    """

    _state_arrays = ("v",)

    def __init__(self, params: Any = None, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        super()._validate_group(group)
        V.unit_interval(group, "momentum", "momentum value", closed=False)

    def _rule(self, param: Array, grad: Array, state: State, hyper: State, work: Workspace) -> None:
        v = state["v"]
        v *= hyper["momentum"]
        v -= np.multiply(grad, hyper["lr"], out=work[0])
        param += v


class Nesterov(Momentum):
    """The book family's Nesterov momentum (Bengio et al.'s form, arXiv:1212.0901).

    ``v = momentum * v - lr * g; W += momentum**2 * v - (1 + momentum) * lr * g``.

    Parameters
    ----------
    params : iterable of Tensor, optional
    lr : float, default 0.01
    momentum : float, default 0.9
    """

    def _rule(self, param: Array, grad: Array, state: State, hyper: State, work: Workspace) -> None:
        mu, lr = hyper["momentum"], hyper["lr"]
        v = state["v"]
        v *= mu
        v -= np.multiply(grad, lr, out=work[0])
        param += np.multiply(v, mu * mu, out=work[0])
        param -= np.multiply(grad, (1 + mu) * lr, out=work[0])


def _divide_by_root(
    param: np.ndarray, grad: np.ndarray, h: np.ndarray, lr: float, work: Workspace
) -> None:
    """``W -= lr * g / (sqrt(h) + 1e-7)``, evaluated in the book's order."""
    denom = np.sqrt(h, out=work[0])
    denom += EPS
    step = np.multiply(grad, lr, out=work[1])
    step /= denom
    param -= step


class AdaGrad(_Textbook):
    """The book's AdaGrad: ``h += g * g; W -= lr * g / (sqrt(h) + 1e-7)``.

    Parameters
    ----------
    params : iterable of Tensor, optional
    lr : float, default 0.01
    """

    _state_arrays = ("h",)

    def __init__(self, params: Any = None, lr: float = 0.01) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _rule(self, param: Array, grad: Array, state: State, hyper: State, work: Workspace) -> None:
        h = state["h"]
        h += np.multiply(grad, grad, out=work[0])
        _divide_by_root(param, grad, h, hyper["lr"], work)


class RMSprop(_Textbook):
    """The book family's RMSprop: ``h = decay_rate * h + (1 - decay_rate) * g * g``, then as
    AdaGrad (``1e-7`` outside the root).

    Parameters
    ----------
    params : iterable of Tensor, optional
    lr : float, default 0.01
    decay_rate : float, default 0.99
        In [0, 1].
    """

    _state_arrays = ("h",)

    def __init__(self, params: Any = None, lr: float = 0.01, decay_rate: float = 0.99) -> None:
        super().__init__(params, hyper_parameters(locals()))

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        super()._validate_group(group)
        V.unit_interval(group, "decay_rate", "decay_rate value", closed=True)

    def _rule(self, param: Array, grad: Array, state: State, hyper: State, work: Workspace) -> None:
        rho = hyper["decay_rate"]
        h = state["h"]
        h *= rho
        sq = np.multiply(grad, 1 - rho, out=work[0])
        sq *= grad
        h += sq
        _divide_by_root(param, grad, h, hyper["lr"], work)


class Adam(_Textbook):
    """The book's Adam: bias correction folded into ``lr_t``, ``1e-7`` outside the root.

    ``iter += 1; lr_t = lr * sqrt(1 - beta2**iter) / (1 - beta1**iter);``
    ``m += (1 - beta1) * (g - m); v += (1 - beta2) * (g**2 - v);``
    ``W -= lr_t * m / (sqrt(v) + 1e-7)``.

    Parameters
    ----------
    params : iterable of Tensor, optional
    lr : float, default 0.001
    beta1 : float, default 0.9
    beta2 : float, default 0.999

    Attributes
    ----------
    iter : int
        The step counter shared by all parameters (saved by ``state_dict``).
    """

    _state_arrays = ("m", "v")

    def __init__(
        self, params: Any = None, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999
    ) -> None:
        super().__init__(params, hyper_parameters(locals()))
        self.iter = 0

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        super()._validate_group(group)
        V.betas({"betas": (group["beta1"], group["beta2"])})

    def _begin_step(self) -> None:
        self.iter += 1

    def _rule(self, param: Array, grad: Array, state: State, hyper: State, work: Workspace) -> None:
        lr, beta1, beta2 = hyper["lr"], hyper["beta1"], hyper["beta2"]
        lr_t = lr * math.sqrt(1.0 - beta2**self.iter) / (1.0 - beta1**self.iter)
        m, v = state["m"], state["v"]
        tmp = np.subtract(grad, m, out=work[0])
        tmp *= 1 - beta1
        m += tmp
        np.square(grad, out=tmp)
        tmp -= v
        tmp *= 1 - beta2
        v += tmp
        denom = np.sqrt(v, out=work[0])
        denom += EPS
        step = np.multiply(m, lr_t, out=work[1])
        step /= denom
        param -= step

    def state_dict(self) -> dict[str, Any]:
        """As for every optimizer, plus the shared step counter ``"iter"``."""
        state = super().state_dict()
        state["iter"] = self.iter
        return state

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a state from :meth:`state_dict`, step counter included."""
        super().load_state_dict(state_dict)
        self.iter = int(state_dict["iter"])
