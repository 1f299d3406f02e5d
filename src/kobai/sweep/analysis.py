"""What a sweep's results say: configurations summarised over seeds, the best one, a fair
race between optimizers, and how sensitive each optimizer is to its learning rate."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kobai.sweep.results import mean_interval


def metric_value(record: dict[str, Any], metric: str) -> float | None:
    """A cell's final ``metric``; None for a cell that did not finish, NaN for one that
    diverged (a configuration that diverges for a seed has no mean)."""
    if record["status"] == "diverged":
        return math.nan
    if record["status"] != "done":
        return None
    value = record["metrics"].get(metric)
    if value is None:
        names = ", ".join(sorted(record["metrics"]))
        raise ValueError(f"no metric {metric!r} in the results; metrics: {names}")
    return float(value)


def configurations(results: Any, metric: str | None = None) -> list[dict[str, Any]]:
    """One summary per configuration (cells that differ only in seed), in plan order.

    Returns
    -------
    list of dict
        ``config_key``, ``params`` (axis -> value), ``metric``, ``values`` (one per seed
        replicate, None if unfinished, NaN if diverged), ``n`` (finished seeds), ``diverged``,
        ``mean``, ``low``, ``high`` (95% interval, Student's t) and ``std``.
    """
    metric = metric or results.plan.metric
    axes = [a.name for a in results.plan.axes]
    groups: dict[str, dict[str, Any]] = {}
    for record in results:
        group = groups.setdefault(
            record["config_key"],
            {"config_key": record["config_key"], "params": {a: record[a] for a in axes},
             "metric": metric, "values": []},
        )  # fmt: skip
        group["values"].append(metric_value(record, metric))
    for group in groups.values():
        values = [v for v in group["values"] if v is not None]
        group["n"] = len(values)
        group["diverged"] = sum(math.isnan(v) for v in values)
        group["mean"], group["low"], group["high"] = mean_interval(values)
        finite = len(values) > 1 and not group["diverged"]
        group["std"] = float(np.std(values, ddof=1)) if finite else math.nan
    return list(groups.values())


def _better(goal: str) -> Any:
    return (lambda a, b: a < b) if goal == "min" else (lambda a, b: a > b)


def best_configuration(results: Any, metric: str | None = None) -> dict[str, Any] | None:
    """The configuration with the best mean over seeds (None if none has a mean)."""
    return _best_of(configurations(results, metric), _better(_goal(results, metric)))


def _best_of(groups: list[dict[str, Any]], better: Any) -> dict[str, Any] | None:
    best = None
    for group in groups:
        if math.isfinite(group["mean"]) and (best is None or better(group["mean"], best["mean"])):
            best = group
    return best


def _goal(results: Any, metric: str | None) -> str:
    if metric is None or metric == results.plan.metric:
        return str(results.plan.goal)
    return "min" if "loss" in metric or "rmse" in metric else "max"


def fair_race(
    results: Any, by: str = "optimizer", *, metric: str | None = None, budget: int | None = None
) -> list[dict[str, Any]]:
    """Each value of axis ``by`` (each optimizer) with its best configuration found in the
    same number of trials.

    The budget is the number of configurations the poorest-served value has (or ``budget``);
    a value with more takes that many of its configurations in an order shuffled with the
    sweep's seed, so no one is tuned with more trials than another.

    Returns
    -------
    list of dict
        ``by`` value, ``trials``, and the chosen configuration's summary (``config_key``,
        ``mean``, ``low``, ``high``, ``std``, ``n``); ``config_key`` is None when every trial
        diverged.
    """
    groups = configurations(results, metric)
    values = list(dict.fromkeys(g["params"][by] for g in groups))
    pools = {v: [g for g in groups if g["params"][by] == v] for v in values}
    trials = min(len(p) for p in pools.values()) if budget is None else int(budget)
    if trials < 1:
        raise ValueError(f"the race budget must be >= 1 trial, got {trials}")
    rng = np.random.default_rng(results.plan.seed)
    better = _better(_goal(results, metric))
    rows = []
    for value, pool in pools.items():
        order = rng.permutation(len(pool)) if len(pool) > trials else np.arange(len(pool))
        chosen = [pool[i] for i in order[:trials]]
        best = _best_of(chosen, better)
        row = {by: value, "trials": len(chosen), "config_key": None, "mean": math.nan,
               "low": math.nan, "high": math.nan, "std": math.nan, "n": 0}  # fmt: skip
        if best is not None:
            row.update({k: best[k] for k in ("config_key", "mean", "low", "high", "std", "n")})
        rows.append(row)
    return rows


def sensitivity(
    results: Any,
    by: str = "optimizer",
    axis: str = "lr",
    *,
    metric: str | None = None,
    tolerance: float = 0.1,
) -> list[dict[str, Any]]:
    """How wide each optimizer's range of good learning rates is.

    For each value of ``by``, the best mean over seeds at each ``axis`` value (best over any
    other axes) is compared with that value's own best; an ``axis`` value is *good* when it
    is within ``tolerance`` of the metric's range over the whole sweep (the same slack for
    every optimizer): :math:`|m - m_{best}| \\le tol \\, (m_{worst} - m_{best})_{sweep}`.
    The width is the span of good values in decades, :math:`\\log_{10}(\\max / \\min)`.

    Returns
    -------
    list of dict
        ``by`` value, ``best_lr`` (the axis value of the best mean), ``good`` (how many axis
        values are good), ``tried``, ``low``, ``high`` (the good range) and ``decades``.
    """
    goal = _goal(results, metric)
    better = _better(goal)
    groups = configurations(results, metric)
    means = [g["mean"] for g in groups if math.isfinite(g["mean"])]
    slack = tolerance * (max(means) - min(means)) if means else 0.0
    rows = []
    for value in dict.fromkeys(g["params"][by] for g in groups):
        profile: dict[float, float] = {}
        for g in groups:
            if g["params"][by] != value or not math.isfinite(g["mean"]):
                continue
            x = float(g["params"][axis])
            if x not in profile or better(g["mean"], profile[x]):
                profile[x] = g["mean"]
        tried = len({g["params"][axis] for g in groups if g["params"][by] == value})
        row: dict[str, Any] = {by: value, "best_" + axis: math.nan, "good": 0, "tried": tried,
                               "low": math.nan, "high": math.nan, "decades": math.nan}  # fmt: skip
        if profile:
            best_x = min(profile, key=lambda x: profile[x] if goal == "min" else -profile[x])
            best = profile[best_x]
            good = [x for x, m in profile.items() if abs(m - best) <= slack]
            low, high = min(good), max(good)
            decades = math.log10(high / low) if low > 0 else math.nan
            row.update({"best_" + axis: best_x, "good": len(good), "low": low, "high": high,
                        "decades": decades})  # fmt: skip
        rows.append(row)
    return rows
