"""Seed statistics, the fair race, learning-rate sensitivity and the report page."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kobai.cli.main import main
from kobai.sweep import SweepResults, mean_interval, parse_plan
from kobai.sweep.analysis import best_configuration, configurations, fair_race, sensitivity
from kobai.sweep.results import t95

# Mean final val_loss of each (optimizer, lr); the three seeds sit at mean - 0.01, mean, + 0.01.
MEANS = {("sgd", 0.01): 0.9, ("sgd", 0.1): 0.2, ("sgd", 1.0): 0.25,
         ("adam", 0.01): 0.3, ("adam", 0.1): 0.1, ("adam", 1.0): 0.5}  # fmt: skip


def synthetic(diverged: tuple[str, float] | None = None) -> SweepResults:
    plan = parse_plan({"base": {"data": "xor", "model": "mlp:4", "epochs": 1},
                       "axes": {"optimizer": ["sgd", "adam"], "lr": [0.01, 0.1, 1.0]},
                       "seeds": 3})  # fmt: skip
    records = []
    for cell in plan.cells():
        key = (cell.params["optimizer"], cell.params["lr"])
        value = MEANS[key] + (cell.replicate - 1) * 0.01
        status = "diverged" if key == diverged and cell.replicate == 2 else "done"
        records.append({"key": cell.key, "config_key": cell.config_key, **cell.params,
                        "replicate": cell.replicate, "status": status, "epochs": 1,
                        "metrics": {"val_loss": value}})  # fmt: skip
    return SweepResults(records, Path("."), plan)


def test_mean_and_95_percent_interval_over_seeds() -> None:
    mean, low, high = mean_interval([1.0, 2.0, 3.0])
    half = 4.303 * 1.0 / math.sqrt(3)
    assert (mean, low, high) == pytest.approx((2.0, 2.0 - half, 2.0 + half), rel=1e-12)
    assert mean_interval([5.0]) == (5.0, 5.0, 5.0)
    assert all(math.isnan(v) for v in mean_interval([1.0, math.nan]))
    # Student's t: the table, then the expansion (exact values 2.0211 and 1.9840).
    assert t95(1) == 12.706 and t95(30) == 2.042
    assert t95(40) == pytest.approx(2.0211, abs=1e-3) and t95(100) == pytest.approx(
        1.9840, abs=1e-3
    )


def test_configurations_best_and_diverged_seeds() -> None:
    groups = {g["config_key"]: g for g in configurations(synthetic())}
    assert groups["optimizer=sgd,lr=0.1"]["mean"] == pytest.approx(0.2)
    assert groups["optimizer=sgd,lr=0.1"]["std"] == pytest.approx(0.01)
    assert best_configuration(synthetic())["config_key"] == "optimizer=adam,lr=0.1"
    # One diverged seed takes the configuration out of the ranking.
    hurt = synthetic(diverged=("adam", 0.1))
    assert best_configuration(hurt)["config_key"] == "optimizer=sgd,lr=0.1"
    assert {g["config_key"]: g["diverged"] for g in configurations(hurt)}[
        "optimizer=adam,lr=0.1"
    ] == 1


def test_fair_race_gives_every_optimizer_the_same_trials() -> None:
    rows = fair_race(synthetic())
    assert [(r["optimizer"], r["trials"], r["config_key"]) for r in rows] == [
        ("sgd", 3, "optimizer=sgd,lr=0.1"), ("adam", 3, "optimizer=adam,lr=0.1"),
    ]  # fmt: skip
    assert rows[1]["mean"] == pytest.approx(0.1) and rows[1]["n"] == 3
    one = fair_race(synthetic(), budget=1)
    assert [r["trials"] for r in one] == [1, 1] and one == fair_race(synthetic(), budget=1)


def test_sensitivity_is_the_width_of_the_good_learning_rates() -> None:
    # Slack: 10% of the sweep's range (0.9 - 0.1); sgd's 0.2 and 0.25 are good, adam's 0.1 only.
    rows = {r["optimizer"]: r for r in sensitivity(synthetic())}
    assert rows["sgd"]["best_lr"] == 0.1 and rows["sgd"]["good"] == 2
    assert (rows["sgd"]["low"], rows["sgd"]["high"]) == (0.1, 1.0)
    assert rows["sgd"]["decades"] == pytest.approx(1.0)
    assert rows["adam"]["good"] == 1 and rows["adam"]["decades"] == 0.0


def test_report_writes_figures_and_one_self_contained_page(kill_reference, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report"
    assert main(["sweep", "report", str(kill_reference.folder), "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    for stem in ("val_loss_by_lr", "val_loss_by_optimizer", "heatmap_optimizer_lr",
                 "learning_curves"):  # fmt: skip
        assert {f"{stem}.png", f"{stem}.svg"} <= names
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 4 and 'src="val_loss' not in page
    assert "Fair race: each optimizer" in page and "Sensitivity to lr" in page
    assert kill_reference.sha256() in page


def test_report_of_an_unknown_metric_is_one_line(kill_reference, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = str(kill_reference.folder)
    assert main(["sweep", "report", folder, "--metric", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no metric 'nope' in the results; metrics: epoch, grad_norm" in err


def test_the_race_takes_the_axes_there_are() -> None:
    from kobai.sweep.report import _race_axes

    assert _race_axes(synthetic()) == ("optimizer", "lr")
    plan = parse_plan({"base": {"data": "xor", "model": "mlp:4", "epochs": 1},
                       "axes": {"activation": ["relu", "tanh"], "batch_size": [8, 32],
                                "dropout": [0.0]}})  # fmt: skip
    records = [{"key": c.key, "config_key": c.config_key, **c.params} for c in plan.cells()]
    assert _race_axes(SweepResults(records, Path("."), plan)) == ("activation", "batch_size")


def test_report_in_japanese(kill_reference, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import warnings

    from kobai.i18n import set_language

    out = tmp_path / "report"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            argv = [
                "--lang",
                "ja",
                "sweep",
                "report",
                str(kill_reference.folder),
                "--out",
                str(out),
            ]
            assert main(argv) == 0
    finally:
        set_language(None)
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    page = (out / "report.md").read_text()
    assert "## 公平な競争: 各 optimizer を同じ試行回数で調整" in page
    assert "## lr に対する感度" in page and "## すべての設定" in page
    assert "| 設定 | 完了したシード | 発散 |" in page
    assert f"結果の表の sha256: `{kill_reference.sha256()}`。" in page
    assert '<html lang="ja">' in (out / "report.html").read_text()
