"""Summaries of the runs (medians, ranges, ratios, targets) and the printed table."""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.suite import BY_NAME, Metric
from bench.workloads._common import gemm_flops_per_mlp_step

GEMM_BOUND_TARGET = 0.7
MLP_WORKLOADS = ("mlp_sgd", "mlp_adam")
TORCH_NAMES = {
    "default": "default",
    "foreach": "foreach",
    "fused": "fused",
    "no_grad": "no_grad",
    "inference_mode": "inference_mode",
    "torch": "",
}


def stats(values: list[float]) -> dict[str, float] | None:
    """Median, min and max of the repetitions (None when there are none)."""
    if not values:
        return None
    array = np.asarray(values, dtype=np.float64)
    return {
        "median": float(np.median(array)),
        "min": float(array.min()),
        "max": float(array.max()),
        "n": len(values),
    }


def _ok(runs: list[dict]) -> list[dict]:
    return [r for r in runs if "error" not in r]


def _torch_best(metric: Metric, runs: list[dict]) -> tuple[str | None, dict[str, Any]]:
    """Every PyTorch setting's statistics and the name of the fastest (by median)."""
    values: dict[str, list[float]] = {}
    for run in runs:
        for setting, measured in run["results"].items():
            if metric.key in measured:
                values.setdefault(setting, []).append(measured[metric.key])
    settings = {name: stats(v) for name, v in values.items()}
    if not settings:
        return None, {}
    pick = max if metric.higher_is_better else min
    best = pick(settings, key=lambda name: settings[name]["median"])  # type: ignore[index]
    return best, settings


def _metric_summary(metric: Metric, kobai_runs: list[dict], torch_runs: list[dict]) -> dict:
    kobai = stats([r["results"]["kobai"][metric.key] for r in kobai_runs
                   if metric.key in r["results"]["kobai"]])  # fmt: skip
    best, settings = _torch_best(metric, torch_runs)
    torch = settings.get(best) if best is not None else None
    ratio = None
    if kobai is not None and torch is not None:
        k, t = kobai["median"], torch["median"]
        ratio = k / t if metric.higher_is_better else t / k
    met = None
    if metric.target is not None and ratio is not None:
        met = ratio >= metric.target
    if metric.limit is not None and kobai is not None:
        met = kobai["median"] < metric.limit
    return {
        "label": metric.label,
        "unit": metric.unit,
        "higher_is_better": metric.higher_is_better,
        "kobai": kobai,
        "torch": torch,
        "torch_setting": best,
        "torch_settings": settings,
        "ratio": ratio,
        "target": metric.target,
        "limit": metric.limit,
        "met": met,
    }


def _rss(runs: list[dict]) -> float | None:
    values = [r["peak_rss_mb"] for r in runs]
    return float(np.median(values)) if values else None


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """Per workload: each metric's statistics on both sides, the ratio and the target."""
    summary: dict[str, Any] = {}
    for name, sides in raw.items():
        workload = BY_NAME[name]
        kobai_runs, torch_runs = _ok(sides["kobai"]), _ok(sides["torch"])
        if not torch_runs and workload.compare_with in raw:
            torch_runs = _ok(raw[workload.compare_with]["torch"])
        summary[name] = {
            "title": workload.title,
            "metrics": {
                m.key: _metric_summary(m, kobai_runs, torch_runs) for m in workload.metrics
            },
            "peak_rss_mb": {
                "kobai": _rss(kobai_runs) if workload.rss else None,
                "torch": _rss(torch_runs) if workload.rss else None,
            },
            "info": {
                "kobai": kobai_runs[-1]["info"] if kobai_runs else None,
                "torch": torch_runs[-1]["info"] if torch_runs else None,
            },
        }
    _add_gemm_bound(summary)
    _add_rss_targets(summary)
    return summary


def _add_gemm_bound(summary: dict[str, Any]) -> None:
    """The MLP's GEMM lower bound: 6 * weights * batch FLOPs per step at NumPy's GEMM speed."""
    gemm = summary.get("gemm", {}).get("metrics", {}).get("gflops", {}).get("kobai")
    if gemm is None:
        return
    bound = gemm["median"] * 1e9 / gemm_flops_per_mlp_step()
    for name in MLP_WORKLOADS:
        steps = summary.get(name, {}).get("metrics", {}).get("steps_per_s", {}).get("kobai")
        if steps is None:
            continue
        fraction = steps["median"] / bound
        summary[name]["gemm_bound"] = {
            "steps_per_s": bound,
            "fraction": fraction,
            "target": GEMM_BOUND_TARGET,
            "met": fraction >= GEMM_BOUND_TARGET,
        }


