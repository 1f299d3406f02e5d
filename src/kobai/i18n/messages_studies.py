"""Messages of the studies' figures (:mod:`kobai.viz.studies`) and the titles the studies
(:mod:`kobai.studies`) give them."""

from __future__ import annotations

STUDIES: dict[str, dict[str, str]] = {
    # Shared words
    "vs.step": {"en": "step", "ja": "ステップ"},
    "vs.epoch": {"en": "epoch", "ja": "エポック"},
    "vs.training_loss": {"en": "training loss", "ja": "訓練損失"},
    "vs.final_loss": {"en": "final training loss", "ja": "最終的な訓練損失"},
    "vs.sharpness_axis": {
        "en": "λ_max of the training-loss Hessian",
        "ja": "訓練損失のヘッセ行列の λ_max",
    },
    "vs.lr": {"en": "lr {lr}", "ja": "lr {lr}"},
    "vs.layer_axis": {"en": "layer (1 = input side)", "ja": "層 (1 = 入力側)"},
    # kobai.viz.studies.curvature
    "vs.eos_left": {
        "en": "Sharpness rises to 2/lr, then hovers",
        "ja": "シャープネスは 2/lr まで上がり、そこに留まる",
    },
    "vs.eos_loss_axis": {"en": "training loss (MSE, log scale)", "ja": "訓練損失 (MSE, 対数目盛)"},
    "vs.eos_right": {
        "en": "The loss keeps falling, not monotonically",
        "ja": "損失は単調ではないが下がり続ける",
    },
    "vs.eigenvalue": {"en": "eigenvalue", "ja": "固有値"},
    "vs.density_log": {"en": "density (log scale)", "ja": "密度 (対数目盛)"},
    "vs.largest_node": {"en": "dotted: largest node", "ja": "点線: 最大のノード"},
    "vs.two_over_lr_of": {"en": "2/lr of {label}", "ja": "{label} の 2/lr"},
    "vs.sharpness": {"en": "Sharpness", "ja": "シャープネス"},
    "vs.loss_log": {"en": "training loss (log scale)", "ja": "訓練損失 (対数目盛)"},
    "vs.loss": {"en": "Loss", "ja": "損失"},
    "vs.sharp": {"en": "sharp", "ja": "鋭い方向"},
    "vs.flat": {"en": "flat", "ja": "平らな方向"},
    "vs.eigen_contours": {
        "en": "Loss contours, eigenvectors, descent paths",
        "ja": "損失の等高線・固有ベクトル・降下の経路",
    },
    "vs.distance_log": {
        "en": "distance to the minimum (log scale)",
        "ja": "最小値までの距離 (対数目盛)",
    },
    "vs.below_bound": {
        "en": "Below 2/λ_max it shrinks; above it does not",
        "ja": "2/λ_max 未満なら縮み、超えると縮まない",
    },
    # kobai.viz.studies.gradients
    "vs.log_grad_norm": {"en": "log10 gradient norm", "ja": "勾配ノルムの log10"},
    "vs.grad_norm": {"en": "gradient norm", "ja": "勾配ノルム"},
    "vs.init_legend": {
        "en": "init (solid: at start,\ndashed: epoch 1)",
        "ja": "初期化 (実線: 開始時,\n破線: 1 エポック目)",
    },
    "vs.zero": {"en": "{share} zero", "ja": "{share} がゼロ"},
    "vs.layer_note": {"en": "layer {k}: {note}", "ja": "層 {k}: {note}"},
    "vs.derivative_max": {"en": "{name}' (max {value})", "ja": "{name}' (最大 {value})"},
    "vs.derivatives": {"en": "Derivatives of the activations", "ja": "活性化関数の導関数"},
    "vs.hidden_layers": {"en": "hidden layers", "ja": "隠れ層の数"},
    "vs.ratio_axis": {
        "en": "first / last layer gradient norm",
        "ja": "最初の層 / 最後の層の勾配ノルム",
    },
    "vs.ratio_title": {
        "en": "Sigmoid networks: ratio against depth",
        "ja": "シグモイドのネットワーク: 深さに対する比",
    },
    # kobai.viz.studies.minima
    "vs.every_restart": {"en": "Every restart", "ja": "すべての再スタート"},
    "vs.restarts_k": {"en": "restarts k", "ja": "再スタート回数 k"},
    "vs.expected_best": {"en": "expected best final loss", "ja": "最良の最終損失の期待値"},
    "vs.best_of_k": {"en": "Best of k random restarts", "ja": "k 回のランダムな再スタートの最良値"},
    "vs.class_k": {"en": "class {k}", "ja": "クラス {k}"},
    "vs.first_layer": {"en": "first-layer weights, {name}", "ja": "第 1 層の重み, {name}"},
    "vs.original": {"en": "original", "ja": "元のネットワーク"},
    "vs.permuted": {"en": "permuted", "ja": "並べ替え後"},
    "vs.input": {"en": "input", "ja": "入力"},
    "vs.hidden_unit": {"en": "hidden unit", "ja": "隠れユニット"},
    "vs.output_k": {"en": "output {k}", "ja": "出力 {k}"},
    "vs.original_output": {"en": "output of the original network", "ja": "元のネットワークの出力"},
    "vs.permuted_output": {
        "en": "output of the permuted network",
        "ja": "並べ替えたネットワークの出力",
    },
    "vs.same_outputs": {"en": "Same outputs on every point", "ja": "すべての点で同じ出力"},
    "vs.permutation_k": {"en": "permutation {k}", "ja": "並べ替え {k}"},
    "vs.copy_axis": {
        "en": "t (0: trained network, 1: permuted copy)",
        "ja": "t (0: 学習済みネットワーク, 1: 並べ替えたコピー)",
    },
    # kobai.viz.studies.numerics
    "vs.difference": {"en": "{method} difference", "ja": "{method} 差分"},
    "vs.difference_same": {
        "en": "{method} difference (dashed: identical to {same})",
        "ja": "{method} 差分 (破線: {same} と同一)",
    },
    "vs.slope1": {"en": "slope 1 (error ~ h)", "ja": "傾き 1 (誤差 ~ h)"},
    "vs.slope2": {"en": "slope 2 (error ~ h²)", "ja": "傾き 2 (誤差 ~ h²)"},
    "vs.step_h": {"en": "step h", "ja": "刻み幅 h"},
    "vs.slope": {"en": "{label} (slope {slope})", "ja": "{label} (傾き {slope})"},
    "vs.parameters": {"en": "parameters", "ja": "パラメータ数"},
    "vs.seconds_per_grad": {"en": "seconds per gradient", "ja": "勾配 1 回あたりの秒数"},
    "vs.time": {"en": "Time", "ja": "時間"},
    "vs.passes_per_grad": {
        "en": "forward passes per gradient",
        "ja": "勾配 1 回あたりの順伝播の回数",
    },
    "vs.passes": {"en": "Forward passes", "ja": "順伝播の回数"},
    "vs.identical_to": {"en": ", identical to {same}", "ja": ", {same} と同一"},
    "vs.seconds": {"en": "{label} ({seconds} s{note})", "ja": "{label} ({seconds} 秒{note})"},
    # kobai.viz.studies.training
    "vs.against_epochs": {"en": "Against epochs", "ja": "エポックに対して"},
    "vs.time_axis": {"en": "training time (s, log scale)", "ja": "学習時間 (秒, 対数目盛)"},
    "vs.against_time": {
        "en": "Against wall time (from epoch 1)",
        "ja": "経過時間に対して (1 エポック目から)",
    },
    "vs.batch_loss": {"en": "loss of the batch of each update", "ja": "各更新のバッチの損失"},
    "vs.every_update": {"en": "Every update", "ja": "すべての更新"},
    "vs.measured": {"en": "measured", "ja": "測定値"},
    "vs.sqrt_b": {
        "en": "1/sqrt(b), sampled without replacement",
        "ja": "1/sqrt(b), 非復元抽出",
    },
    "vs.batch_axis": {
        "en": "batch size b (full batch b = {n}: noise 0)",
        "ja": "バッチサイズ b (フルバッチ b = {n}: ノイズ 0)",
    },
    "vs.noise_title": {"en": "Gradient noise at initialisation", "ja": "初期化時の勾配のノイズ"},
    "vs.regime.crawl": {"en": "crawl", "ja": "遅すぎる"},
    "vs.regime.good": {"en": "good", "ja": "良好"},
    "vs.regime.unstable": {"en": "unstable", "ja": "不安定"},
    "vs.regime.diverged": {"en": "diverged", "ja": "発散"},
    "vs.regime.too small": {"en": "too small", "ja": "小さすぎる"},
    "vs.regime.too large": {"en": "too large", "ja": "大きすぎる"},
    "vs.before_training": {"en": "loss before training", "ja": "学習前の損失"},
    "vs.learning_rate": {"en": "learning rate", "ja": "学習率"},
    "vs.lr_regime": {"en": "lr = {lr} ({regime})", "ja": "lr = {lr} ({regime})"},
    "vs.start": {"en": "start", "ja": "初期値"},
    "vs.paths_title": {
        "en": "Paths over the contours of L(w, b)",
        "ja": "L(w, b) の等高線上の経路",
    },
    "vs.loss_wb": {"en": "loss L(w, b)", "ja": "損失 L(w, b)"},
    "vs.loss_against_step": {"en": "Loss against step", "ja": "ステップに対する損失"},
    "vs.same_as": {"en": "{label} (dashed: same as {same})", "ja": "{label} (破線: {same} と同じ)"},
    # Titles the studies give their figures (kobai.studies)
    "st.batch_test_loss": {
        "en": "Batch modes: test loss for the same number of epochs",
        "ja": "バッチの取り方: 同じエポック数でのテスト損失",
    },
    "st.test_loss": {"en": "test loss", "ja": "テスト損失"},
    "st.test_accuracy": {"en": "test accuracy", "ja": "テスト正解率"},
    "st.batch_noise": {
        "en": "Batch modes: how noisy the updates are",
        "ja": "バッチの取り方: 更新のノイズの大きさ",
    },
    "st.density": {
        "en": "Eigenvalue density of the Hessian (stochastic Lanczos quadrature)",
        "ja": "ヘッセ行列の固有値密度 (確率的ランチョス求積)",
    },
    "st.sharpness": {
        "en": "λ_max of the training loss during SGD and Adam",
        "ja": "SGD と Adam の学習中の訓練損失の λ_max",
    },
    "st.neuron_bound": {
        "en": "Single neuron: the Hessian's eigenvectors and the bound 2/λ_max = {bound}",
        "ja": "単一ニューロン: ヘッセ行列の固有ベクトルと上限 2/λ_max = {bound}",
    },
    "st.eos": {
        "en": "Full-batch gradient descent on {n} digits (MSE)",
        "ja": "{n} 個の数字画像でのフルバッチ勾配降下法 (MSE)",
    },
    "st.lr_sweep": {
        "en": "Final training loss against the learning rate",
        "ja": "学習率に対する最終的な訓練損失",
    },
    "st.lr_paths": {
        "en": "Three learning rates on the single neuron's loss surface",
        "ja": "単一ニューロンの損失曲面上の 3 つの学習率",
    },
    "st.restarts": {"en": "Random restarts on XOR", "ja": "XOR でのランダムな再スタート"},
    "st.two_minima": {
        "en": "Two minima of the same network (plain SGD)",
        "ja": "同じネットワークの 2 つの最小値 (素の SGD)",
    },
    "st.permuting": {
        "en": "Permuting hidden units: other weights, same function",
        "ja": "隠れユニットの並べ替え: 重みは違っても同じ関数",
    },
    "st.between_copies": {
        "en": "The loss on the way from a minimum to its copy",
        "ja": "最小値からそのコピーへの途中の損失",
    },
    "st.error_step": {
        "en": "Finite differences: error against the step h",
        "ja": "差分近似: 刻み幅 h に対する誤差",
    },
    "st.cost": {
        "en": "The cost of one gradient as the network grows",
        "ja": "ネットワークが大きくなるときの勾配 1 回の計算コスト",
    },
    "st.same_training": {
        "en": "The same network trained with either gradient",
        "ja": "どちらの勾配でも同じように学習するネットワーク",
    },
    "st.mnist": {
        "en": "MNIST: mean and spread over seeds",
        "ja": "MNIST: シードについての平均とばらつき",
    },
    "st.why_vanish": {"en": "Why sigmoid gradients vanish", "ja": "シグモイドで勾配が消失する理由"},
    "st.norm_per_layer_units": {
        "en": "Gradient norm per layer, {depth} hidden layers of 100 units",
        "ja": "層ごとの勾配ノルム, 100 ユニットの隠れ層 {depth} 層",
    },
    "st.norm_per_layer": {
        "en": "Gradient norm per layer, {depth} hidden layers",
        "ja": "層ごとの勾配ノルム, 隠れ層 {depth} 層",
    },
    "st.outputs": {
        "en": "Outputs of each hidden layer at initialisation (5 layers of 100 units, 1000 digits)",
        "ja": "初期化時の各隠れ層の出力 (100 ユニット 5 層, 数字画像 1000 個)",
    },
}
