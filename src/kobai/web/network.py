"""The tiny network view: a small MLP on 2-D points, trained step by step with any optimizer.

Everything is drawn from one seed in a fixed order, exactly as the "copy as Python" code
writes it::

    rng = np.random.default_rng(seed)
    X, y = kb.data.make_moons(samples, noise=noise, rng=rng)
    model = MLP(2, hidden, classes, activation=activation, rng=rng)
    loader = DataLoader(X, y, batch_size=batch, rng=rng)

and one step is one mini-batch update (``zero_grad``, forward, cross-entropy, ``backward``,
``step``), as in :func:`kobai.fit`. The same settings therefore give the same numbers, step for
step, in the browser, in a test and in the copied code.
"""

from __future__ import annotations

import base64
import copy
import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.web.engine import CHUNK, ENGINE
from kobai.web.optimizers import OptimizerSpec, parse_specs
from kobai.web.params import LIMITS, Query, bad, parse_int

DATASETS = ("moons", "circles", "spiral", "xor")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky-relu", "gelu", "elu")
# Keyword arguments of each data set's generator besides n_samples, noise and rng.
DATA_OPTIONS: dict[str, dict[str, Any]] = {
    "moons": {},
    "circles": {"factor": 0.5},
    "spiral": {"n_arms": 2, "turns": 1.0},
    "xor": {},
}
SNAPSHOTS = 16  # frames a paused run can be resumed from
EXPLODED = 1e4  # a loss this many times the first one has diverged (as in kobai.fit)
NETWORK_PARAMS = ("data", "samples", "noise", "seed", "hidden", "activation", "opt", "batch",
                  "grid")  # fmt: skip


