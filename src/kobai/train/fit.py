"""The fit loop: full-batch, stochastic and mini-batch gradient descent, resumable."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kobai.autograd import Tensor
from kobai.backend import as_rng
from kobai.train import metrics as M
from kobai.train.callbacks import Callback
from kobai.train.checkpoint import (
    generator_states,
    load_checkpoint,
    save_checkpoint,
    set_generator_states,
)
from kobai.train.evaluation import evaluate, pair_of_arrays, predict
from kobai.train.history import History
from kobai.train.numerical import numerical_step
from kobai.train.options import (
    FitOptions,
    Scheduler,
    batch_size_of,
    needs_metric,
    scheduler_interval,
)

CHECKPOINT = "checkpoint.npz"


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite, or exploded: the run stopped at once."""


@dataclass
class FitState:
    """What callbacks see: the objects of the run and how it stands."""

    model: Any
    optimizer: Any
    history: History
    epoch: int = 0
    run_dir: Path | None = None
    stop_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    loss: Any = None


def diverged(value: float, reference: float | None, factor: float | None) -> bool:
    """fit's divergence rule: the loss is not finite, or (with a ``factor``) larger than
    ``factor`` times the first step's loss (at least 1e-3) in absolute value."""
    if not math.isfinite(value):
        return True
    return factor is not None and abs(value) > factor * max(abs(reference or 0.0), 1e-3)


def divergence_text(value: float, where: str, lr: float) -> str:
    """Why a run stopped: the loss, where, and a smaller learning rate to try."""
    what = f"became {value}" if not math.isfinite(value) else f"exploded to {value:.4g}"
    return (
        f"loss {what} at {where}; the learning rate {lr:g} is probably too large, try "
        f"{lr / 10:g} or less"
    )


def _lr(optimizer: Any) -> float:
    return float(optimizer.param_groups[0]["lr"])


def _parameters_by_layer(model: Any) -> list[tuple[str, Any]]:
    """Each parameter with the name of its layer (its owner's dotted name), in order.

    Walked once per epoch: the per-step gradient norms then cost one dot product each.
    """
    return [(name.rpartition(".")[0] or name, p) for name, p in model.named_parameters()]


def _add_layer_grad_norms(layers: list[tuple[str, Any]], norms: dict[str, float]) -> None:
    """Add each layer's gradient norm (over its parameters' gradients) to ``norms``."""
    squares: dict[str, float] = {}
    for layer, p in layers:
        grad = p.grad
        if grad is not None:
            flat = grad.reshape(-1)
            squares[layer] = squares.get(layer, 0.0) + float(np.dot(flat, flat))
    for layer, sq in squares.items():
        norms[layer] = norms.get(layer, 0.0) + math.sqrt(sq)


