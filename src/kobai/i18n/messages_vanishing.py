"""The words of the vanishing-gradients study, whose whole report speaks Japanese
(:mod:`kobai.studies.vanishing`): setup, findings from the same numbers in either language,
captions and tables."""

from __future__ import annotations

V = "study.vanishing-gradients"

VANISHING: dict[str, dict[str, str]] = {
    f"{V}.setup": {
        "en": "Fully connected networks 784 → {width} × depth → 10 (depth {d1} and {d2} hidden "
        "layers) on MNIST digits, for every combination of activation ({activations}), initial "
        "weights (`std:1` and `std:0.01`: normal with that standard deviation; `xavier`: Glorot "
        "uniform; `he`: He normal) and batch normalisation (off / on). Biases start at zero. "
        "The *gradient norm of a layer* is the norm of the loss gradient with respect to all "
        "its parameters, measured at initialisation on one batch of 256 digits and averaged "
        "over one epoch of plain SGD (lr {lr}, batches of {batch}, {n} digits). The *ratio* is "
        "the first layer's norm over the last layer's: 1 means every layer learns at the same "
        "pace, 1e-6 that the first layer learns a million times more slowly.",
        "ja": "全結合ネットワーク 784 → {width} × 深さ → 10 (隠れ層 {d1} 層と {d2} 層) を MNIST の"
        "数字画像で、活性化関数 ({activations})、重みの初期値 (`std:1` と `std:0.01`: その標準"
        "偏差の正規分布; `xavier`: Glorot の一様分布; `he`: He の正規分布)、バッチ正規化 (なし / "
        "あり) のすべての組み合わせについて調べる。バイアスはゼロから始める。*層の勾配ノルム* "
        "はその層の全パラメータについての損失の勾配のノルムで、初期化時に 256 個の画像の"
        "バッチ一つで測り、素の SGD (lr {lr}, バッチサイズ {batch}, 画像 {n} 個) の 1 エポック"
        "にわたって平均する。*比* は最初の層のノルムを最後の層のノルムで割ったもの: 1 なら"
        "すべての層が同じ速さで学習し、1e-6 なら最初の層は百万分の一の速さでしか学習しない。",
    },
    f"{V}.summary": {
        "en": "first/last layer gradient norm at initialisation",
        "ja": "初期化時の最初の層 / 最後の層の勾配ノルム",
    },
    f"{V}.col.network": {"en": "network", "ja": "ネットワーク"},
    f"{V}.col.layers": {"en": "{d} layers", "ja": "{d} 層"},
    f"{V}.col.layers_bn": {"en": "{d} layers + BN", "ja": "{d} 層 + BN"},
    f"{V}.h.max_derivative": {"en": "max of {name}'(x)", "ja": "{name}'(x) の最大値"},
    f"{V}.h.bound": {
        "en": "0.25^{deep}: {deep} sigmoid derivatives at most",
        "ja": "0.25^{deep}: シグモイドの導関数 {deep} 個の積の上限",
    },
    f"{V}.f.xavier": {
        "en": "Sigmoid, Xavier weights, {deep} hidden layers: the first layer's gradient is "
        "{ratio} times the last layer's. Ten derivatives of at most 0.25 allow 0.25^{deep} = "
        "{bound} when the weights keep the scale of the signal, which is what Xavier "
        "initialisation does.",
        "ja": "シグモイド, Xavier の重み, 隠れ層 {deep} 層: 最初の層の勾配は最後の層の {ratio} 倍。"
        "重みが信号の大きさを保つとき (Xavier の初期値はそうする)、最大 0.25 の導関数を十個"
        "掛けると 0.25^{deep} = {bound} になりうる。",
    },
    f"{V}.f.small": {
        "en": "Weights that are too small (std 0.01) shrink the gradient by the weights as well "
        "as the derivatives: sigmoid {sigmoid}, ReLU {relu}.",
        "ja": "小さすぎる重み (std 0.01) は、導関数だけでなく重みによっても勾配を縮める: "
        "シグモイド {sigmoid}, ReLU {relu}。",
    },
    f"{V}.f.big": {
        "en": "Sigmoid with std-1 weights saturates (histograms below), yet its ratio is "
        "{ratio}: weights of std 1 over 100 inputs multiply the backward signal by about 10 per "
        "layer, which makes up for the small derivatives. After one epoch its loss is {loss} "
        "(guessing gives ln 10 = 2.303).",
        "ja": "std-1 の重みのシグモイドは飽和する (下のヒストグラム) が、比は {ratio} である: "
        "100 個の入力にかかる std 1 の重みは逆向きの信号を層ごとにおよそ 10 倍にし、小さな"
        "導関数を埋め合わせる。最初のエポックの後の損失は {loss} (当て推量なら ln 10 = 2.303)。",
    },
    f"{V}.f.he": {
        "en": "ReLU with He weights: {he}; tanh with Xavier weights: {tanh}. ReLU's derivative "
        "is exactly 1 where a unit is active and tanh's is up to 1, four times the sigmoid's "
        "peak, so with weights of the right scale the chain of factors stays near one.",
        "ja": "He の重みの ReLU: {he}; Xavier の重みの tanh: {tanh}。ReLU の導関数はユニットが"
        "活性なところでちょうど 1、tanh の導関数は最大 1 でシグモイドの最大値の四倍なので、"
        "重みの大きさが適切なら係数の積は一の近くに留まる。",
    },
    f"{V}.f.batchnorm": {
        "en": "Batch normalisation: with it, every {deep}-layer ratio lies between {with_low} "
        "and {with_high}, whatever the activation and the initial weights; without it, between "
        "{without_low} and {without_high}.",
        "ja": "バッチ正規化: あれば、{deep} 層のどの比も活性化関数と初期値によらず {with_low} から "
        "{with_high} の間にある。なければ {without_low} から {without_high} の間。",
    },
    f"{V}.f.learning": {
        "en": "What it does to learning: after one epoch the {vanished} networks whose ratio is "
        "below 1e-3 reach a mean loss of {vanished_loss} (guessing gives ln 10 = 2.303), the "
        "{healthy} with a ratio between 0.1 and 10 reach {healthy_loss}.",
        "ja": "学習への影響: 最初のエポックの後、比が 1e-3 未満の {vanished} 個のネットワークの平均"
        "損失は {vanished_loss} (当て推量なら ln 10 = 2.303)、比が 0.1 から 10 の {healthy} 個は"
        " {healthy_loss}。",
    },
    f"{V}.f.exploded": {
        "en": "Gradients can explode as well as vanish: {networks} overflowed in the first "
        "epoch (the loss became infinite or NaN).",
        "ja": "勾配は消失するだけでなく爆発もする: {networks} は最初のエポックでオーバーフロー"
        "した (損失が無限大か NaN になった)。",
    },
    f"{V}.f.saturated": {
        "en": "At initialisation, {share} of the 5th sigmoid layer's outputs lie within 0.02 of "
        "0 or 1 with std-1 weights (where the derivative is below 0.02); with std-0.01 weights "
        "they spread by only {spread} around 0.5.",
        "ja": "初期化時、std-1 の重みでは 5 層目のシグモイドの出力の {share} が 0 または 1 から "
        "0.02 以内にある (そこでは導関数が 0.02 未満)。std-0.01 の重みでは 0.5 のまわりに "
        "{spread} しか広がらない。",
    },
    f"{V}.fig.derivatives": {
        "en": "Left: the derivatives of sigmoid, tanh and ReLU; the sigmoid's never exceeds "
        "0.25. Right: the first/last gradient ratio of sigmoid networks at initialisation "
        "against their depth, beside 0.25^depth.",
        "ja": "左: シグモイド, tanh, ReLU の導関数。シグモイドの導関数は 0.25 を超えない。右: "
        "初期化時のシグモイドのネットワークの最初 / 最後の層の勾配の比 (深さに対して) と "
        "0.25^深さ。",
    },
    f"{V}.panel.init": {"en": "at initialisation", "ja": "初期化時"},
    f"{V}.panel.epoch": {"en": "mean over the first epoch", "ja": "最初のエポックでの平均"},
    f"{V}.fig.heatmap": {
        "en": "log10 of each layer's gradient norm (columns: layer 1 at the input to the output "
        "layer) for every network; grey: the run diverged.",
        "ja": "各ネットワークの層ごとの勾配ノルムの log10 (列: 入力側の層 1 から出力層まで)。"
        "灰色: 発散した実行。",
    },
    f"{V}.no_bn": {"en": "no batch norm", "ja": "バッチ正規化なし"},
    f"{V}.bn": {"en": "batch norm", "ja": "バッチ正規化あり"},
    f"{V}.fig.lines": {
        "en": "The same norms as lines: solid at initialisation, dashed averaged over the first "
        "epoch of SGD.",
        "ja": "同じノルムを線で: 実線は初期化時、破線は SGD の最初のエポックでの平均。",
    },
    f"{V}.fig.histograms": {
        "en": "The classic picture: sigmoid with std 1 saturates at 0 and 1, with std 0.01 it "
        "collapses to 0.5, Xavier keeps a spread; ReLU with std 0.01 shrinks to zero layer "
        "after layer, He keeps its spread.",
        "ja": "おなじみの図: std 1 のシグモイドは 0 と 1 に飽和し、std 0.01 では 0.5 に縮み、"
        "Xavier は広がりを保つ。std 0.01 の ReLU は層ごとにゼロへ縮み、He は広がりを保つ。",
    },
    f"{V}.every": {"en": "Every network", "ja": "すべてのネットワーク"},
    f"{V}.table": {
        "en": "Gradient norms at initialisation, the first/last ratio at initialisation and "
        "averaged over epoch 1, and the training loss and accuracy of epoch 1.",
        "ja": "初期化時の勾配ノルム、初期化時と 1 エポック目の平均での最初 / 最後の比、"
        "1 エポック目の訓練損失と正解率。",
    },
}
