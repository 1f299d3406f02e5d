"""A sweep's plan: a base training configuration, the axes to vary, the seeds, and its cells.

A plan is data. It is read from a TOML file or a dict, checked once, and expanded into
cells in a fixed order: the grid axes crossed (in the order they are written), then the
random samples, then the seed replicates. Each cell has a *key* such as
``optimizer=adam,lr=0.01,seed=2`` and a training seed derived from the sweep's seed and that
key by a hash, never from the cell's position or from the worker that runs it: the same plan
gives the same cells and the same numbers however and wherever they run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kobai.validation import check_int, is_real

GRID_FORMS = ("values", "logspace", "linspace")
RANDOM_FORMS = ("log_uniform", "uniform", "choice")
SEED_BY = ("replicate", "cell")
NESTED = ("optimizer_options", "schedule_options")
SPEC_KEYS = ("name", "base", "axes", "seeds", "seed", "samples", "metric", "goal", "seed_by")


class PlanError(ValueError):
    """A sweep plan that cannot run: the message names the offending entry."""


@dataclass(frozen=True)
class Axis:
    """One hyper-parameter to vary.

    Attributes
    ----------
    name : str
        A key of ``kobai train``'s configuration (``lr``, ``optimizer``, ``batch_size``, ...)
        or ``optimizer_options.NAME`` / ``schedule_options.NAME``.
    form : str
        ``values``, ``logspace``, ``linspace`` (grid) or ``log_uniform``, ``uniform``,
        ``choice`` (random samples).
    args : tuple
        The values (``values``, ``choice``) or the range ``(low, high[, count])``.
    """

    name: str
    form: str
    args: tuple[Any, ...]

    @property
    def random(self) -> bool:
        """Whether the axis draws random samples (rather than listing grid values)."""
        return self.form in RANDOM_FORMS

    def grid_values(self) -> list[Any]:
        """The values of a grid axis, in order."""
        if self.form == "values":
            return list(self.args)
        low, high, count = self.args
        space = np.logspace if self.form == "logspace" else np.linspace
        points = (
            space(math.log10(low), math.log10(high), count)
            if self.form == "logspace"
            else (space(low, high, count))
        )
        return [_round(float(v)) for v in points]

    def draw(self, rng: np.random.Generator) -> Any:
        """One random value of a random axis."""
        if self.form == "choice":
            return self.args[int(rng.integers(len(self.args)))]
        low, high = self.args
        if self.form == "log_uniform":
            return _round(math.exp(rng.uniform(math.log(low), math.log(high))))
        return _round(float(rng.uniform(low, high)))


@dataclass(frozen=True)
class Cell:
    """One run of the sweep: a point of the axes and a seed replicate."""

    index: int
    key: str
    config_key: str
    params: dict[str, Any]
    replicate: int
    seed: int


@dataclass
class Plan:
    """A checked sweep plan (see :func:`parse_plan` for the file format)."""

    base: dict[str, Any]
    axes: tuple[Axis, ...]
    seeds: int = 1
    seed: int = 0
    samples: int = 0
    metric: str = "val_loss"
    goal: str = "min"
    seed_by: str = "replicate"
    name: str = "sweep"
    _cells: list[Cell] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data; :func:`parse_plan` reads it back."""
        axes = {a.name: {a.form: list(a.args)} for a in self.axes}
        return {
            "name": self.name, "base": self.base, "axes": axes, "seeds": self.seeds,
            "seed": self.seed, "samples": self.samples, "metric": self.metric,
            "goal": self.goal, "seed_by": self.seed_by,
        }  # fmt: skip

    def fingerprint(self) -> str:
        """sha256 of what decides the cells and their numbers (not the name)."""
        data = {k: v for k, v in self.to_dict().items() if k != "name"}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def cells(self) -> list[Cell]:
        """Every cell, in plan order."""
        if self._cells is None:
            self._cells = _expand(self)
        return self._cells

    def config_for(self, cell: Cell) -> dict[str, Any]:
        """The ``kobai train`` configuration (a ``RunConfig`` dict) of ``cell``."""
        config = json.loads(json.dumps(self.base))
        for name, value in cell.params.items():
            group, _, option = name.partition(".")
            if option:
                config[group] = {**config.get(group, {}), option: value}
            else:
                config[name] = value
        config["seed"] = cell.seed
        return config