class _Run:
    """One call of :func:`fit`: the state, the steps and the bookkeeping around them."""

    def __init__(
        self,
        model: Any,
        loss: Any,
        optimizer: Any,
        scheduler: Scheduler | None,
        opts: FitOptions,
        task: str,
    ) -> None:
        self.model, self.loss, self.optimizer = model, loss, optimizer
        # Any: checkpoints also call state_dict/load_state_dict, beyond the Scheduler protocol.
        self.scheduler: Any = scheduler
        self.opts, self.task = opts, task
        self.interval = scheduler_interval(scheduler, opts.scheduler_interval)
        self.needs_metric = needs_metric(scheduler)
        self.rng: np.random.Generator = as_rng(opts.rng)
        run_dir = Path(opts.run_dir) if opts.run_dir is not None else None
        if run_dir is not None and scheduler is not None and not hasattr(scheduler, "state_dict"):
            raise TypeError(
                f"a run with a run_dir checkpoints its scheduler, but "
                f"{type(scheduler).__name__} has no state_dict()"
            )
        self.state = FitState(model, optimizer, History(), run_dir=run_dir, loss=loss)
        self.callbacks: list[Callback] = list(opts.callbacks)
        self.reference_loss: float | None = None
        self.clock = 0.0
        self.steps_per_epoch = 1  # set by fit once the batches are known
        # The groups' starting values, from which a re-planned schedule is advanced on resume.
        self.fresh_groups = [
            {k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups
        ]

    # -- checkpoints ----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "epoch": self.state.epoch,
            "epochs": self.opts.epochs,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
            "rng": self.rng.bit_generator.state,
            "module_rngs": generator_states(self.model),
            "history": self.state.history.state_dict(),
            "callbacks": [c.state_dict() for c in self.callbacks],
            "clock": self.clock,
            "reference_loss": self.reference_loss,
        }

    def restore(self, snap: dict[str, Any]) -> None:
        self.model.load_state_dict(snap["model"])
        self.optimizer.load_state_dict(snap["optimizer"])
        self.rng.bit_generator.state = snap["rng"]
        set_generator_states(self.model, snap["module_rngs"])
        self.state.history.load_state_dict(snap["history"])
        if len(snap["callbacks"]) != len(self.callbacks):
            raise ValueError(
                f"the checkpoint was saved with {len(snap['callbacks'])} callbacks, "
                f"this run has {len(self.callbacks)}"
            )
        for callback, cstate in zip(self.callbacks, snap["callbacks"], strict=True):
            callback.load_state_dict(cstate)
        self.state.epoch, self.clock = int(snap["epoch"]), float(snap["clock"])
        self.reference_loss = snap["reference_loss"]
        self.restore_scheduler(snap)

    def restore_scheduler(self, snap: dict[str, Any]) -> None:
        if self.scheduler is None or snap["scheduler"] is None:
            return
        planned = snap.get("epochs", self.opts.epochs)
        if planned == self.opts.epochs or self.needs_metric:
            self.scheduler.load_state_dict(snap["scheduler"])
            return
        # A run extended (or shortened) to a new length: the saved position belongs to the old
        # plan, so the caller's scheduler, planned for the new length, is advanced from the
        # starting rates to where the run stands.
        for group, fresh in zip(self.optimizer.param_groups, self.fresh_groups, strict=True):
            group.update(fresh)
        per_epoch = self.steps_per_epoch if self.interval == "step" else 1
        for _ in range(self.state.epoch * per_epoch):
            self.scheduler.step()

    def save(self) -> None:
        run_dir = self.state.run_dir
        if run_dir is None:
            return
        save_checkpoint(run_dir / CHECKPOINT, self.snapshot())
        if self.opts.save_every_epoch:
            save_checkpoint(
                run_dir / "checkpoints" / f"epoch_{self.state.epoch:04d}.npz",
                {"epoch": self.state.epoch, "model": self.model.state_dict()},
            )
        self.state.history.to_csv(run_dir / "history.csv")
        self.state.history.to_json(run_dir / "history.json")

    # -- one step -------------------------------------------------------------------------
    def step(self, xb: np.ndarray, yb: np.ndarray, where: str) -> tuple[float, np.ndarray]:
        # The model is put in training mode once per epoch (see epoch): nothing between two
        # steps changes it, and walking the module tree every step cost a tenth of a small
        # network's step.
        self.optimizer.zero_grad()
        if self.opts.gradient == "backprop":
            output = self.model(Tensor(xb))
            value = self.loss(output, yb)
            value.backward()
            loss_value, out = float(value.data), output.data
        else:
            loss_value, out = numerical_step(self.model, self.loss, xb, yb, h=self.opts.numerical_h)
        self.check_divergence(loss_value, where)
        self.optimizer.step()
        return loss_value, out

    def check_divergence(self, value: float, where: str) -> None:
        if self.reference_loss is None:
            self.reference_loss = value
        if not diverged(value, self.reference_loss, self.opts.divergence_factor):
            return
        why = divergence_text(value, where, _lr(self.optimizer))
        if self.state.run_dir:
            why += f" (the last good checkpoint is in {self.state.run_dir})"
        raise TrainingDiverged(why)

    # -- one epoch ------------------------------------------------------------------------
    def epoch(self, loader: Any, val: tuple[np.ndarray, np.ndarray] | None, bar: Any) -> None:
        epoch = self.state.epoch + 1
        start = time.perf_counter()
        total, count, steps = 0.0, 0, 0
        norms: dict[str, float] = {}
        running = M.RunningMetrics(self.task) if self.opts.train_metrics else None
        layers = _parameters_by_layer(self.model) if self.opts.track_grad_norms else None
        self.model.train()
        for step, (xb, yb) in enumerate(loader, start=1):
            loss_value, output = self.step(xb, yb, f"epoch {epoch} step {step}")
            if running is not None:
                running.update(output, yb)
            total += loss_value * len(xb)
            count += len(xb)
            steps += 1
            if layers is not None:
                _add_layer_grad_norms(layers, norms)
            if self.opts.log_steps:
                self.state.history.append_step(
                    {"epoch": epoch, "step": step, "loss": loss_value, "lr": _lr(self.optimizer)}
                )
            if self.interval == "step":
                self.step_scheduler(loss_value)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(epoch=epoch, loss=f"{loss_value:.4f}", refresh=False)
        row = self.epoch_row(epoch, total / count, running, norms, steps, val)
        self.clock += time.perf_counter() - start
        row["time"], row["wall_time"] = time.perf_counter() - start, self.clock
        self.state.history.append_epoch(row)
        self.state.epoch = epoch
        if self.interval == "epoch":
            self.step_scheduler(row.get("val_loss", row["train_loss"]))
        for callback in self.callbacks:
            callback.on_epoch_end(self.state, row)
        self.save()

    def epoch_row(
        self, epoch: int, train_loss: float, running: Any, norms: dict, steps: int, val: Any
    ) -> dict[str, Any]:
        row: dict[str, Any] = {"epoch": epoch, "train_loss": train_loss}
        if running is not None:
            row.update({f"train_{k}": v for k, v in running.result().items()})
        if val is not None:
            scores = evaluate(self.model, val, self.loss, task=self.task)
            row.update({f"val_{k}": v for k, v in scores.items()})
        row["lr"] = _lr(self.optimizer)
        if norms:
            per_layer = {layer: total / steps for layer, total in norms.items()}
            row["grad_norm"] = math.sqrt(sum(v * v for v in per_layer.values()))
            row.update({f"grad_norm/{layer}": v for layer, v in per_layer.items()})
        return row

    def step_scheduler(self, metric: float) -> None:
        if self.scheduler is None:
            return
        if self.needs_metric:
            self.scheduler.step(metric)
        else:
            self.scheduler.step()