def _add_rss_targets(summary: dict[str, Any]) -> None:
    for name in MLP_WORKLOADS:
        rss = summary.get(name, {}).get("peak_rss_mb")
        if rss and rss["kobai"] is not None and rss["torch"] is not None:
            rss["met"] = rss["kobai"] <= rss["torch"]


def has_errors(raw: dict[str, Any]) -> bool:
    return any("error" in r for sides in raw.values() for runs in sides.values() for r in runs)


# -- the table ----------------------------------------------------------------------------
def number(value: float) -> str:
    """Three significant digits or so, with thousands separators."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def spread(s: dict[str, float] | None) -> str:
    if s is None:
        return "-"
    if s["n"] == 1:
        return number(s["median"])
    return f"{number(s['median'])} ({number(s['min'])}..{number(s['max'])})"


def _verdict(met: bool | None) -> str:
    return "" if met is None else (" yes" if met else " **no**")


def _target_text(m: dict[str, Any]) -> str:
    if m["target"] is not None:
        return f">= {m['target']}x" + _verdict(m["met"])
    if m["limit"] is not None:
        return f"< {m['limit']} {m['unit']}" + _verdict(m["met"])
    return ""


def _metric_row(title: str, m: dict[str, Any]) -> str:
    setting = TORCH_NAMES.get(m["torch_setting"] or "", m["torch_setting"] or "")
    torch = spread(m["torch"]) + (f" {setting}" if setting and m["torch"] else "")
    ratio = f"{m['ratio']:.2f}x" if m["ratio"] is not None else "-"
    label = f"{m['label']} ({m['unit']})"
    return f"| {title} | {label} | {spread(m['kobai'])} | {torch} | {ratio} | {_target_text(m)} |"


def table(summary: dict[str, Any], meta: dict[str, Any]) -> str:
    """The results as Markdown: speeds, the GEMM bound and peak memory."""
    mach = meta["machine"]
    lines = [
        f"`{meta['command']}` — {meta['started']}, {meta['reps']} repetitions, "
        f"{meta['threads']} threads per side; {mach['cpu']}, {mach['cores']} cores; "
        f"NumPy {mach['numpy']}; {meta['torch']}; load average before/after "
        f"{meta['load_average_before'][0]:.2f}/{meta['load_average_after'][0]:.2f}.",
        "",
        "Median over repetitions (min..max). kobai/PyTorch is a speed ratio: above 1, kobai is "
        "faster. PyTorch's figure is its fastest setting. Rows marked (reference) show NumPy "
        "alone, without kobai, in the kobai column.",
        "",
        "| Workload | Metric | kobai | PyTorch | kobai/PyTorch | Target |",
        "|---|---|---:|---:|---:|---|",
    ]
    for entry in summary.values():
        for m in entry["metrics"].values():
            lines.append(_metric_row(entry["title"], m))
    bounds = [(e["title"], e["gemm_bound"]) for e in summary.values() if "gemm_bound" in e]
    if bounds:
        lines += ["", "| MLP training | GEMM bound (steps/s) | kobai's fraction | Target |"]
        lines.append("|---|---:|---:|---|")
        for title, b in bounds:
            lines.append(
                f"| {title} | {number(b['steps_per_s'])} | {b['fraction']:.0%} | "
                f">= {b['target']:.0%}{_verdict(b['met'])} |"
            )
    lines += ["", "| Workload | peak RSS kobai (MiB) | peak RSS PyTorch (MiB) | Target |"]
    lines.append("|---|---:|---:|---|")
    for entry in summary.values():
        rss = entry["peak_rss_mb"]
        if rss["kobai"] is None and rss["torch"] is None:
            continue
        k = number(rss["kobai"]) if rss["kobai"] is not None else "-"
        t = number(rss["torch"]) if rss["torch"] is not None else "-"
        target = ("kobai <= PyTorch" + _verdict(rss["met"])) if "met" in rss else ""
        lines.append(f"| {entry['title']} | {k} | {t} | {target} |")
    return "\n".join(lines)
