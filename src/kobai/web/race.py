"""Optimizers racing on a surface: same start, same step budget, computed by the real engine.

:func:`run_race` calls :func:`kobai.landscape.descend` and keeps the last results (a page going
back and forth between settings gets its answers at once); :func:`race_payload` turns the
trajectories into JSON that never holds a NaN: a diverged path ends at its last finite point
and says at which step it stopped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from kobai.web.engine import ENGINE
from kobai.web.optimizers import OptimizerSpec, parse_specs
from kobai.web.params import LIMITS, BadRequest, Query, bad, parse_numbers
from kobai.web.surfaces import SURFACE_PARAMS, SurfaceSettings

RACE_PARAMS = (*SURFACE_PARAMS, "opt", "start", "steps")
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")


@dataclass(frozen=True)
class RaceSettings:
    """A race: the surface, the optimizers, the start point and the number of steps."""

    surface: SurfaceSettings
    optimizers: tuple[OptimizerSpec, ...]
    start: tuple[float, float] | None
    steps: int

    @classmethod
    def from_query(cls, q: Query) -> RaceSettings:
        """The race a URL asks for (``opt`` may repeat; default the usual optimizers), checked."""
        surface = SurfaceSettings.from_query(q)
        specs = parse_specs(q.all("opt"), "") if q.all("opt") else None
        if specs is None:
            specs = parse_specs(list(DEFAULT_OPTIMIZERS), "")
        start = None
        if q.has("start"):
            x, y = parse_numbers("start", q.text("start"), 2, LIMITS["coordinate"])
            start = (x, y)
        steps = q.bounded("steps", 300, "steps")
        if steps * len(specs) > LIMITS["race_work"]:
            raise bad("race_work", limit=LIMITS["race_work"], steps=steps, count=len(specs))
        return cls(surface, tuple(specs), start, steps)

    def key(self) -> tuple[Any, ...]:
        """A hashable key of the race, for the cache of results."""
        return (self.surface, tuple(s.text() for s in self.optimizers), self.start, self.steps)


class _Results:
    """The last few races, least recently used dropped first (a few hundred KB at most)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], value: dict[str, Any]) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


RESULTS = _Results()


def run_race(settings: RaceSettings) -> dict[str, Any]:
    """The race as JSON-ready data (computed, or taken from the recent results)."""
    key = settings.key()
    found = RESULTS.get(key)
    if found is not None:
        return found
    from kobai.landscape import descend

    fn = settings.surface.function()
    with ENGINE:
        began = time.perf_counter()
        try:
            paths = descend(
                fn,
                {s.label: s.config() for s in settings.optimizers},
                start=settings.start,
                steps=settings.steps,
            )
        except (ValueError, TypeError) as exc:
            raise BadRequest.refusing(exc) from None
        elapsed = time.perf_counter() - began
    payload = {
        "function": fn.name,
        "start": [float(v) for v in (settings.start or fn.start)],
        "steps": settings.steps,
        "paths": [path_payload(p) for p in paths.values()],
        "compute_ms": round(elapsed * 1000, 3),
    }
    RESULTS.put(key, payload)
    return payload


def path_payload(path: Any) -> dict[str, Any]:
    """One trajectory: points, values, gradient norms (finite only), status, where it stopped."""
    points = np.asarray(path.points, dtype=np.float64)
    values = np.asarray(path.values, dtype=np.float64)
    norms = np.asarray(path.grad_norms, dtype=np.float64)
    ok = np.isfinite(points).all(axis=1) & np.isfinite(values) & np.isfinite(norms)
    keep = int(np.argmin(ok)) if not ok.all() else len(ok)
    status, stopped_at = path.status, path.diverged_at
    if keep < len(ok) and status != "diverged":  # a safety net: descend already stops there
        status, stopped_at = "diverged", keep
    return {
        "label": path.label,
        "optimizer": path.optimizer,
        "hyper": {k: _json_value(v) for k, v in path.hyper.items()},
        "points": points[:keep].tolist(),
        "values": values[:keep].tolist(),
        "grad_norms": norms[:keep].tolist(),
        "status": status,
        "diverged_at": stopped_at,
        "converged_at": getattr(path, "converged_at", None) if status == "converged" else None,
        "message": _message(path, status, stopped_at),
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_json_value(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return float(value)


def _message(path: Any, status: str, stopped_at: int | None) -> str:
    if status == "diverged":
        lr = path.hyper.get("lr")
        return f"diverged at step {stopped_at}: the values left every bound" + (
            f"; lr {lr:g} is too large for this surface" if lr is not None else ""
        )
    from kobai.landscape.status import STATUS_MEANINGS

    if status == "converged" and getattr(path, "converged_at", None) is not None:
        return f"converged at step {path.converged_at}: {STATUS_MEANINGS[status]}"
    return f"{status}: {STATUS_MEANINGS[status]}" if status in STATUS_MEANINGS else status


def race_frames(
    race: dict[str, Any], first: int, last: int, per_frame: int
) -> Any:  # generator of (event, payload, paced)
    """The race from step ``first`` to ``last`` in frames of ``per_frame`` steps."""
    lengths = [len(p["points"]) for p in race["paths"]]
    yield (
        "setup",
        {
            "steps": race["steps"],
            "paths": [
                {
                    k: p[k]
                    for k in ("label", "optimizer", "hyper", "status", "diverged_at", "message")
                }
                | {"length": n}
                for p, n in zip(race["paths"], lengths, strict=True)
            ],
            "current": _slice(race, first, first + 1),
        },
        False,
    )
    step = first
    while step < last:
        upto = min(step + per_frame, last)
        yield "step", _slice(race, step + 1, upto + 1), True
        step = upto
    yield "end", {"step": last}, False


def _slice(race: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    return {
        "from": lo,
        "to": hi - 1,
        "paths": [
            {k: p[k][lo:hi] for k in ("points", "values", "grad_norms")} for p in race["paths"]
        ],
    }


def check_window(q: Query, steps: int) -> tuple[int, int]:
    """``from`` and ``to`` of a stream, within the race's steps."""
    first = q.integer("from", 0, 0, steps)
    last = q.integer("to", steps, 0, steps)
    if last < first:
        raise bad("to_from", first=first, last=last)
    return first, last
