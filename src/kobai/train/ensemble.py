"""Vectorised ensembles: N small MLPs of one architecture trained as one batched computation.

The members differ in their starting weights, their data order (each keeps its own random
generator), their data (one set each, or one for all) and any hyper-parameter of their own
optimizers (learning rate, momentum, ...). Their parameters are stacked, so that one batched
matrix product (shape (N, B, in) @ (N, in, out)) does the forward and backward pass of every
member at once; each member's own optimizer then takes its step on its slice of the stack,
so the update rules are exactly those of a separate run. The histories equal those of N
calls of :func:`kobai.fit` to about 1e-12 in float64 and within float32 rounding in float32
(the batched products add in another order).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.autograd import Tensor, no_grad
from kobai.train import metrics as M
from kobai.train._batched import Stack, activate, loss_and_grad
from kobai.train._batched_step import StackedStep
from kobai.train._ensemble_snapshots import EpochStates
from kobai.train.checkpoint import generator_states
from kobai.train.fit import batch_size_of, diverged, divergence_text
from kobai.train.history import History


@dataclass
class EnsembleResult:
    """What :func:`fit_ensemble` returns, one entry per member.

    Attributes
    ----------
    histories : list of History
    diverged : list of str or None
        Why a member stopped (its loss became NaN or exploded), None for a member that
        trained to the end. A diverged member's history ends at its last good epoch.
    snapshots : list of dict
        Each member's full training state at its last completed epoch, in the form of the
        ``checkpoint.npz`` that :func:`kobai.fit` writes (so ``--resume`` and every command
        that reads a run directory can use it).
    """

    histories: list[History]
    diverged: list[str | None]
    snapshots: list[dict[str, Any]]


def fit_ensemble(
    models: Sequence[Any],
    train: tuple[np.ndarray, np.ndarray],
    *,
    optimizers: Sequence[Any],
    rngs: Sequence[np.random.Generator],
    loss: Any,
    val: tuple[np.ndarray, np.ndarray] | None = None,
    schedulers: Sequence[Any] | None = None,
    batch_size: int | str | None = 32,
    epochs: int = 10,
    task: str | None = None,
    scheduler_interval: str = "epoch",
    divergence_factor: float | None = 1e4,
    per_member: bool = False,
) -> EnsembleResult:
    """Train N MLPs of one architecture at once, each as :func:`kobai.fit` would.

    Parameters
    ----------
    models : sequence of N MLP
        Models of Flatten, Linear and ReLU/Tanh/Sigmoid layers, one architecture. Their
        parameters are re-seated in a stack (``Parameter.data`` becomes a view of it).
    train : (X, y)
        One data set for all members, ``X`` of shape (n, ...) and ``y`` of shape (n, ...);
        with ``per_member=True`` one per member, ``X`` of shape (N, n, ...) and ``y`` of
        shape (N, n, ...).
    optimizers : sequence of N Optimizer
        Built on each member's ``parameters()``, with its own hyper-parameters.
    rngs : sequence of N Generator
        Each member's shuffling generator (the ``rng`` of its separate :func:`kobai.fit`).
    loss : Module
        ``nn.CrossEntropyLoss()`` (classification) or ``nn.MSELoss()`` (regression); used to
        report validation losses, as :func:`kobai.evaluate` does.
    val : (X, y), optional
        Shared or per member, as ``train``.
    schedulers : sequence of N LRScheduler or None, optional
    batch_size, epochs, task, scheduler_interval, divergence_factor
        As in :func:`kobai.fit`.
    per_member : bool, default False
        ``train`` and ``val`` hold one data set per member, stacked on a first axis.

    Returns
    -------
    EnsembleResult
        Per member: its history, why it diverged (or None), and its final training state.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai import nn, optim
    >>> from kobai.models.mlp import MLP
    >>> X, y = kb.data.make_moons(100, noise=0.2, rng=0)
    >>> models = [MLP(2, [8], 2, rng=s) for s in range(4)]
    >>> opts = [optim.SGD(m.parameters(), lr=lr) for m, lr in zip(models, [.03, .1, .3, 1])]
    >>> result = kb.ensemble.fit_ensemble(models, (X, y), optimizers=opts,
    ...     rngs=[np.random.default_rng(s) for s in range(4)], loss=nn.CrossEntropyLoss(),
    ...     epochs=3)
    >>> [len(h) for h in result.histories], result.diverged
    ([3, 3, 3, 3], [None, None, None, None])
    """
    count = len(models)
    if not (len(optimizers) == len(rngs) == count) or count == 0:
        raise ValueError(
            f"an ensemble needs one optimizer and one rng per model, got {count} models, "
            f"{len(optimizers)} optimizers and {len(rngs)} rngs"
        )
    x, y = _per_member(train, count, "train", per_member)
    task = task or M.infer_task(y)
    run = _Ensemble(models, optimizers, list(schedulers or [None] * count), list(rngs), loss)
    run.opts = {"task": task, "interval": scheduler_interval, "factor": divergence_factor}
    size = batch_size_of(batch_size, x.shape[1]) or x.shape[1]
    val_arrays = _per_member(val, count, "val", per_member) if val is not None else None
    for _ in range(epochs):
        if not run.active():
            break
        run.epoch(x, y, size, val_arrays)
    return EnsembleResult(run.histories, run.diverged, run.snapshots)


def _per_member(
    data: Any, count: int, name: str, per_member: bool
) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (X, y) of arrays, got {type(data).__name__}")
    x, y = (np.asarray(a) for a in data)
    if not per_member:
        return np.broadcast_to(x, (count, *x.shape)), np.broadcast_to(y, (count, *y.shape))
    if len(x) != count or len(y) != count or x.shape[1] != y.shape[1]:
        raise ValueError(
            f"{name} with per_member=True needs X of shape ({count}, n, ...) and y of shape "
            f"({count}, n, ...), got {x.shape} and {y.shape}"
        )
    return x, y


class _Ensemble:
    """The members' objects, their stacked parameters, and their bookkeeping."""

    def __init__(self, models: Any, optimizers: Any, schedulers: Any, rngs: Any, loss: Any):
        self.models, self.optimizers, self.schedulers = list(models), optimizers, schedulers
        self.rngs, self.loss = rngs, loss
        self.stack = Stack(self.models)
        count = len(self.models)
        self.histories = [History() for _ in range(count)]
        self.diverged: list[str | None] = [None] * count
        self.reference: list[float | None] = [None] * count
        self.clock = [0.0] * count
        self.updates = StackedStep(self.stack, self.optimizers)
        # Each stacked parameter's layer, for fit's per-layer gradient norms.
        names = {id(p): name for name, p in self.models[0].named_parameters()}
        self.slot_names = [names[id(params[0])] for _, _, params in self.stack.slots]
        self.slot_layers = [name.rpartition(".")[0] or name for name in self.slot_names]
        # Linear layers and activations draw nothing while training: their generators (if
        # any) keep the states they start with.
        self.module_rngs = [generator_states(m) for m in self.models]
        # A model whose state is its parameters alone is snapshotted from the stacks.
        self.params_only = list(self.models[0].state_dict()) == self.slot_names
        self.opts: dict[str, Any] = {}
        self.epoch_states = EpochStates(self)

    @property
    def snapshots(self) -> list[dict[str, Any]]:
        """Each member's checkpoint at its last completed epoch (its history up to there)."""
        return [
            {**self.epoch_states.state(n), "history": h.state_dict()}
            for n, h in enumerate(self.histories)
        ]

    def active(self) -> list[int]:
        return [n for n, why in enumerate(self.diverged) if why is None]

    def epoch(self, x: np.ndarray, y: np.ndarray, size: int, val: Any) -> None:
        from kobai.data.loader import epoch_order

        task, n_samples = self.opts["task"], x.shape[1]
        members = self.active()
        start = time.perf_counter()
        # Each member's order over its samples: the permutation its fit's loader would draw,
        # for the whole epoch at once (a row per member) rather than step by step.
        every = np.arange(n_samples)
        orders = np.stack([
            order if (order := epoch_order(n_samples, size, self.rngs[n])) is not None
            else every
            for n in members
        ])  # fmt: skip
        epoch = len(self.histories[members[0]]) + 1
        sums = _EpochSums(len(self.models), task, self.slot_layers)
        for step in range(1, math.ceil(n_samples / size) + 1):
            index = orders[:, (step - 1) * size : step * size]
            self.step(x, y, index, members, sums, f"epoch {epoch} step {step}")
        self.epoch_states.new_epoch()
        for n in members:
            if self.diverged[n] is None:
                self.end_epoch(n, epoch, sums, val, time.perf_counter() - start)

    def step(
        self,
        x: np.ndarray,
        y: np.ndarray,
        index: np.ndarray,
        members: list[int],
        sums: _EpochSums,
        where: str,
    ) -> None:
        picked = np.asarray(members)[:, None]
        full = np.zeros((len(x), index.shape[1]), dtype=np.intp)
        full[picked[:, 0]] = index
        xb = x[np.arange(len(x))[:, None], full]
        yb = y[np.arange(len(y))[:, None], full]
        with np.errstate(all="ignore"):
            out, saved = self.stack.forward(xb)
            losses, grad = loss_and_grad(self.opts["task"], out, yb)
            self.stack.backward(grad, saved)
        ok = self.healthy([n for n in members if self.diverged[n] is None], losses, where)
        if not ok:
            return
        self.updates.step(ok)
        sums.add(ok, losses, out, yb, self.stack.slots)
        if self.opts["interval"] == "step":
            for n in ok:
                if self.schedulers[n] is not None:
                    self.schedulers[n].step()

    def healthy(self, members: list[int], losses: np.ndarray, where: str) -> list[int]:
        """The members whose loss is finite and has not exploded (fit's rule, checked for
        all at once; a member that fails it is recorded by :meth:`check`)."""
        for n in members:
            if self.reference[n] is None:
                self.reference[n] = float(losses[n])
        values = losses[members].astype(np.float64)
        reference = np.abs(np.array([self.reference[n] for n in members], dtype=np.float64))
        bad = ~np.isfinite(values)
        factor = self.opts["factor"]
        if factor is not None:
            with np.errstate(invalid="ignore"):
                bad |= np.abs(values) > factor * np.maximum(reference, 1e-3)
        if not bad.any():
            return list(members)
        checked = zip(members, bad, strict=True)
        return [n for n, b in checked if not b or self.check(n, float(losses[n]), where)]

    def check(self, n: int, value: float, where: str) -> bool:
        """fit's divergence rule, for one member: False (and recorded) when it diverged."""
        if self.reference[n] is None:
            self.reference[n] = value
        if not diverged(value, self.reference[n], self.opts["factor"]):
            return True
        lr = float(self.optimizers[n].param_groups[0]["lr"])
        self.diverged[n] = divergence_text(value, where, lr)
        return False

    def end_epoch(self, n: int, epoch: int, sums: _EpochSums, val: Any, seconds: float) -> None:
        steps = int(sums.steps[n])
        norms = {layer: float(total[n]) for layer, total in sums.norms.items()} if steps else {}
        row: dict[str, Any] = {"epoch": epoch, "train_loss": sums.loss[n] / sums.count[n]}
        row.update({f"train_{k}": v for k, v in sums.metrics(n).items()})
        if val is not None:
            row.update({f"val_{k}": v for k, v in self.evaluate(n, val).items()})
        row["lr"] = float(self.optimizers[n].param_groups[0]["lr"])
        if norms:
            per_layer = {layer: value / steps for layer, value in norms.items()}
            row["grad_norm"] = math.sqrt(sum(v * v for v in per_layer.values()))
            row.update({f"grad_norm/{layer}": v for layer, v in per_layer.items()})
        self.clock[n] += seconds
        row["time"], row["wall_time"] = seconds, self.clock[n]
        self.histories[n].append_epoch(row)
        scheduler = self.schedulers[n]
        if scheduler is not None and self.opts["interval"] == "epoch":
            if type(scheduler).__name__ == "ReduceLROnPlateau":
                scheduler.step(row.get("val_loss", row["train_loss"]))
            else:
                scheduler.step()
        self.epoch_states.record(n, epoch)

    def evaluate(self, n: int, val: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
        x, y = val[0][n], val[1][n]
        stack = self.stack
        with np.errstate(all="ignore"):
            h = x.reshape(len(x), -1)
            j = 0
            for kind in stack.kinds:
                if kind == "Linear":
                    h = h @ stack.weights[j][n].T
                    bias = stack.biases[j]
                    if bias is not None:
                        h = h + bias[n]
                    j += 1
                else:
                    h = activate(kind, h)
        with no_grad():
            value = float(self.loss(Tensor(h), y).item())
        return {"loss": value, **M.compute(self.opts["task"], h, y)}

    def model_state(self, n: int) -> dict[str, Any]:
        """Member ``n``'s ``state_dict()`` (views; :meth:`state` copies them)."""
        if not self.params_only:
            return dict(self.models[n].state_dict())
        slots = self.stack.slots
        return {name: slot[0][n] for name, slot in zip(self.slot_names, slots, strict=True)}

    def state(self, n: int, epoch: int) -> dict[str, Any]:
        """Member ``n``'s training state as fit's checkpoint holds it, but for the history
        (copies, not views)."""
        scheduler = self.schedulers[n]
        return _copied(
            {
                "epoch": epoch,
                "model": self.model_state(n),
                "optimizer": self.optimizers[n].state_dict(),
                "scheduler": scheduler.state_dict() if scheduler is not None else None,
                "rng": self.rngs[n].bit_generator.state,
                "module_rngs": self.module_rngs[n],
                "callbacks": [],
                "clock": self.clock[n],
                "reference_loss": self.reference[n],
            }
        )


def _copied(value: Any) -> Any:
    """A deep copy of nested dicts, lists and tuples of arrays and plain values (a few times
    faster than ``copy.deepcopy``, which a snapshot every epoch would feel)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    return value


class _EpochSums:
    """What fit sums over an epoch's steps, for every member at once: the loss weighted by
    the batch, samples, steps, each layer's gradient norm and the training metrics."""

    def __init__(self, count: int, task: str, slot_layers: list[str]) -> None:
        self.task, self.slot_layers = task, slot_layers
        self.loss, self.count, self.steps = np.zeros(count), np.zeros(count), np.zeros(count)
        self.norms = {layer: np.zeros(count) for layer in slot_layers}
        self.correct = np.zeros(count)
        self.running = [M.RunningMetrics(task) for _ in range(count)]

    def add(self, members: list[int], losses: np.ndarray, out: np.ndarray, y: np.ndarray,
            slots: list[tuple[np.ndarray, np.ndarray, list[Any]]]) -> None:  # fmt: skip
        batch = y.shape[1]
        # Every member, the usual case: whole arrays, no gathering.
        every = len(members) == len(self.loss)
        pick: Any = slice(None) if every else np.asarray(members)
        self.loss[pick] += losses[pick].astype(np.float64) * batch
        self.count[pick] += batch
        self.steps[pick] += 1
        squares: dict[str, np.ndarray] = {}
        for layer, (_, grad, _) in zip(self.slot_layers, slots, strict=True):
            flat = grad[pick].reshape(len(members), -1)
            squares[layer] = squares.get(layer, 0.0) + np.einsum("ij,ij->i", flat, flat)
        for layer, sq in squares.items():
            self.norms[layer][pick] += np.sqrt(sq.astype(np.float64))
        if self.task == "classification" and out.shape[2] > 1 and y.ndim == 2:
            hits = out[pick].argmax(axis=2) == y[pick]
            self.correct[pick] += hits.mean(axis=1) * batch
        else:
            for n in members:
                self.running[n].update(out[n], y[n])

    def metrics(self, n: int) -> dict[str, float]:
        """Member ``n``'s training metrics over the epoch, as fit's RunningMetrics."""
        if self.task == "classification" and self.running[n].count == 0:
            return {"accuracy": self.correct[n] / self.count[n]} if self.count[n] else {}
        return self.running[n].result()
