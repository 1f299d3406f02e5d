"""``kobai sweep report``: figures (PNG and SVG) and one self-contained HTML page."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kobai.i18n import t, t_or
from kobai.report.page import Page
from kobai.sweep.analysis import _goal, configurations, fair_race, sensitivity
from kobai.sweep.results import load
from kobai.validation import is_real


def write_report(folder: str | Path, *, metric: str | None = None, out: Path | None = None) -> Path:
    """Write the report of the sweep in ``folder`` into ``out`` (default ``folder/report``).

    The page holds: the final metric against each axis (mean and 95% interval over seeds),
    a heatmap of the first two axes, learning curves with seed bands, the fair race (each
    optimizer's best configuration found under the same number of trials), the sensitivity
    of each optimizer to its learning rate, and every configuration's summary.

    Returns
    -------
    Path
        The HTML page (``report.html``; ``report.md`` and the figures lie beside it).
    """
    results = load(folder)
    metric = metric or results.plan.metric
    goal = _goal(results, metric)
    target = Path(out) if out is not None else Path(folder) / "report"
    groups = configurations(results, metric)  # checks the metric before any figure is drawn
    better = t("sweep.lower" if goal == "min" else "sweep.higher")
    page = Page(
        t("sweep.title", name=results.plan.name),
        subtitle=t("sweep.subtitle", runs=len(results), configs=len(groups),
                   seeds=results.plan.seeds, metric=metric, better=better),
    )  # fmt: skip
    _status(page, results)
    _figures(page, results, target, metric, goal)
    _race(page, results, metric)
    _configurations(page, groups, results)
    page.paragraph(t("sweep.sha", sha=results.sha256()))
    return page.write(target)[1]


def status_counts(counts: dict[str, int]) -> str:
    """``"4 done, 0 diverged"``: cells by status, in the language of messages."""
    named = {s: t_or(f"sweep.status.{s}", s) for s in counts}
    return ", ".join(t("sweep.count", n=n, status=named[s]) for s, n in counts.items())


def _status(page: Page, results: Any) -> None:
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    page.paragraph(t("sweep.cells", counts=status_counts(counts)))
    page.code(_plan_text(results.plan))


def _plan_text(plan: Any) -> str:
    lines = [f"{a.name}: {a.form} {list(a.args)}" for a in plan.axes]
    lines.append(f"seeds: {plan.seeds} (sweep seed {plan.seed}, seeds by {plan.seed_by})")
    base = ", ".join(f"{k}={v}" for k, v in plan.base.items())
    return "\n".join([f"base: {base}", *lines])


def _figures(page: Page, results: Any, target: Path, metric: str, goal: str) -> None:
    from kobai.sweep import figures

    axes = [a.name for a in results.plan.axes]
    page.heading(t("sweep.by_axis"))
    for axis in axes:
        drawn = figures.plot_metric_by_axis(
            results, axis, target / f"{metric}_by_{axis}", metric=metric, goal=goal
        )
        page.figure(drawn[0], t("sweep.by_axis_caption", metric=metric, axis=axis))
    if len(axes) >= 2:
        rows, columns = ("optimizer", "lr") if {"optimizer", "lr"} <= set(axes) else axes[:2]
        drawn = figures.plot_heatmap(
            results, rows, columns, target / f"heatmap_{rows}_{columns}", metric=metric, goal=goal
        )
        page.heading(f"{rows} x {columns}")
        page.figure(drawn[0], t("sweep.heatmap_caption", metric=metric))
    histories = {r["key"]: results.history(r["key"]) for r in results}
    curve_metric = figures.curve_metric(histories, metric)
    drawn = figures.plot_learning_curves(
        results, histories, target / "learning_curves", metric=curve_metric
    )
    page.heading(t("sweep.curves"))
    page.figure(drawn[0], t("sweep.curves_caption", metric=curve_metric))


def _race_axes(results: Any) -> tuple[str | None, str | None]:
    """The axis to race (the optimizer, else the first categorical one) and the one to
    measure sensitivity along (the learning rate, else the first positive numeric one)."""
    values = {a.name: list(dict.fromkeys(r[a.name] for r in results)) for a in results.plan.axes}

    def numeric(name: str) -> bool:
        return all(is_real(v) and v > 0 for v in values[name])

    categorical = [n for n in values if not numeric(n) and len(values[n]) > 1]
    positive = [n for n in values if numeric(n) and len(values[n]) > 1]
    by = "optimizer" if "optimizer" in categorical else next(iter(categorical), None)
    along = "lr" if "lr" in positive else next(iter(positive), None)
    return by, along


def _race(page: Page, results: Any, metric: str) -> None:
    by, along = _race_axes(results)
    if by is None:
        return
    rows = fair_race(results, by, metric=metric)
    page.heading(t("sweep.race", by=by))
    page.table(
        [by, t("sweep.col.trials"), t("sweep.col.best_config"), t("sweep.col.mean", metric=metric),
         t("sweep.col.interval"), t("sweep.col.std"), t("sweep.col.seeds")],
        [[r[by], r["trials"], r["config_key"] or t("sweep.all_diverged"), r["mean"],
          _interval(r["low"], r["high"]), r["std"], r["n"]] for r in rows],
    )  # fmt: skip
    if along is None:
        return
    page.heading(t("sweep.sensitivity", along=along))
    page.paragraph(t("sweep.sensitivity_text", along=along, by=by))
    page.table(
        [by, t("sweep.col.best", along=along), t("sweep.col.good_values"),
         t("sweep.col.good_range"), t("sweep.col.width")],
        [[r[by], r[f"best_{along}"], t("sweep.good_of", good=r["good"], tried=r["tried"]),
          _interval(r["low"], r["high"]), r["decades"]]
         for r in sensitivity(results, by, along, metric=metric)],
    )  # fmt: skip


def _configurations(page: Page, groups: list[dict[str, Any]], results: Any) -> None:
    page.heading(t("sweep.every"))
    metric = groups[0]["metric"] if groups else ""
    page.table(
        [t("sweep.col.config"), t("sweep.col.done"), t("sweep.col.diverged"),
         t("sweep.col.mean", metric=metric), t("sweep.col.interval")],
        [[g["config_key"] or t("sweep.base"), g["n"], g["diverged"], g["mean"],
          _interval(g["low"], g["high"])] for g in groups],
    )  # fmt: skip


def _interval(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "-"
    return f"[{low:.4g}, {high:.4g}]"
