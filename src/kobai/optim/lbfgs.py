"""L-BFGS, as torch.optim.LBFGS."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np

from kobai.autograd.grad_mode import enable_grad
from kobai.autograd.tensor import Tensor
from kobai.optim import _validate as V
from kobai.optim._line_search import strong_wolfe
from kobai.optim._shell import _copy_state, hyper_parameters
from kobai.optim.optimizer import Optimizer, ParamsT
from kobai.validation import is_integer

# The per-run state kept between calls of step (on the first parameter, as PyTorch does).
_MEMORY = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss")


class LBFGS(Optimizer):
    r"""Limited-memory BFGS: quasi-Newton steps from the last ``history_size`` gradient
    differences (PyTorch's algorithm, step for step).

    Each :meth:`step` runs up to ``max_iter`` iterations and calls ``closure`` (which must
    zero the gradients, compute the loss, call ``backward()`` and return the loss) once or
    more per iteration. The direction is the two-loop recursion

    .. math::
        d = -H g, \quad H \text{ from the pairs } (s_i, y_i) = (\theta_{i+1} - \theta_i,
        g_{i+1} - g_i) \text{ with } s_i^\top y_i > 10^{-10}, \quad
        H_0 = \frac{s^\top y}{y^\top y} I

    and the step is ``lr`` along it (the very first one ``min(1, 1 / |g|_1) lr``), or, with
    ``line_search_fn="strong_wolfe"``, a step satisfying the strong Wolfe conditions. One
    parameter group only; the state holds flat copies of all parameters' gradients.

    Parameters
    ----------
    params : iterable of Tensor or of (name, Tensor)
        The parameters (one group).
    lr : float, default 1
        Step length (the line search's first trial step with "strong_wolfe").
    max_iter : int, default 20
        Iterations per :meth:`step`.
    max_eval : int, optional
        Closure evaluations per :meth:`step` (default ``max_iter * 5 // 4``).
    tolerance_grad : float, default 1e-7
        Stop when the largest gradient entry is at most this.
    tolerance_change : float, default 1e-9
        Stop when the step or the loss change is smaller than this.
    history_size : int, default 100
        Pairs :math:`(s, y)` remembered.
    line_search_fn : {None, "strong_wolfe"}, default None

    References
    ----------
    Nocedal and Wright, "Numerical Optimization", 2nd ed., Springer 2006, algorithms 7.4-7.5
    (two-loop recursion) and 3.5-3.6 (line search).

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.optim import LBFGS
    >>> w = kb.tensor([3.0, -1.0], dtype="float64", requires_grad=True)
    >>> opt = LBFGS([w], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((w - 1.0) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> w.data.round(6)
    array([1., 1.])
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None and is_integer(max_iter):
            max_eval = max_iter * 5 // 4
        super().__init__(params, hyper_parameters(locals()))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._tensors: list[Tensor] = self.param_groups[0]["params"]

    def _validate_group(self, group: Mapping[str, Any]) -> None:
        V.nonnegative(group, "lr", "learning rate")
        for name in ("max_iter", "max_eval", "history_size"):
            V.count(group, name)
        V.nonnegative(group, "tolerance_grad", "tolerance_grad value")
        V.nonnegative(group, "tolerance_change", "tolerance_change value")
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(
                f"line_search_fn must be None or 'strong_wolfe', got {group['line_search_fn']!r}"
            )

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """One group only: a second one is refused."""
        if getattr(self, "param_groups", None):
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # -- flat views of all parameters --------------------------------------------------
    def _flat_grad(self) -> np.ndarray:
        return np.concatenate(
            [
                (p.grad if p.grad is not None else np.zeros_like(p.data)).reshape(-1)
                for p in self._tensors
            ]
        )

    def _add_grad(self, step_size: float, update: np.ndarray) -> None:
        offset = 0
        for p in self._tensors:
            n = p.data.size
            p.data += (update[offset : offset + n] * step_size).reshape(p.data.shape)
            offset += n

    def _evaluate(self, closure: Callable[[], Any]) -> float:
        with enable_grad():
            return float(closure())

    def _directional_evaluate(
        self, closure: Callable[[], Any], x: list[np.ndarray], t: float, d: np.ndarray
    ) -> tuple[float, np.ndarray]:
        self._add_grad(t, d)
        loss = self._evaluate(closure)
        flat_grad = self._flat_grad()
        for p, saved in zip(self._tensors, x, strict=True):
            np.copyto(p.data, saved)
        return loss, flat_grad

    # -- the step ------------------------------------------------------------------------
    def _step(self, closure: Callable[[], Any] | None = None) -> Any:
        if closure is None:
            raise ValueError(
                "LBFGS.step needs a closure that zeroes the gradients, computes the loss, calls "
                "backward() and returns the loss: opt.step(closure) (a per-batch training loop "
                "without one, such as kobai train, needs another optimizer)"
            )
        group = self.param_groups[0]
        lr, max_iter, max_eval = float(group["lr"]), group["max_iter"], group["max_eval"]
        tolerance_grad = float(group["tolerance_grad"])
        tolerance_change = float(group["tolerance_change"])
        state = self.state[self._tensors[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.max(np.abs(flat_grad)) <= tolerance_grad:
            return orig_loss
        memory: dict[str, Any] = {name: state.get(name) for name in _MEMORY}
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            memory["d"] = self._direction(state, memory, flat_grad, group["history_size"])
            d = memory["d"]
            if memory["prev_flat_grad"] is None:
                memory["prev_flat_grad"] = flat_grad.copy()
            else:
                np.copyto(memory["prev_flat_grad"], flat_grad)
            memory["prev_loss"] = prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(np.sum(np.abs(flat_grad)))) * lr
            else:
                t = lr
            gtd = float(flat_grad.dot(d))
            if gtd > -tolerance_change:
                break
            evals = 0
            if group["line_search_fn"] == "strong_wolfe":
                x_init = [p.data.copy() for p in self._tensors]
                loss, flat_grad, t, evals = strong_wolfe(
                    partial(self._directional_evaluate, closure, x_init, d=d),
                    t,
                    d,
                    loss,
                    flat_grad,
                    gtd,
                    max_ls=max_eval - current_evals,
                )
                self._add_grad(t, d)
                opt_cond = np.max(np.abs(flat_grad)) <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    loss = self._evaluate(closure)
                    flat_grad = self._flat_grad()
                    opt_cond = np.max(np.abs(flat_grad)) <= tolerance_grad
                    evals = 1
            memory["t"] = t
            current_evals += evals
            state["func_evals"] += evals
            if (
                n_iter == max_iter
                or current_evals >= max_eval
                or opt_cond
                or np.max(np.abs(d * t)) <= tolerance_change
                or abs(loss - prev_loss) < tolerance_change
            ):
                break
        state.update(memory)
        return orig_loss

    def _direction(
        self,
        state: dict[str, Any],
        memory: dict[str, Any],
        flat_grad: np.ndarray,
        history_size: int,
    ) -> np.ndarray:
        """The next direction: the steepest descent at first, then the two-loop recursion."""
        if state["n_iter"] == 1:
            memory.update(old_dirs=[], old_stps=[], ro=[], H_diag=1.0)
            return -flat_grad
        old_dirs, old_stps, ro = memory["old_dirs"], memory["old_stps"], memory["ro"]
        y = flat_grad - memory["prev_flat_grad"]
        s = memory["d"] * memory["t"]
        ys = float(y.dot(s))
        if ys > 1e-10:
            if len(old_dirs) == history_size:
                old_dirs.pop(0)
                old_stps.pop(0)
                ro.pop(0)
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(1.0 / ys)
            memory["H_diag"] = ys / float(y.dot(y))
        al = [0.0] * len(old_dirs)
        q = -flat_grad
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = float(old_stps[i].dot(q)) * ro[i]
            q += old_dirs[i] * -al[i]
        r = q * memory["H_diag"]
        for i in range(len(old_dirs)):
            be_i = float(old_dirs[i].dot(r)) * ro[i]
            r += old_stps[i] * (al[i] - be_i)
        return r

    def _cast_state(self, p: Tensor, saved: Mapping[str, Any]) -> dict[str, Any]:
        # Flat vectors and lists of them: copied as they are.
        return {name: _copy_state(value) for name, value in saved.items()}
