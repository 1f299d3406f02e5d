"""A sweep's results: records, the results table and its fingerprint, and seed statistics."""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom.
T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
       2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
       2.060, 2.056, 2.052, 2.048, 2.045, 2.042)  # fmt: skip


class SweepResults(list):
    """The cells of a sweep as a list of records (dicts), in plan order.

    Each record has ``key``, ``config_key``, one entry per axis (``lr``, ``optimizer``, ...),
    ``replicate`` (the seed's index), ``seed`` (the training seed), ``status`` (``done``,
    ``diverged``, ``failed``, ``pending``, ``running``), ``epochs``, ``seconds``, ``run_dir``
    and the final metrics (``val_loss``, ``val_accuracy``, ``train_loss``, ...).

    In a notebook, :meth:`plot_metric_by_axis`, :meth:`plot_heatmap` and
    :meth:`plot_learning_curves` show the report's figures inline (each returns the Figure).

    Attributes
    ----------
    folder : Path
        The sweep directory.
    plan : Plan
    """

    def __init__(self, records: Sequence[dict[str, Any]], folder: Path, plan: Any) -> None:
        super().__init__(records)
        self.folder, self.plan = folder, plan

    def frame(self) -> Any:
        """The records as a pandas DataFrame (``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SweepResults.frame needs pandas: pip install pandas") from None
        # The metrics are columns of their own already; the nested dict would be one more.
        return pd.DataFrame([{k: v for k, v in r.items() if k != "metrics"} for r in self])

    def history(self, key: str) -> list[dict[str, Any]]:
        """The per-epoch rows of one cell (timings left out)."""
        from kobai.sweep.store import Store

        store = Store.open(self.folder)
        try:
            return store.history(key)
        finally:
            store.close()

    def table(self) -> str:
        """The results as CSV text: key, status, epochs and every final metric, floats
        written exactly (``repr``). Equal tables mean equal results, to the bit."""
        metrics = sorted({m for r in self for m in r["metrics"]})
        lines = [",".join(["key", "status", "epochs", *metrics])]
        for r in self:
            values = [_exact(r["metrics"].get(m)) for m in metrics]
            lines.append(",".join([f'"{r["key"]}"', r["status"], str(r["epochs"]), *values]))
        return "\n".join(lines) + "\n"

    def sha256(self) -> str:
        """sha256 of :meth:`table`."""
        return hashlib.sha256(self.table().encode()).hexdigest()

    def plot_metric_by_axis(
        self,
        axis: str,
        path: str | os.PathLike[str] | None = None,
        *,
        metric: str | None = None,
        goal: str | None = None,
    ) -> Any:
        """The final metric against ``axis`` (mean and 95% interval over seeds, one line per
        optimizer): the Figure, which a notebook shows inline, or with ``path`` the PNG and SVG
        written. See :func:`kobai.sweep.figures.plot_metric_by_axis`.

        >>> results.plot_metric_by_axis("lr")  # doctest: +SKIP
        """
        from kobai.sweep.figures import plot_metric_by_axis

        return plot_metric_by_axis(self, axis, path, metric=metric, goal=goal)

    def plot_heatmap(
        self,
        rows: str,
        columns: str,
        path: str | os.PathLike[str] | None = None,
        *,
        metric: str | None = None,
        goal: str | None = None,
    ) -> Any:
        """The mean final metric for each (``rows``, ``columns``) pair: the Figure, or with
        ``path`` the files written. See :func:`kobai.sweep.figures.plot_heatmap`."""
        from kobai.sweep.figures import plot_heatmap

        return plot_heatmap(self, rows, columns, path, metric=metric, goal=goal)

    def plot_learning_curves(
        self, path: str | os.PathLike[str] | None = None, *, metric: str | None = None
    ) -> Any:
        """Each configuration's metric per epoch, mean and band over seeds, read from the
        sweep's store: the Figure, or with ``path`` the files written. See
        :func:`kobai.sweep.figures.plot_learning_curves`."""
        from kobai.sweep.figures import plot_learning_curves

        return plot_learning_curves(self, None, path, metric=metric)


def load(folder: str | Path) -> SweepResults:
    """The results of the sweep in ``folder`` (finished or not).

    Returns
    -------
    SweepResults
        A list of records; ``.frame()`` gives a pandas DataFrame when pandas is installed.
    """
    from kobai.sweep.store import Store

    store = Store.open(folder)
    try:
        plan = store.plan()
        records = []
        for row in store.records():
            record = {k: row[k] for k in ("key", "config_key")}
            record.update(row["params"])
            record.update({k: row[k] for k in ("replicate", "seed", "status", "epochs",
                                               "seconds", "attempts", "error")})  # fmt: skip
            record["run_dir"] = str(Path(folder) / row["run_dir"])
            record["metrics"] = row["metrics"]
            record.update({k: v for k, v in row["metrics"].items() if k not in record})
            records.append(record)
    finally:
        store.close()
    return SweepResults(records, Path(folder), plan)


def _exact(value: Any) -> str:
    return "" if value is None else repr(value)


def t95(df: int) -> float:
    """The two-sided 95% quantile of Student's t with ``df`` degrees of freedom (a table to
    30, then the Cornish-Fisher expansion, within 1e-3 of the exact value)."""
    if df < 1:
        return math.nan
    if df <= len(T95):
        return T95[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and the 95% confidence interval of the mean over seeds (Student's t).

    .. math:: \\bar x \\pm t_{0.975, n-1} \\, s / \\sqrt{n}

    Returns ``(mean, low, high)``; NaN everywhere if any value is missing or not finite (a
    configuration that diverged for one seed has no mean), the mean alone for one value.
    """
    xs = [float(v) for v in values if v is not None]
    if not xs or len(xs) != len(values) or not all(math.isfinite(v) for v in xs):
        return math.nan, math.nan, math.nan
    n = len(xs)
    mean = math.fsum(xs) / n
    if n == 1:
        return mean, mean, mean
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in xs) / (n - 1))
    half = t95(n - 1) * std / math.sqrt(n)
    return mean, mean - half, mean + half
