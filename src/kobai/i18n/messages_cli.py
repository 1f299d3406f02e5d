"""Messages of the commands' printed lines and tables (:mod:`kobai.cli`): kobai autoencoder,
kobai landscape and kobai study."""

from __future__ import annotations

CLI: dict[str, dict[str, str]] = {
    # kobai autoencoder: the columns of its printed table (the CSV keeps the English names)
    "ae.col.noise": {"en": "noise", "ja": "ノイズ"},
    "ae.col.psnr_noisy_db": {"en": "psnr_noisy_db", "ja": "PSNR ノイズあり (dB)"},
    "ae.col.psnr_denoised_db": {"en": "psnr_denoised_db", "ja": "PSNR 除去後 (dB)"},
    "ae.col.gain_db": {"en": "gain_db", "ja": "改善 (dB)"},
    "ae.col.test_mse_denoised": {"en": "test_mse_denoised", "ja": "テスト MSE (除去後)"},
    "ae.col.test_samples": {"en": "test_samples", "ja": "テストサンプル数"},
    "ae.col.method": {"en": "method", "ja": "手法"},
    "ae.col.normal": {"en": "normal", "ja": "正常クラス"},
    "ae.col.auc": {"en": "auc", "ja": "AUC"},
    "ae.col.threshold": {"en": "threshold", "ja": "しきい値"},
    "ae.col.precision": {"en": "precision", "ja": "適合率"},
    "ae.col.recall": {"en": "recall", "ja": "再現率"},
    "ae.col.false_positive_rate": {"en": "false_positive_rate", "ja": "偽陽性率"},
    "ae.col.k": {"en": "k", "ja": "k"},
    "ae.col.autoencoder_mse": {"en": "autoencoder_mse", "ja": "AE の MSE"},
    "ae.col.pca_mse": {"en": "pca_mse", "ja": "PCA の MSE"},
    "ae.col.improvement": {"en": "improvement", "ja": "改善"},
    "ae.col.autoencoder_auc": {"en": "autoencoder_auc", "ja": "AE の AUC"},
    "ae.col.pca_auc": {"en": "pca_auc", "ja": "PCA の AUC"},
    "ae.col.autoencoder_precision": {"en": "autoencoder_precision", "ja": "AE の適合率"},
    "ae.col.pca_precision": {"en": "pca_precision", "ja": "PCA の適合率"},
    "ae.col.autoencoder_recall": {"en": "autoencoder_recall", "ja": "AE の再現率"},
    "ae.col.pca_recall": {"en": "pca_recall", "ja": "PCA の再現率"},
    "ae.cli.header": {
        "en": "kobai autoencoder {use}: {spec} -> {run_dir}",
        "ja": "kobai autoencoder {use}: {spec} -> {run_dir}",
    },
    "ae.cli.scaled": {
        "en": "note: {data} was min-max scaled to [0, 1] with the training range",
        "ja": "注: {data} は訓練データの範囲で [0, 1] に min-max スケーリングしました",
    },
    "ae.cli.not_images": {
        "en": "note: {data} samples are not square images: no image figures",
        "ja": "注: {data} のサンプルは正方形の画像ではないため、画像の図は描きません",
    },
    "cli.time": {"en": "time: {seconds:.1f} s", "ja": "時間: {seconds:.1f} 秒"},
    "ae.cli.run_dir": {
        "en": "run directory: {run_dir}  (figures: {figures})",
        "ja": "実行ディレクトリ: {run_dir}  (図: {figures})",
    },
    # kobai landscape's lines (kobai.cli.landscape)
    "land.cli.header": {
        "en": "kobai landscape: {title}, {samples} {split} samples, {n} x {n} grid, "
        "{seconds:.1f} s",
        "ja": "kobai landscape: {title}, {split} サンプル {samples} 個, {n} x {n} の格子, "
        "{seconds:.1f} 秒",
    },
    "land.cli.trained": {
        "en": "trained model: loss {loss}, {metric} {value}",
        "ja": "学習済みモデル: 損失 {loss}, {metric} {value}",
    },
    "land.cli.pca": {
        "en": "plane: PCA of the training path ({points} points), explained variance "
        "{first} + {second}",
        "ja": "平面: 学習経路の PCA ({points} 点), 説明された分散 {first} + {second}",
    },
    "land.cli.random": {
        "en": "plane: two {norm}-normalised random directions",
        "ja": "平面: {norm} 正規化した 2 つのランダムな方向",
    },
    "land.cli.no_path": {
        "en": "note: no training path: {how}",
        "ja": "注: 学習経路がありません: {how}",
    },
    "land.cli.rebuilt": {
        "en": "initial parameters: rebuilt from config.json's seed (no epoch-0 checkpoint)",
        "ja": "初期パラメータ: config.json のシードから再構築 (エポック 0 のチェックポイントなし)",
    },
    "land.cli.numbers": {"en": "numbers", "ja": "数値"},
    "land.cli.slice": {"en": "slice", "ja": "断面"},
    "land.cli.interpolation": {"en": "interpolation", "ja": "補間"},
    "land.cli.contour": {"en": "contour", "ja": "等高線"},
    "land.cli.surface": {"en": "surface", "ja": "曲面"},
    # kobai study's lines (kobai.cli.study)
    "study.cli.report": {"en": "report: {path}", "ja": "レポート: {path}"},
    "study.cli.list": {"en": "{title} (source {source})", "ja": "{title} (出典 {source})"},
    "study.cli.seed": {"en": "seed {seed}", "ja": "シード {seed}"},
    "study.cli.seed_quick": {"en": "seed {seed}, quick", "ja": "シード {seed}, 簡易設定"},
    "study.cli.col.study": {"en": "study", "ja": "研究"},
    "study.cli.col.report": {"en": "report", "ja": "レポート"},
    "study.cli.col.seconds": {"en": "seconds", "ja": "秒"},
    "study.cli.index": {"en": "index of the reports: {path}", "ja": "レポートの一覧: {path}"},
    # kobai sweep report: its page (kobai.sweep.report) and figures (kobai.sweep.figures)
    "sweep.title": {"en": "Sweep {name}", "ja": "スイープ {name}"},
    "sweep.subtitle": {
        "en": "{runs} runs, {configs} configurations x {seeds} seeds; {metric} ({better})",
        "ja": "{runs} 回の実行, {configs} 通りの設定 x シード {seeds} 個; {metric} ({better})",
    },
    "sweep.lower": {"en": "lower is better", "ja": "小さいほど良い"},
    "sweep.higher": {"en": "higher is better", "ja": "大きいほど良い"},
    "sweep.sha": {"en": "Results table sha256: `{sha}`.", "ja": "結果の表の sha256: `{sha}`。"},
    "sweep.cells": {"en": "Cells: {counts}.", "ja": "セル: {counts}。"},
    "sweep.by_axis": {"en": "Final metric against each axis", "ja": "各軸に対する最終的な指標"},
    "sweep.by_axis_caption": {
        "en": "final {metric} against {axis}: mean, 95% interval over seeds",
        "ja": "{axis} に対する最終的な {metric}: シードについての平均と 95% 区間",
    },
    "sweep.heatmap_caption": {
        "en": "mean final {metric} over seeds",
        "ja": "シードについての最終的な {metric} の平均",
    },
    "sweep.curves": {"en": "Learning curves", "ja": "学習曲線"},
    "sweep.curves_caption": {
        "en": "{metric} per epoch; bands span the seeds",
        "ja": "エポックごとの {metric}; 帯はシードの範囲",
    },
    "sweep.race": {
        "en": "Fair race: each {by} tuned with the same number of trials",
        "ja": "公平な競争: 各 {by} を同じ試行回数で調整",
    },
    "sweep.col.trials": {"en": "trials", "ja": "試行回数"},
    "sweep.col.best_config": {"en": "best configuration", "ja": "最良の設定"},
    "sweep.col.mean": {"en": "mean {metric}", "ja": "{metric} の平均"},
    "sweep.col.interval": {"en": "95% interval", "ja": "95% 区間"},
    "sweep.col.std": {"en": "std over seeds", "ja": "シードについての標準偏差"},
    "sweep.col.seeds": {"en": "seeds", "ja": "シード数"},
    "sweep.all_diverged": {"en": "all diverged", "ja": "すべて発散"},
    "sweep.sensitivity": {"en": "Sensitivity to {along}", "ja": "{along} に対する感度"},
    "sweep.sensitivity_text": {
        "en": "A value of {along} is *good* when its mean is within 10% of the metric's range "
        "over the sweep of the {by}'s best; the width is the span of good values in decades "
        "(wider: easier to tune).",
        "ja": "{along} の値は、その平均が {by} の最良値からスイープ全体の指標の範囲の 10% 以内に"
        "あるとき*良い*とする。幅は良い値の範囲を桁数で表したもの (広いほど調整しやすい)。",
    },
    "sweep.col.best": {"en": "best {along}", "ja": "最良の {along}"},
    "sweep.col.good_values": {"en": "good values", "ja": "良い値"},
    "sweep.col.good_range": {"en": "good range", "ja": "良い範囲"},
    "sweep.col.width": {"en": "width (decades)", "ja": "幅 (桁)"},
    "sweep.good_of": {"en": "{good} of {tried}", "ja": "{tried} 個中 {good} 個"},
    "sweep.every": {"en": "Every configuration", "ja": "すべての設定"},
    "sweep.col.config": {"en": "configuration", "ja": "設定"},
    "sweep.col.done": {"en": "seeds done", "ja": "完了したシード"},
    "sweep.col.diverged": {"en": "diverged", "ja": "発散"},
    "sweep.base": {"en": "(base)", "ja": "(基本設定)"},
    "sweep.fig.best_other": {"en": "best over the other axes", "ja": "他の軸での最良値"},
    "sweep.fig.final": {"en": "final {metric}", "ja": "最終的な {metric}"},
    "sweep.fig.by_axis": {
        "en": "{metric} against {axis}: mean and 95% interval over seeds (x: diverged)",
        "ja": "{axis} に対する {metric}: シードについての平均と 95% 区間 (x: 発散)",
    },
    "sweep.fig.mean_final": {"en": "mean final {metric}", "ja": "最終的な {metric} の平均"},
    "sweep.fig.heatmap": {
        "en": "{metric}: {rows} x {columns} (mean over seeds)",
        "ja": "{metric}: {rows} x {columns} (シードについての平均)",
    },
    "sweep.fig.curves": {
        "en": "{metric} per epoch: mean over seeds, band from lowest to highest seed",
        "ja": "エポックごとの {metric}: シードについての平均, 帯は最低から最高のシードまで",
    },
}