def derive_seed(sweep_seed: int, key: str) -> int:
    """A 63-bit training seed from the sweep's seed and a cell's key (sha256)."""
    digest = hashlib.sha256(f"kobai-sweep:{sweep_seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def format_value(value: Any) -> str:
    """How a value appears in a cell key: shortest exact form (``0.001``, ``adam``, ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _round(value: float) -> float:
    # Six significant digits: keys stay readable and a value prints as it is used.
    return float(f"{value:.6g}")


def _expand(plan: Plan) -> list[Cell]:
    grid = [a for a in plan.axes if not a.random]
    random = [a for a in plan.axes if a.random]
    rng = np.random.default_rng(np.random.SeedSequence([plan.seed, 0x5EED]))
    samples = [{a.name: a.draw(rng) for a in random} for _ in range(plan.samples)] or [{}]
    order = [a.name for a in plan.axes]
    cells: list[Cell] = []
    for point in itertools.product(*(a.grid_values() for a in grid)):
        for sample in samples:
            values = {**dict(zip((a.name for a in grid), point, strict=True)), **sample}
            params = {name: values[name] for name in order}
            config_key = ",".join(f"{n}={format_value(v)}" for n, v in params.items())
            for replicate in range(plan.seeds):
                key = ",".join(filter(None, (config_key, f"seed={replicate}")))
                seed_key = f"seed={replicate}" if plan.seed_by == "replicate" else key
                cells.append(
                    Cell(len(cells), key, config_key, params, replicate,
                         derive_seed(plan.seed, seed_key))
                )  # fmt: skip
    keys = [c.key for c in cells]
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise PlanError(f"the axes give the cell {twice!r} twice; every value must differ")
    return cells


# -- reading a plan ----------------------------------------------------------------------------
def read_spec(path: str | Path) -> dict[str, Any]:
    """A sweep specification from a TOML file, its ``base`` read if it names a ``kobai
    train`` TOML file (relative to the plan); the plan's name defaults to the file's stem."""
    from kobai._toml import read_toml

    source = Path(path)
    spec = read_toml(source)
    if isinstance(spec.get("base"), str):
        spec["base"] = read_toml(source.parent / spec["base"])
    spec.setdefault("name", source.stem)
    return spec


def read_plan(path: str | Path) -> Plan:
    """Read and check a sweep plan from a TOML file (see :func:`parse_plan`)."""
    return parse_plan(read_spec(path))


def parse_plan(spec: dict[str, Any]) -> Plan:
    """Check a sweep specification and return its :class:`Plan`.

    Parameters
    ----------
    spec : dict
        ``base`` (dict): any ``kobai train`` configuration;
        ``axes`` (dict): name -> list of values (grid), or a table with one of
        ``values = [...]``, ``logspace = [low, high, count]``, ``linspace = [low, high, count]``
        (grid), ``log_uniform = [low, high]``, ``uniform = [low, high]``, ``choice = [...]``
        (random, drawn ``samples`` times, jointly, and crossed with the grid);
        ``seeds`` (int, default 1): replicates per configuration; ``seed`` (int, default 0):
        the sweep's seed; ``samples`` (int): random draws; ``metric`` (default ``val_loss``)
        and ``goal`` (``min``/``max``, default from the metric's name) for reports;
        ``seed_by``: ``replicate`` (default: replicate *i* has the same training seed in
        every configuration, so configurations are compared on the same data and starting
        weights) or ``cell`` (every cell its own seed).

    Raises
    ------
    PlanError
        Naming the first unknown, empty or contradictory entry.
    """
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise PlanError(f"unknown sweep key(s) {', '.join(unknown)}; valid: {', '.join(SPEC_KEYS)}")
    base = dict(spec.get("base") or {})
    if "seed" in base:
        raise PlanError("base sets 'seed'; a sweep derives each cell's seed (set 'seeds'/'seed')")
    axes = tuple(_axis(name, value) for name, value in dict(spec.get("axes") or {}).items())
    seeds = _count("seeds", spec.get("seeds", 1), minimum=1)
    samples = _count("samples", spec.get("samples", 0), minimum=0)
    has_random = any(a.random for a in axes)
    if has_random and samples == 0:
        raise PlanError("random axes need 'samples' (how many draws), got none")
    if samples and not has_random:
        raise PlanError(f"'samples' is {samples} but no axis is random (log_uniform, ...)")
    metric = str(spec.get("metric", "val_loss"))
    goal = spec.get("goal", "min" if "loss" in metric or "rmse" in metric else "max")
    _choose("goal", goal, ("min", "max"))
    seed_by = _choose("seed_by", spec.get("seed_by", "replicate"), SEED_BY)
    plan = Plan(
        base, axes, seeds, _count("seed", spec.get("seed", 0), minimum=0), samples, metric,
        goal, seed_by, str(spec.get("name", "sweep")),
    )  # fmt: skip
    _check_cells(plan)
    return plan


def _axis(name: str, value: Any) -> Axis:
    from kobai.models.runs import RunConfig

    fields = [f.name for f in dataclasses.fields(RunConfig) if f.name not in ("seed", *NESTED)]
    group, _, option = name.partition(".")
    if not (name in fields or (group in NESTED and option)):
        hint = "; vary seeds with 'seeds = N'" if name == "seed" else ""
        raise PlanError(
            f"unknown axis {name!r}{hint}; valid: {', '.join(fields)}, "
            "optimizer_options.NAME, schedule_options.NAME"
        )
    if isinstance(value, list):
        value = {"values": value}
    if not isinstance(value, dict) or len(value) != 1:
        raise PlanError(
            f"axis {name!r} takes a list of values or one of "
            f"{', '.join(GRID_FORMS + RANDOM_FORMS)}, got {value!r}"
        )
    form, args = next(iter(value.items()))
    _choose(f"the form of axis {name!r}", form, GRID_FORMS + RANDOM_FORMS)
    args = tuple(args) if isinstance(args, (list, tuple)) else (args,)
    if form in ("values", "choice"):
        if not args:
            raise PlanError(f"axis {name!r} is empty")
        twice = [v for v in args if args.count(v) > 1]
        if twice:
            raise PlanError(f"axis {name!r} lists {twice[0]!r} twice")
        return Axis(name, form, args)
    return Axis(name, form, _range(name, form, args))


def _range(name: str, form: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    size = 3 if form in ("logspace", "linspace") else 2
    shape = "[low, high, count]" if size == 3 else "[low, high]"
    numbers = all(is_real(a) for a in args)
    if len(args) != size or not numbers:
        raise PlanError(f"axis {name!r}: {form} takes {shape}, got {list(args)}")
    low, high = float(args[0]), float(args[1])
    if not low < high:
        raise PlanError(f"axis {name!r}: {form} needs low < high, got {low:g} and {high:g}")
    if form in ("logspace", "log_uniform") and low <= 0:
        raise PlanError(f"axis {name!r}: {form} needs low > 0, got {low:g}")
    if size == 3:
        return (low, high, _count(f"axis {name!r}: the count", args[2], minimum=1))
    return (low, high)


def _count(name: str, value: Any, *, minimum: int) -> int:
    try:
        return check_int(name, value, low=minimum)
    except (TypeError, ValueError) as exc:
        raise PlanError(str(exc)) from None


def _choose(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise PlanError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return str(value)


def _check_cells(plan: Plan) -> None:
    """Every cell's configuration must be one ``kobai train`` accepts (checked before any
    run starts, so a bad corner of the grid fails now, not an hour in)."""
    from kobai.models.runs import RunConfig

    checked: set[str] = set()
    for cell in plan.cells():
        if cell.config_key in checked:
            continue
        checked.add(cell.config_key)
        where = f" (cell {cell.config_key})" if cell.config_key else ""
        try:
            config = RunConfig.from_dict(plan.config_for(cell))
            _check_optimizer(config)
        except (ValueError, TypeError) as exc:
            raise PlanError(f"{exc}{where}") from None


def _check_optimizer(config: Any) -> None:
    from kobai import optim
    from kobai.nn import Parameter

    hyper = dict(config.optimizer_options)
    if config.lr is not None:
        hyper["lr"] = config.lr
    optim.create(config.optimizer, [Parameter(np.zeros(1, dtype=np.float32))], **hyper)
