"""Sweeps: the same training over a grid of hyper-parameters and seeds, resumable, on one
machine or a Dask cluster, summarised with the spread over seeds."""

from kobai.sweep.driver import SweepInterrupted, run
from kobai.sweep.plan import Axis, Cell, Plan, PlanError, derive_seed, parse_plan, read_plan
from kobai.sweep.results import SweepResults, load, mean_interval
from kobai.sweep.store import StoreError

__all__ = [
    "Axis",
    "Cell",
    "Plan",
    "PlanError",
    "StoreError",
    "SweepInterrupted",
    "SweepResults",
    "derive_seed",
    "load",
    "mean_interval",
    "parse_plan",
    "read_plan",
    "run",
]
