"""Messages of the studies' reports (:mod:`kobai.studies`): the printed summary, and the
words of each study the catalogue has (``study.<name>.title``, ``.claim``, ``.h.<headline>``,
findings and setup); a study without them keeps its English."""

from __future__ import annotations

N = "study.numerical-vs-backprop"

REPORTS: dict[str, dict[str, str]] = {
    "report.quick_warning": {
        "en": "QUICK RUN: settings too small to conclude anything; its findings can contradict "
        "the full study's (run it without --quick for numbers to quote)",
        "ja": "簡易実行: 何かを結論づけるには設定が小さすぎます。その結果は本来の設定の結果と"
        "食い違うことがあります (引用する数値は --quick なしで実行してください)",
    },
    "report.run_line": {
        "en": "{title} ({mode}): {seconds:.1f} s",
        "ja": "{title} ({mode}): {seconds:.1f} 秒",
    },
    "report.run_default": {"en": "seed {seed}", "ja": "シード {seed}"},
    "report.run_quick": {"en": "seed {seed}, quick", "ja": "シード {seed}, 簡易設定"},
    "report.setup": {"en": "Setup", "ja": "設定"},
    "report.numbers": {"en": "Numbers", "ja": "数値"},
    # kobai study numerical-vs-backprop (source document 001)
    f"{N}.title": {
        "en": "Numerical differentiation against backpropagation",
        "ja": "数値微分と誤差逆伝播法の比較",
    },
    f"{N}.claim": {
        "en": "The gradient of the loss can be computed by *numerical differentiation*, "
        "(f(x + h) - f(x - h)) / 2h with a small h, for every weight: it agrees with the "
        "analytic derivative (for x²/2 at x = 2: 2 against about 2), and a multilayer network "
        "trained with it learns; but it needs forward passes for every weight, so networks are "
        "trained by backpropagation instead: the same gradient at a very different cost "
        "(source document 001).",
        "ja": "損失の勾配は、すべての重みについて小さな h で (f(x + h) - f(x - h)) / 2h を計算する"
        "*数値微分*で求められる: 解析的な微分と一致し (x = 2 での x²/2 では 2 に対しておよそ 2)、"
        "これで学習した多層ネットワークは学習する。しかし重みごとに順伝播が必要なので、"
        "ネットワークは代わりに誤差逆伝播法で学習する: 同じ勾配を、まったく違うコストで"
        "求める方法である (出典資料 001)。",
    },
    f"{N}.h.max_relative_difference": {
        "en": "central vs backprop: max element-wise rel. diff.",
        "ja": "中心差分と逆伝播: 要素ごとの相対差の最大値",
    },
    f"{N}.h.norm_relative_difference": {
        "en": "central vs backprop: |num - bp| / |bp|",
        "ja": "中心差分と逆伝播: |num - bp| / |bp|",
    },
    f"{N}.h.parameters": {
        "en": "parameters of the largest network",
        "ja": "最大のネットワークのパラメータ数",
    },
    f"{N}.h.numerical_passes": {
        "en": "forward passes per numerical gradient",
        "ja": "数値微分の勾配 1 回あたりの順伝播の回数",
    },
    f"{N}.h.backprop_passes": {
        "en": "forward passes per backprop gradient",
        "ja": "逆伝播の勾配 1 回あたりの順伝播の回数",
    },
    f"{N}.h.numerical_seconds": {
        "en": "seconds per numerical gradient",
        "ja": "数値微分の勾配 1 回あたりの秒数",
    },
    f"{N}.h.backprop_seconds": {
        "en": "seconds per backprop gradient",
        "ja": "逆伝播の勾配 1 回あたりの秒数",
    },
    f"{N}.h.speedup": {"en": "backprop speed-up", "ja": "逆伝播による高速化の倍率"},
    f"{N}.h.numerical_slope": {
        "en": "log-log slope of numerical time against parameters",
        "ja": "パラメータ数に対する数値微分の時間の両対数の傾き",
    },
    f"{N}.h.backprop_slope": {
        "en": "log-log slope of backprop time against parameters",
        "ja": "パラメータ数に対する逆伝播の時間の両対数の傾き",
    },
    f"{N}.h.trained_parameter_difference": {
        "en": "trained both ways: max |parameter difference|",
        "ja": "両方で学習: パラメータの差の絶対値の最大",
    },
    f"{N}.h.trained_loss_backprop": {
        "en": "final training loss, backprop",
        "ja": "最終的な訓練損失, 逆伝播",
    },
    f"{N}.h.trained_loss_numerical": {
        "en": "final training loss, numerical",
        "ja": "最終的な訓練損失, 数値微分",
    },
    f"{N}.h.trained_time_ratio": {
        "en": "training time, numerical / backprop",
        "ja": "学習時間, 数値微分 / 逆伝播",
    },
    f"{N}.setup": {
        "en": "Networks {n_in} → width → width → {n_out} (tanh, float64) with widths {widths} "
        "compute the gradient of the cross-entropy of {batch} random samples both ways: by "
        "backpropagation and by central differences with h = 1e-6 (two forward passes per "
        "parameter). Times are medians of repeated calls. A network 2 → 8 → 2 is then trained "
        "on 200 two-moons points for {epochs} epochs (SGD, lr 0.5, batches of 50) from the same "
        "start and the same batches, once with each kind of gradient.",
        "ja": "ネットワーク {n_in} → 幅 → 幅 → {n_out} (tanh, float64, 幅 {widths}) が、"
        "{batch} 個のランダムなサンプルの交差エントロピーの勾配を 2 通りに計算する: "
        "誤差逆伝播法と、h = 1e-6 の中心差分 (パラメータごとに順伝播 2 回) である。"
        "時間は繰り返し呼び出しの中央値。次に、ネットワーク 2 → 8 → 2 を two-moons の 200 点で "
        "{epochs} エポック (SGD, lr 0.5, バッチサイズ 50) 学習する。同じ初期値・同じバッチで、"
        "勾配の種類ごとに 1 回ずつ。",
    },
    f"{N}.f.agreement": {
        "en": "Agreement: over every network the two gradients differ by at most {norm} of "
        "their length (float64, h = 1e-6) and by at most {absolute} in any element; the largest "
        "element-wise relative difference, {worst}, belongs to an element whose gradient is "
        "itself tiny, where the rounding error of the differences (about 1e-16 / h of the "
        "loss) is no longer small beside it.",
        "ja": "一致: どのネットワークでも両方の勾配の差は長さの {norm} 以下 (float64, h = 1e-6)、"
        "どの要素でも {absolute} 以下である。要素ごとの相対差の最大値 {worst} は、勾配そのものが"
        "ごく小さい要素のもので、そこでは差分の丸め誤差 (損失のおよそ 1e-16 / h) がもはや"
        "小さくない。",
    },
    f"{N}.f.step": {
        "en": "The step h matters: the forward and backward differences err in proportion to "
        "h, the central difference in proportion to h², until rounding (about 1e-16 / h) takes "
        "over. forward: best h = {forward_h}, error {forward_e}; backward: best h = "
        "{backward_h}, error {backward_e}; central: best h = {central_h}, error {central_e}. "
        "The source's h = 0.001 gives a relative error of forward {forward_source}, backward "
        "{backward_source}, central {central_source}.",
        "ja": "刻み幅 h が効く: 前進差分と後退差分の誤差は h に比例し、中心差分の誤差は h² に"
        "比例する。丸め誤差 (およそ 1e-16 / h) が勝るまでは。前進差分: 最良の h = {forward_h}, "
        "誤差 {forward_e}; 後退差分: 最良の h = {backward_h}, 誤差 {backward_e}; 中心差分: "
        "最良の h = {central_h}, 誤差 {central_e}。出典の h = 0.001 での相対誤差は 前進 "
        "{forward_source}, 後退 {backward_source}, 中心 {central_source}。",
    },
    f"{N}.f.cost": {
        "en": "Cost: for {parameters} parameters the numerical gradient runs the network "
        "forward {numerical_passes} times (2 per parameter, plus 1); backpropagation runs it "
        "forward {backprop_passes} time and backward once: {numerical_s} s against "
        "{backprop_s} s, {slower} times slower, and the gap grows with every parameter added.",
        "ja": "コスト: パラメータ {parameters} 個では、数値微分の勾配はネットワークの順伝播を "
        "{numerical_passes} 回 (パラメータごとに 2 回と 1 回) 行う。誤差逆伝播法は順伝播 "
        "{backprop_passes} 回と逆伝播一回: {numerical_s} 秒に対して {backprop_s} 秒で、"
        "{slower} 倍遅く、その差はパラメータが増えるたびに広がる。",
    },
    f"{N}.f.training": {
        "en": "Training a {parameters}-parameter network both ways from the same start gives "
        "final losses {loss_bp} (backprop) and {loss_num} (numerical), accuracies {acc_bp} and "
        "{acc_num}, and parameters that differ by at most {theta}; it took {num_s} s instead "
        "of {bp_s} s.",
        "ja": "パラメータ {parameters} 個のネットワークを同じ初期値から両方の方法で学習すると、"
        "最終的な損失は {loss_bp} (逆伝播) と {loss_num} (数値微分)、正解率は {acc_bp} と "
        "{acc_num}、パラメータの差は最大でも {theta} になる。かかった時間は {bp_s} 秒ではなく "
        "{num_s} 秒。",
    },
    f"{N}.fig.error": {
        "en": "Relative error of the gradient of a {shape} network by forward, backward and "
        "central differences, against the step h: truncation error on the right, rounding "
        "error on the left.",
        "ja": "{shape} ネットワークの勾配の、前進・後退・中心差分による相対誤差 (刻み幅 h に"
        "対して): 右側は打ち切り誤差、左側は丸め誤差。",
    },
    f"{N}.fig.cost": {
        "en": "Seconds and forward passes per gradient against the number of parameters (log-log).",
        "ja": "パラメータ数に対する勾配 1 回あたりの秒数と順伝播の回数 (両対数)。",
    },
    f"{N}.fig.training": {
        "en": "Training loss per epoch: the two curves lie on each other.",
        "ja": "エポックごとの訓練損失: 2 本の曲線は重なっている。",
    },
    f"{N}.table.results": {
        "en": "One gradient of the loss of 32 samples, both ways.",
        "ja": "32 サンプルの損失の勾配 1 回を、両方の方法で。",
    },
    f"{N}.table.errors": {
        "en": "Relative error of each finite difference.",
        "ja": "各差分近似の相対誤差。",
    },
}
