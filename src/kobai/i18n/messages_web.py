"""The playground's messages (:mod:`kobai.web`): its labels, buttons, tabs and sentences.

Fields are plain ``{name}`` (the page's own formatter knows no format specs). The page keeps
its English text in ``index.html`` as well, and a test checks that both say the same.
"""

from __future__ import annotations

WEB: dict[str, dict[str, str]] = {
    # The bar: language switch, tabs, copy buttons
    "web.language": {"en": "language", "ja": "言語"},
    "web.tab.race": {"en": "Optimizers on a surface", "ja": "曲面上の最適化手法"},
    "web.tab.network": {"en": "Tiny network", "ja": "小さなネットワーク"},
    "web.tab.backprop": {"en": "Backprop", "ja": "誤差逆伝播法"},
    "web.copy_link": {"en": "Copy link", "ja": "リンクをコピー"},
    "web.copy_link.title": {
        "en": "copy a link that reproduces this view exactly",
        "ja": "この表示をそのまま再現するリンクをコピー",
    },
    "web.copy_python": {"en": "Copy as Python", "ja": "Python としてコピー"},
    "web.copy_python.title": {
        "en": "copy kobai code that computes the same numbers",
        "ja": "同じ数値を計算する kobai のコードをコピー",
    },
    "web.copied_link": {
        "en": "Link copied: it reproduces this view exactly.",
        "ja": "リンクをコピーしました: この表示をそのまま再現します。",
    },
    "web.copied_python": {
        "en": "Python code copied: run it to get the same numbers.",
        "ja": "Python コードをコピーしました: 実行すると同じ数値が得られます。",
    },
    "web.copy_blocked": {
        "en": "Copying is blocked here; the text is in the page's console.",
        "ja": "ここではコピーできません。テキストはページのコンソールにあります。",
    },
    "web.loading": {"en": "loading…", "ja": "読み込み中…"},
    # Shared controls
    "web.play": {"en": "Play", "ja": "再生"},
    "web.pause": {"en": "Pause", "ja": "一時停止"},
    "web.step": {"en": "Step", "ja": "1 ステップ"},
    "web.reset": {"en": "Reset", "ja": "リセット"},
    "web.speed": {"en": "speed", "ja": "速度"},
    "web.play.title": {"en": "play / pause", "ja": "再生 / 一時停止"},
    "web.step.title": {"en": "one step", "ja": "1 ステップ進む"},
    "web.reset.title": {"en": "back to the start", "ja": "最初に戻る"},
    "web.activation": {"en": "activation", "ja": "活性化関数"},
    "web.noise": {"en": "noise", "ja": "ノイズ"},
    "web.paused": {"en": "paused", "ja": "一時停止中"},
    # The race view
    "web.race.surface": {"en": "Surface", "ja": "曲面"},
    "web.race.run": {"en": "Run", "ja": "実行"},
    "web.race.steps": {"en": "steps", "ja": "ステップ数"},
    "web.race.instant": {"en": "Instant", "ja": "一括"},
    "web.race.live": {"en": "Live", "ja": "ライブ"},
    "web.race.optimizers": {"en": "Optimizers", "ja": "最適化手法"},
    "web.race.optimizers_hint": {
        "en": "race from the same start, same steps",
        "ja": "同じ初期値・同じステップ数で競争",
    },
    "web.race.add": {"en": "+ add an optimizer", "ja": "+ 最適化手法を追加"},
    "web.race.click_hint": {
        "en": "Click on the surface to set the start point.",
        "ja": "曲面をクリックすると初期値を設定できます。",
    },
    "web.race.per_optimizer": {"en": "{f} per optimizer", "ja": "最適化手法ごとの {f}"},
    "web.race.col.optimizer": {"en": "optimizer", "ja": "最適化手法"},
    "web.race.col.step": {"en": "step", "ja": "ステップ"},
    "web.race.step_t": {"en": "step t", "ja": "ステップ t"},
    "web.race.neuron": {
        "en": "single neuron: loss over (w, b)",
        "ja": "単一ニューロン: (w, b) 上の損失",
    },
    "web.race.custom": {"en": "your own formula…", "ja": "自分で数式を入力…"},
    "web.race.custom_label": {"en": "your formula in x and y", "ja": "x と y の数式"},
    "web.race.steps_per_s": {"en": "{n} steps/s", "ja": "毎秒 {n} ステップ"},
    "web.race.diverged_at": {"en": "diverged at step {step}", "ja": "ステップ {step} で発散"},
    "web.race.computed_in": {"en": "computed in {ms} ms", "ja": "計算時間 {ms} ms"},
    "web.race.status": {
        "en": "step {t} / {steps} ({mode}) · {parts}",
        "ja": "ステップ {t} / {steps} ({mode}) · {parts}",
    },
    "web.race.playing": {"en": "playing", "ja": "再生中"},
    "web.race.instant_mode": {"en": "instant", "ja": "一括"},
    "web.race.tooltip_step": {"en": "step {step}", "ja": "ステップ {step}"},
    "web.race.message.diverged": {
        "en": "diverged at step {step}: the values left every bound",
        "ja": "ステップ {step} で発散: 値があらゆる範囲を超えた",
    },
    "web.race.message.lr_too_large": {
        "en": "; lr {lr} is too large for this surface",
        "ja": "。lr {lr} はこの曲面には大きすぎる",
    },
    "web.race.message.converged_at": {
        "en": "converged at step {step}: {why}",
        "ja": "ステップ {step} で収束: {why}",
    },
    "web.race.message.status": {"en": "{status}: {meaning}", "ja": "{status}: {meaning}"},
    "web.status.diverged": {
        "en": "the values left every bound; the run stopped there",
        "ja": "値があらゆる範囲を超え、そこで停止した",
    },
    "web.status.converged": {
        "en": "the gradient and the steps fell below the tolerance and stayed there",
        "ja": "勾配とステップが許容値を下回り、そのまま留まった",
    },
    "web.status.diverging": {
        "en": "the gap f - f* grows: it ends above its start and keeps reaching new highs",
        "ja": "差 f - f* が増える: 初期値より上で終わり、最高値を更新し続ける",
    },
    "web.status.converging": {
        "en": "within 0.1 % of the starting gap to f*, still moving when the budget ended",
        "ja": "f* との差が初期値の 0.1 % 以内、ステップ数が尽きた時点でまだ動いている",
    },
    "web.status.oscillating": {
        "en": "no progress in the second half while the steps keep reversing direction",
        "ja": "後半は進まず、ステップの向きが反転し続ける",
    },
    "web.status.crawling": {
        "en": "less than 1 % of the way from f(x0) to f* (rate too small, or a plateau)",
        "ja": "f(x0) から f* までの道のりの 1 % 未満 (学習率が小さすぎるか、平坦な領域)",
    },
    "web.status.unfinished": {
        "en": "real progress, but the budget ended before the run came near f*",
        "ja": "進んではいるが、f* に近づく前にステップ数が尽きた",
    },
    "web.race.remove": {"en": "remove this optimizer", "ja": "この最適化手法を削除"},
    "web.race.optimizer": {"en": "optimizer", "ja": "最適化手法"},
    "web.hyper.lr": {"en": "learning rate", "ja": "学習率"},
    "web.hyper.lr_log": {"en": "learning rate (log scale)", "ja": "学習率 (対数目盛)"},
    "web.hyper.momentum": {"en": "momentum", "ja": "モーメンタム"},
    "web.hyper.decay_rate": {"en": "decay rate", "ja": "減衰率"},
    # The network view
    "web.net.data": {"en": "Data", "ja": "データ"},
    "web.net.points": {"en": "points", "ja": "点の数"},
    "web.net.seed": {"en": "seed", "ja": "シード"},
    "web.net.network": {"en": "Network", "ja": "ネットワーク"},
    "web.net.hidden": {"en": "hidden layers", "ja": "隠れ層"},
    "web.net.training": {"en": "Training", "ja": "学習"},
    "web.net.batch": {"en": "batch size", "ja": "バッチサイズ"},
    "web.net.full_batch": {"en": "full batch", "ja": "フルバッチ"},
    "web.net.per_frame": {"en": "{n} steps/frame", "ja": "1 フレーム {n} ステップ"},
    "web.net.per_frame_one": {"en": "1 step/frame", "ja": "1 フレーム 1 ステップ"},
    "web.net.loss_title": {
        "en": "Training loss (cross-entropy of each mini-batch)",
        "ja": "訓練損失 (各ミニバッチの交差エントロピー)",
    },
    "web.net.step_axis": {
        "en": "step (one mini-batch update)",
        "ja": "ステップ (ミニバッチ 1 回の更新)",
    },
    "web.net.step": {"en": "step", "ja": "ステップ"},
    "web.net.epoch": {"en": "epoch", "ja": "エポック"},
    "web.net.epoch_value": {
        "en": "{epoch} ({steps} steps each)",
        "ja": "{epoch} (1 エポック {steps} ステップ)",
    },
    "web.net.loss": {"en": "loss", "ja": "損失"},
    "web.net.accuracy": {"en": "accuracy", "ja": "正解率"},
    "web.net.parameters": {"en": "parameters", "ja": "パラメータ数"},
    "web.net.fps": {"en": "frames / s", "ja": "フレーム / 秒"},
    "web.net.status": {
        "en": "step {step} · epoch {epoch} · loss {loss} · accuracy {accuracy} %",
        "ja": "ステップ {step} · エポック {epoch} · 損失 {loss} · 正解率 {accuracy} %",
    },
    "web.net.frames_per_s": {"en": "{fps} frames/s", "ja": "毎秒 {fps} フレーム"},
    # The backprop view
    "web.bp.formula": {"en": "Formula", "ja": "数式"},
    "web.bp.variables_hint": {
        "en": "Variables x y z w b t a c; + − × ÷ **, exp, log, sigmoid, tanh, sin, …",
        "ja": "変数 x y z w b t a c; + − × ÷ **, exp, log, sigmoid, tanh, sin, …",
    },
    "web.bp.values": {"en": "Values", "ja": "値"},
    "web.bp.backward": {"en": "Backward", "ja": "逆伝播"},
    "web.bp.step.title": {
        "en": "send the gradient back through one more node",
        "ja": "勾配をもう 1 つのノードへ逆向きに伝える",
    },
    "web.bp.back": {"en": "Back", "ja": "戻る"},
    "web.bp.back.title": {"en": "one step back", "ja": "1 ステップ戻る"},
    "web.bp.end": {"en": "To the end", "ja": "最後まで"},
    "web.bp.end.title": {"en": "all the way to the inputs", "ja": "入力まで一気に"},
    "web.bp.reset.title": {"en": "forward values only", "ja": "順伝播の値だけに戻す"},
    "web.bp.keys_hint": {"en": "← and → step back and forth.", "ja": "← と → で前後に進めます。"},
    "web.bp.check": {"en": "Check", "ja": "検証"},
    "web.bp.check_button": {
        "en": "Check against numerical derivatives",
        "ja": "数値微分と照合する",
    },
    "web.bp.check.title": {"en": "compare with central differences", "ja": "中心差分と比べる"},
    "web.bp.this_step": {
        "en": "This step: local derivative × upstream gradient",
        "ja": "このステップ: 局所的な微分 × 上流の勾配",
    },
    "web.bp.input_grads": {"en": "Gradients of the inputs", "ja": "入力の勾配"},
    "web.bp.col.backprop": {"en": "backprop", "ja": "逆伝播"},
    "web.bp.col.numerical": {"en": "numerical", "ja": "数値微分"},
    "web.bp.col.difference": {"en": "|difference|", "ja": "|差|"},
    "web.bp.value_of": {"en": "value of {name}", "ja": "{name} の値"},
    "web.bp.status": {
        "en": "{expr} = {value} · backward step {at} of {steps}",
        "ja": "{expr} = {value} · 逆伝播 {at} / {steps} ステップ",
    },
    "web.bp.done": {
        "en": " · done: every gradient has arrived",
        "ja": " · 完了: すべての勾配が届きました",
    },
    "web.bp.forward_done": {
        "en": "Forward pass done: L = {value}. Press Step to send ∂L/∂L = 1 back from the output.",
        "ja": "順伝播が完了: L = {value}。「1 ステップ」を押すと出力から ∂L/∂L = 1 を"
        "逆向きに送ります。",
    },
    "web.bp.node": {"en": "Node ", "ja": "ノード "},
    "web.bp.receives": {
        "en": " = {value} receives the upstream gradient ∂L/∂out = ",
        "ja": " = {value} が受け取る上流の勾配 ∂L/∂out = ",
    },
    "web.bp.constant": {"en": " is a constant: no gradient", "ja": " は定数: 勾配なし"},
    "web.bp.to": {"en": "to ", "ja": "入力 "},
    "web.bp.local": {
        "en": "local  ∂out/∂in = {formula} = ",
        "ja": "局所的な微分  ∂out/∂in = {formula} = ",
    },
    "web.bp.chain": {"en": "chain rule  ", "ja": "連鎖律  "},
    "web.bp.so_far": {"en": "∂L/∂{name} so far = ", "ja": "ここまでの ∂L/∂{name} = "},
    "web.bp.several_uses": {
        "en": " (gradients from several uses add up)",
        "ja": " (複数の使われ方からの勾配は足し合わされる)",
    },
    "web.bp.badge": {
        "en": "backprop {backprop} · numerical {numerical} · difference {difference}",
        "ja": "逆伝播 {backprop} · 数値微分 {numerical} · 差 {difference}",
    },
    "web.bp.check_note": {
        "en": "central differences (f(v+h) − f(v−h)) / 2h with h = {h}, of every input and "
        "(✓ in the graph) of every node whose gradient has arrived",
        "ja": "中心差分 (f(v+h) − f(v−h)) / 2h, h = {h}: すべての入力と、勾配が届いた"
        "すべてのノード (グラフの ✓) について",
    },
    # The examples of the backprop view (kobai.web.backprop.presets): label of each
    "web.bp.preset.neuron": {
        "en": "neuron: (σ(w·x + b) − t)²",
        "ja": "ニューロン: (σ(w·x + b) − t)²",
    },
    "web.bp.preset.softmax": {
        "en": "softmax + cross-entropy (logits a, b, c)",
        "ja": "softmax + 交差エントロピー (ロジット a, b, c)",
    },
    "web.bp.preset.square": {"en": "x*x + x", "ja": "x*x + x"},
    "web.bp.own": {"en": "your own formula", "ja": "自分で数式を入力"},
    # What each surface of the race view shows (kobai.landscape's descriptions)
    "web.surface.bowl": {
        "en": "an anisotropic bowl: plain SGD zig-zags across the steep direction and creeps "
        "along the flat one",
        "ja": "異方的なお椀: 素の SGD は急な方向にジグザグし、平らな方向にはゆっくり進む",
    },
    "web.surface.rosenbrock": {
        "en": "a curved, flat-bottomed valley: easy to enter, slow to follow",
        "ja": "曲がった平らな谷底: 入るのは簡単、たどるのは遅い",
    },
    "web.surface.beale": {
        "en": "sharp ridges and flat plains: adaptive step sizes pay off",
        "ja": "鋭い尾根と平らな平原: 適応的なステップ幅が効く",
    },
    "web.surface.himmelblau": {
        "en": "four minima of equal depth: which one a run reaches depends on the optimiser",
        "ja": "同じ深さの四つの最小値: どれに着くかは最適化手法しだい",
    },
    "web.surface.saddle": {
        "en": "a saddle point at the origin between two minima: how fast does each optimiser "
        "escape it?",
        "ja": "二つの最小値の間、原点にある鞍点: 各最適化手法はどれだけ速く抜け出せるか",
    },
    "web.surface.rastrigin": {
        "en": "a grid of local minima: every optimiser gets stuck somewhere",
        "ja": "格子状に並ぶ局所的最小値: どの最適化手法もどこかで捕まる",
    },
    "web.surface.plateau": {
        "en": "a nearly flat plain around a well: tiny gradients stall plain SGD, momentum "
        "builds up speed, Adam's normalised steps do not care",
        "ja": "くぼみを囲むほぼ平らな平原: 小さな勾配で素の SGD は止まり、モーメンタムは"
        "加速し、Adam の正規化されたステップは気にしない",
    },
    "web.surface.hill": {
        "en": "source 000: in 2-D a path can go around a hill (a detour), which a 1-D path "
        "never can",
        "ja": "出典 000: 2 次元では経路が丘を迂回できるが、1 次元の経路にはできない",
    },
    "web.surface.neuron": {
        "en": "the loss of one neuron y = f(w x + b) over its two parameters (source 000)",
        "ja": "一つのニューロン y = f(w x + b) の二つのパラメータ上の損失 (出典 000)",
    },
}