@dataclass(frozen=True)
class NetworkSettings:
    """What decides a network run: data, model, optimizer, batching, and the heat-map size."""

    data: str = "moons"
    samples: int = 200
    noise: float = 0.1
    seed: int = 0
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    optimizer: OptimizerSpec = OptimizerSpec("adam", {"lr": 0.03}, "adam")
    batch: int = 32
    grid: int = 48

    @classmethod
    def from_query(cls, q: Query) -> NetworkSettings:
        """Read and bound every setting of a request."""
        samples = q.bounded("samples", 200, "samples")
        opts = parse_specs(q.all("opt"), "adam,lr=0.03")
        if len(opts) != 1:
            raise bad("one_optimizer", count=len(opts))
        return cls(
            data=q.choice("data", "moons", DATASETS),
            samples=samples,
            noise=q.number("noise", 0.1, *LIMITS["noise"]),
            seed=q.bounded("seed", 0, "seed"),
            hidden=parse_hidden(q.text("hidden", "8,8")),
            activation=q.choice("activation", "tanh", ACTIVATIONS).replace("-", "_"),
            optimizer=opts[0],
            batch=q.integer("batch", 32, 1, samples),
            grid=q.bounded("grid", 48, "network_grid"),
        )

    def key(self) -> str:
        """A canonical text of the settings (the cache key of a paused run)."""
        return "|".join(
            [self.data, str(self.samples), repr(self.noise), str(self.seed),
             ",".join(map(str, self.hidden)), self.activation, self.optimizer.text(),
             str(self.batch), str(self.grid)]
        )  # fmt: skip


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"8,8"`` -> ``(8, 8)``; an empty text is no hidden layer (a linear classifier)."""
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) > LIMITS["hidden_layers"]:
        raise bad("hidden_layers", limit=LIMITS["hidden_layers"])
    return tuple(parse_int("hidden", p, *LIMITS["hidden_units"]) for p in parts)


def make_data(settings: NetworkSettings, rng: np.random.Generator) -> tuple[Any, Any]:
    """The 2-D data set of ``settings`` (moons, circles, spiral or xor), drawn with ``rng``."""
    from kobai import data

    makers = {
        "moons": data.make_moons,
        "circles": data.make_circles,
        "spiral": data.make_spiral,
        "xor": data.make_xor,
    }
    if settings.data not in makers:
        raise ValueError(f"data must be one of {', '.join(makers)}, got {settings.data!r}")
    maker: Any = makers[settings.data]
    return maker(settings.samples, noise=settings.noise, rng=rng, **DATA_OPTIONS[settings.data])


class Trainer:
    """One training run of the network view, advanced a few steps at a time."""

    def __init__(self, settings: NetworkSettings) -> None:
        from kobai import nn, optim
        from kobai.data import DataLoader
        from kobai.models import MLP

        self.settings = settings
        rng = np.random.default_rng(settings.seed)
        self.X, self.y = make_data(settings, rng)
        self.classes = int(self.y.max()) + 1
        self.model = MLP(
            2, list(settings.hidden), self.classes, activation=settings.activation, rng=rng
        )
        self.optimizer = optim.create(
            settings.optimizer.name, self.model.parameters(), **settings.optimizer.hyper
        )
        self.loss = nn.CrossEntropyLoss()
        self.rng = rng
        self.loader = DataLoader(self.X, self.y, batch_size=settings.batch, rng=rng)
        self.step = 0
        self.epoch = 0
        self.losses: list[float] = []
        self.stopped: str | None = None
        self.first_loss: float | None = None
        self.bounds = view_bounds(self.X)
        self.cells = grid_points(self.bounds, settings.grid)
        self.snapshots: deque[dict[str, Any]] = deque(maxlen=SNAPSHOTS)
        self.start_epoch()

    def start_epoch(self) -> None:
        # The loader draws the epoch's permutation from the run's generator on its first
        # batch; keeping the generator's state from before that draw lets a snapshot replay it.
        """Begin an epoch: remember the generator's state (for replay) and reshuffle the batches."""
        self.epoch_rng = copy.deepcopy(self.rng.bit_generator.state)
        self.position = 0
        self.batches = iter(self.loader)

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The next mini-batch ``(X, y)``, starting a new epoch when this one is used up."""
        if self.position == len(self.loader):
            self.epoch += 1
            self.start_epoch()
        self.position += 1
        return next(self.batches)

    def snapshot(self) -> None:
        """Remember the run as it is now (the stream takes one after every frame it sends)."""
        self.snapshots.append(
            {
                "step": self.step,
                "epoch": self.epoch,
                "position": self.position,
                "epoch_rng": copy.deepcopy(self.epoch_rng),
                "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "losses": len(self.losses),
            }
        )

    def rewind(self, step: int) -> bool:
        """Go back to the snapshot taken at ``step``; False if there is none."""
        found = [s for s in self.snapshots if s["step"] == step]
        if not found or self.stopped is not None and step >= self.step:
            return False
        snap = found[-1]
        self.model.load_state_dict(snap["model"])
        self.optimizer.load_state_dict(snap["optimizer"])
        self.rng.bit_generator.state = copy.deepcopy(snap["epoch_rng"])
        self.epoch_rng = copy.deepcopy(snap["epoch_rng"])
        self.batches = iter(self.loader)
        for _ in range(snap["position"]):
            next(self.batches)
        self.step, self.epoch, self.position = snap["step"], snap["epoch"], snap["position"]
        del self.losses[snap["losses"] :]
        self.stopped = None
        return True

    def train(self, steps: int) -> list[float]:
        """Take up to ``steps`` updates; returns their losses. Stops for good on divergence."""
        new: list[float] = []
        with np.errstate(all="ignore"):  # overflow is reported as divergence, not as warnings
            for _ in range(steps):
                if self.stopped is not None:
                    break
                loss = self.update()
                if loss is not None:
                    new.append(loss)
        self.losses.extend(new)
        return new

    def update(self) -> float | None:
        """One mini-batch step; None (and :attr:`stopped` set) if it diverged."""
        from kobai import Tensor

        xb, yb = self.next_batch()
        self.optimizer.zero_grad()
        value = self.loss(self.model(Tensor(xb)), yb)
        loss = float(value.data)
        if not math.isfinite(loss):
            self.stop(f"the loss became {loss}")
            return None
        if self.first_loss is None:
            self.first_loss = loss
        if loss > EXPLODED * max(self.first_loss, 1e-3):
            self.stop(f"the loss exploded to {loss:.3g}")
            return None
        value.backward()
        self.optimizer.step()
        if not self.parameters_finite():
            self.stop("a parameter became inf or NaN")
            return None
        self.step += 1
        return loss

    def stop(self, what: str) -> None:
        """Mark the run as diverged because of ``what``, with a hint about the learning rate."""
        lr = self.settings.optimizer.hyper.get("lr")
        hint = f"; the learning rate {lr:g} is probably too large" if lr is not None else ""
        self.stopped = f"diverged at step {self.step + 1}: {what}{hint}"

    def parameters_finite(self) -> bool:
        """Whether every parameter is free of inf and NaN."""
        return all(bool(np.isfinite(p.data).all()) for p in self.model.parameters())

    def outputs(self, points: np.ndarray) -> np.ndarray:
        """Class probabilities of shape (n_points, classes) at ``points`` of shape (n_points, 2)."""
        from kobai.train import predict

        with np.errstate(all="ignore"):
            logits = predict(self.model, points)
            shifted = logits - logits.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            probs = e / e.sum(axis=1, keepdims=True)
        # A diverged network (inf weights) shows as undecided rather than as garbage.
        return np.nan_to_num(probs, nan=1.0 / self.classes)

    def heatmap(self) -> str:
        """The decision regions as base64 bytes, one per cell, row by row from the bottom.

        Each byte is ``64 * class + level``: the predicted class and its probability scaled
        from chance (level 0) to certainty (level 63).
        """
        probs = self.outputs(self.cells)
        cls = probs.argmax(axis=1)
        chance = 1.0 / self.classes
        level = np.rint((probs.max(axis=1) - chance) / (1.0 - chance) * 63)
        codes = (64 * cls + np.clip(level, 0, 63)).astype(np.uint8)
        return base64.b64encode(codes.tobytes()).decode("ascii")

    def accuracy(self) -> float:
        """The fraction of training samples classified correctly."""
        return float((self.outputs(self.X).argmax(axis=1) == self.y).mean())

    def frame(self, losses: list[float]) -> dict[str, Any]:
        """What the page draws after a batch of steps (every number finite)."""
        return {
            "step": self.step,
            "epoch": self.epoch,
            "losses": losses,
            "loss": self.losses[-1] if self.losses else None,
            "accuracy": self.accuracy(),
            "heat": self.heatmap(),
            "stopped": self.stopped,
        }

    def setup(self) -> dict[str, Any]:
        """The data and the view, sent once at the start of a stream."""
        return {
            "points": np.round(self.X.astype(np.float64), 5).tolist(),
            "labels": self.y.tolist(),
            "classes": self.classes,
            "bounds": list(self.bounds),
            "grid": self.settings.grid,
            "batches_per_epoch": len(self.loader),
            "parameters": sum(p.numel() for p in self.model.parameters()),
        }


def view_bounds(X: np.ndarray) -> tuple[float, float, float, float]:
    """A square view around the data with a margin: (x0, x1, y0, y1)."""
    low, high = X.min(axis=0).astype(np.float64), X.max(axis=0).astype(np.float64)
    centre, half = (low + high) / 2, float((high - low).max()) / 2 * 1.2 + 0.05
    return (
        round(centre[0] - half, 4),
        round(centre[0] + half, 4),
        round(centre[1] - half, 4),
        round(centre[1] + half, 4),
    )


def grid_points(bounds: tuple[float, float, float, float], n: int) -> np.ndarray:
    """Centres of an n x n grid of cells over ``bounds``, rows from the bottom, float32."""
    x0, x1, y0, y1 = bounds
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


class TrainerCache:
    """Paused runs, so that play after pause continues instead of training again from 0.

    A stream may have trained a frame or two beyond the last one the page showed before it
    closed; the run goes back to the page's step by its snapshots. Bounded (least recently used
    go first); a trainer is taken out while a stream uses it, so two streams never advance the
    same run.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.items: OrderedDict[str, Trainer] = OrderedDict()
        self.lock = threading.Lock()

    def take(self, settings: NetworkSettings, step: int) -> Trainer | None:
        """Take out the trainer of ``settings`` wound to ``step``, or None (then train afresh)."""
        with self.lock:
            trainer = self.items.pop(settings.key(), None)
        if trainer is not None and (trainer.step == step or trainer.rewind(step)):
            return trainer
        return None

    def put(self, trainer: Trainer) -> None:
        """Give a trainer back, dropping the least recently used beyond ``size``."""
        with self.lock:
            self.items[trainer.settings.key()] = trainer
            self.items.move_to_end(trainer.settings.key())
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def trainer_at(settings: NetworkSettings, step: int, cache: TrainerCache) -> Trainer:
    """A run of ``settings`` advanced to ``step`` (from the cache, or trained from 0)."""
    trainer = cache.take(settings, step) if step > 0 else None
    if trainer is None:
        with ENGINE:
            trainer = Trainer(settings)
        advance(trainer, step)
    return trainer


def advance(trainer: Trainer, steps: int) -> list[float]:
    """Train ``steps`` more updates, a few at a time under the engine lock; their losses."""
    losses: list[float] = []
    while len(losses) < steps and trainer.stopped is None:
        with ENGINE:
            new = trainer.train(min(CHUNK, steps - len(losses)))
        if not new:
            break
        losses += new
    return losses