def fit(
    model: Any,
    train: tuple[Any, Any],
    *,
    loss: Callable[..., Any],
    optimizer: Any,
    val: tuple[Any, Any] | None = None,
    scheduler: Scheduler | None = None,
    batch_size: int | str | None = 32,
    epochs: int = 10,
    callbacks: Iterable[Callback] = (),
    rng: np.random.Generator | int | None = None,
    gradient: str = "backprop",
    task: str | None = None,
    run_dir: str | Path | None = None,
    resume: bool = False,
    save_every_epoch: bool = False,
    scheduler_interval: str | None = None,
    log_steps: bool = False,
    track_grad_norms: bool = True,
    train_metrics: bool = True,
    divergence_factor: float | None = 1e4,
    numerical_h: float = 1e-4,
    progress: bool | str | None = None,
) -> History:
    """Train ``model`` by gradient descent and return its :class:`History`.

    Each epoch shuffles the training data anew with ``rng`` and uses every sample once
    (source document 002), in batches chosen explicitly (source document 003):

    - ``batch_size=None`` or ``"full"``: batch gradient descent, one update per epoch;
    - ``batch_size=1``: stochastic gradient descent, one update per sample;
    - ``batch_size=N``: mini-batch gradient descent.

    Parameters
    ----------
    model : Module
        Maps a batch ``X`` of shape (batch, ...) to outputs.
    train : (X, y)
        ndarrays of shape (n_samples, ...) and (n_samples, ...) (class indices for
        classification, floats for regression).
    loss : callable
        ``loss(output, y)`` returning a scalar tensor, e.g. ``nn.CrossEntropyLoss()``.
    optimizer : Optimizer
        Built on ``model.parameters()``.
    val : (X, y), optional
        Evaluated after every epoch, in eval mode.
    scheduler : LRScheduler, optional
        Any object with ``step()`` (see :class:`~kobai.train.options.Scheduler`). Stepped after
        every epoch, or after every update when its ``interval`` is ``"step"``; one whose
        ``needs_metric`` is true (``ReduceLROnPlateau``) receives the validation loss (the
        training loss without ``val``).
    batch_size : int, "full" or None, default 32
    epochs : int, default 10
        Total number of epochs (a resumed run continues up to this number).
    callbacks : iterable of Callback
        E.g. ``EarlyStopping``, ``ModelCheckpoint``, ``StopAtTarget``.
    rng : Generator or int, optional
        The run's random generator: shuffling. Same seed, same run.
    gradient : {"backprop", "numerical"}
        How gradients are computed: backpropagation, or central finite differences of the
        loss for every parameter (exact but slow; the same update rule follows).
    task : {"classification", "regression"}, optional
        Which metrics to record; inferred from ``y``'s dtype (integers: classification).
    run_dir : path, optional
        Folder for ``checkpoint.npz`` (full state, after every epoch), ``history.csv`` and
        ``history.json``; with ``save_every_epoch`` also ``checkpoints/epoch_NNNN.npz``.
    resume : bool, default False
        Continue from ``run_dir/checkpoint.npz`` if it exists: the run ends with the same
        parameters, bit for bit, as one never interrupted. If ``epochs`` differs from the
        length the checkpoint was planned for, ``scheduler`` (built for the new length) is
        advanced to the resumed epoch instead of loading the old schedule's position: a
        cosine schedule extended from 15 to 30 epochs continues at its epoch 15 of 30.
    save_every_epoch : bool, default False
        Also keep the parameters of the start and of every epoch (``checkpoints/``).
    scheduler_interval : {"epoch", "step"}, optional
        Overrides the scheduler's own ``interval``.
    log_steps : bool, default False
        Also record every step's loss and learning rate (``History.steps``).
    track_grad_norms : bool, default True
        Record the global and per-layer gradient norms (mean over the epoch's steps).
    train_metrics : bool, default True
        Record training metrics, accumulated over the epoch's batches as they are trained on.
    divergence_factor : float or None, default 1e4
        Stop when the loss exceeds this multiple of the first step's loss (None: only NaN/inf
        stop the run). Raises :class:`TrainingDiverged`; the last good checkpoint stays.
    numerical_h : float, default 1e-4
        Step of the central differences with ``gradient="numerical"``.
    progress : bool or str, optional
        Show a progress bar (default: on a terminal, and as a widget in a notebook); a string
        labels the bar (as None otherwise), e.g. ``"latent 8 (2/3)"`` when one command
        trains several models.

    Returns
    -------
    History
    """
    x, y = pair_of_arrays(train, "train")
    val_arrays = pair_of_arrays(val, "val") if val is not None else None
    opts = FitOptions(
        batch_size=batch_size, epochs=epochs, callbacks=callbacks, rng=rng, gradient=gradient,
        task=task, run_dir=run_dir, resume=resume, save_every_epoch=save_every_epoch,
        scheduler_interval=scheduler_interval, log_steps=log_steps,
        track_grad_norms=track_grad_norms, train_metrics=train_metrics,
        divergence_factor=divergence_factor, numerical_h=numerical_h, progress=progress,
    )  # fmt: skip
    size = batch_size_of(batch_size, len(x))
    run = _Run(model, loss, optimizer, scheduler, opts, task or M.infer_task(y))
    run.steps_per_epoch = 1 if size is None else math.ceil(len(x) / size)
    if run.state.run_dir is not None:
        run.state.run_dir.mkdir(parents=True, exist_ok=True)
        if resume and (run.state.run_dir / CHECKPOINT).exists():
            run.restore(load_checkpoint(run.state.run_dir / CHECKPOINT))
    from kobai.data import DataLoader

    loader = DataLoader(x, y, batch_size=size, shuffle=True, rng=run.rng)
    if save_every_epoch and run.state.run_dir is not None and run.state.epoch == 0:
        # The starting point of the trajectory, for loss-landscape paths and interpolation.
        save_checkpoint(
            run.state.run_dir / "checkpoints" / "epoch_0000.npz",
            {"epoch": 0, "model": model.state_dict()},
        )
    for callback in run.callbacks:
        callback.on_train_begin(run.state)
    bar = _progress_bar(progress, (epochs - run.state.epoch) * len(loader))
    try:
        while run.state.epoch < epochs and run.state.stop_reason is None:
            run.epoch(loader, val_arrays, bar)
    finally:
        if bar is not None:
            bar.close()
    for callback in run.callbacks:
        callback.on_train_end(run.state)
    run.state.history.stop_reason = run.state.stop_reason
    return run.state.history


def _progress_bar(progress: bool | str | None, total: int) -> Any:
    from kobai._progress import progress_bar, show_progress

    label = progress if isinstance(progress, str) else None
    if not show_progress(None if isinstance(progress, str) else progress) or total <= 0:
        return None
    return progress_bar(total=total, desc=label, unit="step", dynamic_ncols=True, leave=False)


__all__: Sequence[str] = ("FitState", "TrainingDiverged", "evaluate", "fit", "predict")
