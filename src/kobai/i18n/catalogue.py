"""Every message of kobai's figures and tables, in English and Japanese.

Keys are ``area.name``; values are ``{"en": ..., "ja": ...}`` with ``str.format`` fields
that both languages share (a test checks both). Mathematical notation (f(xₜ), λ_max, lr)
stays as it is in Japanese: it is what the source tutorials write.
"""

from __future__ import annotations

from kobai.i18n.messages_cli import CLI
from kobai.i18n.messages_curvature import CURVATURE
from kobai.i18n.messages_figures import FIGURES
from kobai.i18n.messages_findings import FINDINGS
from kobai.i18n.messages_reports import REPORTS
from kobai.i18n.messages_studies import STUDIES
from kobai.i18n.messages_vanishing import VANISHING
from kobai.i18n.messages_web import WEB

CORE: dict[str, dict[str, str]] = {
    # Learning curves (kobai.viz.curves)
    "curves.title": {"en": "Learning curves", "ja": "学習曲線"},
    "curves.title_model": {
        "en": "Learning curves: {model} on {data}",
        "ja": "学習曲線: {data} での {model}",
    },
    "curves.title_of": {"en": "Learning curves of {name}", "ja": "{name} の学習曲線"},
    "curves.epoch": {"en": "epoch", "ja": "エポック"},
    "curves.wall_time": {"en": "wall time (s)", "ja": "経過時間 (秒)"},
    "curves.loss": {"en": "loss", "ja": "損失"},
    "curves.loss_log": {"en": "loss (log scale)", "ja": "損失 (対数目盛)"},
    "curves.loss_title": {"en": "Loss", "ja": "損失"},
    "curves.accuracy": {"en": "accuracy", "ja": "正解率"},
    "curves.accuracy_title": {"en": "Accuracy", "ja": "正解率"},
    "curves.r2_title": {"en": "R²", "ja": "決定係数 R²"},
    "curves.sharpness_label": {"en": "λ_max of the Hessian", "ja": "ヘッセ行列の λ_max"},
    "curves.sharpness_title": {"en": "Sharpness", "ja": "シャープネス"},
    "curves.train": {"en": "train", "ja": "訓練"},
    "curves.validation": {"en": "validation", "ja": "検証"},
    "curves.test": {"en": "test", "ja": "テスト"},
    # Descent pictures (kobai.viz.descent)
    "descent.converged": {"en": "converged", "ja": "収束"},
    "descent.diverged": {"en": "diverged", "ja": "発散"},
    "descent.diverged_at": {"en": "diverged at step {step}", "ja": "ステップ {step} で発散"},
    "descent.running": {"en": "running", "ja": "未収束"},
    "descent.crawling": {"en": "crawling", "ja": "停滞"},
    "descent.converged_at": {"en": "converged at step {step}", "ja": "ステップ {step} で収束"},
    "descent.status.diverging": {"en": "diverging", "ja": "発散しつつある"},
    "descent.status.converging": {"en": "converging", "ja": "収束しつつある"},
    "descent.status.oscillating": {"en": "oscillating", "ja": "振動"},
    "descent.status.crawling": {"en": "crawling", "ja": "停滞"},
    "descent.status.unfinished": {"en": "unfinished", "ja": "未完了"},
    "descent.why.diverged": {"en": "left every bound", "ja": "あらゆる範囲を超えた"},
    "descent.why.converged": {
        "en": "gradient and steps below tolerance",
        "ja": "勾配とステップが許容値未満",
    },
    "descent.why.diverging": {"en": "f − f* keeps growing", "ja": "f − f* が増え続ける"},
    "descent.why.converging": {
        "en": "within 0.1 % of the start's gap to f*",
        "ja": "f* との差が初期値の 0.1 % 以内",
    },
    "descent.why.oscillating": {
        "en": "bouncing back and forth, no progress",
        "ja": "行ったり来たりで進まない",
    },
    "descent.why.crawling": {
        "en": "under 1 % of the way to f*",
        "ja": "f* までの道のりの 1 % 未満",
    },
    "descent.why.unfinished": {
        "en": "budget ended before nearing f*",
        "ja": "f* に近づく前に予算が尽きた",
    },
    "descent.gap_log": {"en": "f(xₜ) − f(x*)   (log scale)", "ja": "f(xₜ) − f(x*)   (対数目盛)"},
    "descent.value_log": {"en": "f(xₜ)   (log scale)", "ja": "f(xₜ)   (対数目盛)"},
    "descent.step": {"en": "step t", "ja": "ステップ t"},
    "descent.value_title": {
        "en": "Value against step (same budget, same start)",
        "ja": "ステップごとの関数値 (同じステップ数・同じ初期値)",
    },
    "descent.start": {"en": "start", "ja": "初期値"},
    "descent.global_minimum": {"en": "global minimum", "ja": "大域的最小値"},
    "descent.race_title": {
        "en": "Optimisers on {name}: {steps} steps from ({start})",
        "ja": "{name} 上の最適化手法: ({start}) から {steps} ステップ",
    },
    "descent.gd_title": {"en": "Gradient descent on {label}", "ja": "{label} の勾配降下法"},
    "descent.tangent": {"en": "tangent at xₜ (slope f′(xₜ))", "ja": "xₜ での接線 (傾き f′(xₜ))"},
    "descent.start_x0": {"en": "start x₀", "ja": "初期値 x₀"},
    "descent.rule_sgd": {
        "en": "each step: xₜ₊₁ = xₜ − lr · f′(xₜ)",
        "ja": "各ステップ: xₜ₊₁ = xₜ − lr · f′(xₜ)",
    },
    "descent.rule_other": {"en": "steps of {label}", "ja": "{label} のステップ"},
    # The single neuron (kobai.viz.neuron)
    "neuron.weight": {"en": "weight w", "ja": "重み w"},
    "neuron.bias": {"en": "bias b", "ja": "バイアス b"},
    "neuron.loss_wb": {"en": "loss L(w, b)", "ja": "損失 L(w, b)"},
    "neuron.path": {
        "en": "gradient descent ({label}, lr={lr:g}, {steps})",
        "ja": "勾配降下法 ({label}, lr={lr:g}, {steps})",
    },
    "neuron.start_wb": {"en": "start (w₀, b₀)", "ja": "初期値 (w₀, b₀)"},
    "neuron.quiver": {
        "en": "−∇L / |∇L|: steepest descent, at right angles to the contours",
        "ja": "−∇L / |∇L|: 最急降下方向 (等高線に直交)",
    },
    "neuron.true_wb": {"en": "true (w, b) of the data", "ja": "データの真の (w, b)"},
    "neuron.contour_title": {
        "en": "Contours of L(w, b) (log-spaced) and the descent path",
        "ja": "L(w, b) の等高線 (対数間隔) と降下の経路",
    },
    "neuron.samples": {"en": ", {n} samples", "ja": ", {n} サンプル"},
    "neuron.title": {
        "en": "Single neuron y = {activation}(w x + b), L = mean (y − t)²{samples}",
        "ja": "単一ニューロン y = {activation}(w x + b), L = mean (y − t)²{samples}",
    },
    "neuron.surface_title": {"en": "Loss surface over (w, b)", "ja": "(w, b) 上の損失曲面"},
    "neuron.paths_title": {
        "en": "Paths over the contours of L(w, b)",
        "ja": "L(w, b) の等高線上の経路",
    },
    "neuron.full_batch": {"en": "full batch", "ja": "フルバッチ"},
    "neuron.stochastic": {"en": "stochastic (B = 1)", "ja": "確率的 (B = 1)"},
    "neuron.minibatch": {"en": "mini-batch (B = {size})", "ja": "ミニバッチ (B = {size})"},
    "neuron.leaves": {
        "en": "the path leaves the plotted range",
        "ja": "経路が描画範囲の外に出ています",
    },
    "neuron.steps": {"en": "{n} steps", "ja": "{n} ステップ"},
    "neuron.update_step": {"en": "update step", "ja": "更新ステップ"},
    "neuron.loss_all_log": {
        "en": "loss on all the data (log scale)",
        "ja": "全データでの損失 (対数目盛)",
    },
    "neuron.loss_after_title": {
        "en": "Loss after each update (same number of updates)",
        "ja": "各更新後の損失 (同じ更新回数)",
    },
    "neuron.batch_title": {
        "en": "Batch, mini-batch and stochastic gradient descent: y = {activation}(w x + b)",
        "ja": "バッチ・ミニバッチ・確率的勾配降下法: y = {activation}(w x + b)",
    },
    # The activation gallery (kobai.viz.activations)
    "act.title": {
        "en": "Activations f(x) (solid) and their derivatives f′(x) (dashed)",
        "ja": "活性化関数 f(x) (実線) とその導関数 f′(x) (破線)",
    },
    "act.compare_title": {
        "en": "derivatives compared (vanishing gradients)",
        "ja": "導関数の比較 (勾配消失)",
    },
    "act.compare_note": {
        "en": "0.25: through each sigmoid the gradient\nshrinks at least 4-fold (weights aside)",
        "ja": "0.25: シグモイドを通るたびに勾配は\n少なくとも 1/4 に縮む (重みは別として)",
    },
    "act.note.sigmoid": {"en": "range (0, 1), not zero-centred", "ja": "値域 (0, 1), 0 中心でない"},
    "act.note.tanh": {"en": "range (−1, 1), zero-centred", "ja": "値域 (−1, 1), 0 中心"},
    "act.note.relu": {
        "en": "f′ = 0 for x < 0: dead neurons",
        "ja": "x < 0 で f′ = 0: 死んだニューロン",
    },
    "act.note.leaky_relu": {"en": "slope 0.01 for x < 0", "ja": "x < 0 で傾き 0.01"},
    "act.note.prelu": {
        "en": "learned slope (init 0.25) for x < 0",
        "ja": "x < 0 で学習される傾き (初期値 0.25)",
    },
    "act.note.elu": {"en": "smooth, saturates at −α", "ja": "滑らか, −α で飽和"},
    "act.note.gelu": {"en": "x Φ(x)", "ja": "x Φ(x)"},
    "act.note.softplus": {"en": "smooth ReLU, f′ = sigmoid", "ja": "滑らかな ReLU, f′ = sigmoid"},
    "act.note.silu": {
        "en": "x σ(x), dips below 0 (swish)",
        "ja": "x σ(x), 0 より下にくぼむ (swish)",
    },
    "act.note.mish": {"en": "x tanh(softplus(x)), smooth", "ja": "x tanh(softplus(x)), 滑らか"},
    "act.note.selu": {"en": "scaled ELU, self-normalising", "ja": "スケールした ELU, 自己正規化"},
    "act.note.hardtanh": {
        "en": "clamp to [−1, 1], f′ = 0 outside",
        "ja": "[−1, 1] に制限, 外側で f′ = 0",
    },
    "act.note.relu6": {"en": "ReLU capped at 6", "ja": "上限 6 の ReLU"},
    "act.note.log_sigmoid": {"en": "log σ(x) = −softplus(−x)", "ja": "log σ(x) = −softplus(−x)"},
    "act.note.softsign": {
        "en": "x / (1 + |x|), slow saturation",
        "ja": "x / (1 + |x|), ゆっくり飽和",
    },
    "act.note.softmax": {
        "en": "of (x, 0): first output = sigmoid(x)",
        "ja": "(x, 0) に適用: 第 1 出力 = sigmoid(x)",
    },
    "act.note.log_softmax": {"en": "of (x, 0): first output", "ja": "(x, 0) に適用: 第 1 出力"},
    "act.note.identity": {"en": "no non-linearity", "ja": "非線形性なし"},
    # The frame of a study's report (kobai.studies.base)
    "report.quick": {"en": "quick settings", "ja": "簡易設定"},
    "report.default": {"en": "default settings", "ja": "既定の設定"},
    "report.document": {"en": "document", "ja": "資料"},
    "report.documents": {"en": "documents", "ja": "資料"},
    "report.subtitle": {
        "en": "kobai study {name} · source {documents} {source}",
        "ja": "kobai study {name} · 出典{documents} {source}",
    },
    "report.claim": {"en": "The claim", "ja": "主張"},
    "report.headlines": {"en": "Headline numbers", "ja": "主要な数値"},
    "report.quantity": {"en": "quantity", "ja": "量"},
    "report.value": {"en": "value", "ja": "値"},
    "report.findings": {"en": "What the numbers say", "ja": "数値が示すこと"},
    "report.findings_quick": {
        "en": "What these quick numbers say",
        "ja": "簡易設定の数値が示すこと",
    },
    "report.reproduce": {"en": "Reproduce", "ja": "再現"},
    "report.made_with": {
        "en": "This page was made with the {mode} and seed {seed} in {seconds:.1f} s. The same "
        "command gives the same numbers (timings aside):",
        "ja": "このページは{mode}とシード {seed} で {seconds:.1f} 秒かけて作られました。"
        "同じコマンドで同じ数値が得られます (時間を除く):",
    },
    "report.from_python": {"en": "or from Python", "ja": "または Python から"},
    # Lines of the commands (kobai.cli)
    "cli.wrote": {"en": "wrote {path}", "ja": "書き出し: {path}"},
    "cli.curves_epoch": {
        "en": "learning curves against epoch: {paths}",
        "ja": "エポックに対する学習曲線: {paths}",
    },
    "cli.curves_time": {
        "en": "learning curves against time: {paths}",
        "ja": "経過時間に対する学習曲線: {paths}",
    },
    # kobai train's summary (kobai.cli.train)
    "train.header": {
        "en": "kobai train: {model} on {data} ({n_train} train, {n_test} test), {optimizer}, "
        "{schedule}, {epochs} epochs -> {run_dir}",
        "ja": "kobai train: {data} で {model} ({n_train} 訓練, {n_test} テスト), {optimizer}, "
        "{schedule}, {epochs} エポック -> {run_dir}",
    },
    "train.col.loss": {"en": "loss", "ja": "損失"},
    "train.col.accuracy": {"en": "accuracy", "ja": "正解率"},
    "train.col.rmse": {"en": "rmse", "ja": "RMSE"},
    "train.col.r2": {"en": "r2", "ja": "決定係数"},
    "train.default_lr": {"en": "default lr", "ja": "既定の lr"},
    "train.full_batch": {"en": "full batch", "ja": "フルバッチ"},
    "train.batch": {"en": "batch {size}", "ja": "バッチ {size}"},
    "train.constant_lr": {"en": "constant lr", "ja": "一定の lr"},
    "train.title": {
        "en": "MLP {net} ({activation}) on {data}: ",
        "ja": "{data} での MLP {net} ({activation}): ",
    },
    "train.row.train": {"en": "train", "ja": "訓練"},
    "train.row.test": {"en": "test", "ja": "テスト"},
    "train.time": {
        "en": "time: {seconds:.1f} s for {epochs} epochs",
        "ja": "時間: {epochs} エポックで {seconds:.1f} 秒",
    },
    "train.stopped_early": {"en": "stopped early: {reason}", "ja": "早期終了: {reason}"},
    # kobai gradcheck's table (kobai.cli.gradcheck)
    "gradcheck.order": {
        "en": "{order} derivatives: backprop through create_graph=True vs finite differences",
        "ja": "{order}: create_graph=True を通した逆伝播と差分近似の比較",
    },
    "gradcheck.second": {"en": "second", "ja": "2 階微分"},
    "gradcheck.third": {"en": "third", "ja": "3 階微分"},
    "gradcheck.case": {"en": "case", "ja": "ケース"},
    "gradcheck.kind": {"en": "kind", "ja": "種類"},
    "gradcheck.max_abs": {"en": "max abs err", "ja": "最大絶対誤差"},
    "gradcheck.max_rel": {"en": "max rel err", "ja": "最大相対誤差"},
    "gradcheck.result": {"en": "result", "ja": "結果"},
    "gradcheck.pass": {"en": "pass", "ja": "合格"},
    "gradcheck.fail": {"en": "FAIL {error}", "ja": "不合格 {error}"},
    "gradcheck.differ": {"en": "gradients differ", "ja": "勾配が一致しない"},
    "gradcheck.total": {
        "en": "{passed} passed, {failed} failed ({cases} cases, {seconds:.1f} s)",
        "ja": "合格 {passed}, 不合格 {failed} ({cases} ケース, {seconds:.1f} 秒)",
    },
    "train.run_dir": {
        "en": "run directory: {run_dir}  (learning curve: {figure})",
        "ja": "実行ディレクトリ: {run_dir}  (学習曲線: {figure})",
    },
}

# The other areas' messages live in their own modules (one catalogue, several files); a test
# checks that no key is defined twice.
PARTS: dict[str, dict[str, dict[str, str]]] = {
    "core": CORE,
    "cli": CLI,
    "curvature": CURVATURE,
    "figures": FIGURES,
    "findings": FINDINGS,
    "reports": REPORTS,
    "studies": STUDIES,
    "vanishing": VANISHING,
    "web": WEB,
}
MESSAGES: dict[str, dict[str, str]] = {k: v for part in PARTS.values() for k, v in part.items()}
