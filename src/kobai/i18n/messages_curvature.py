"""The words of the curvature, learning-rate and edge-of-stability studies, whose whole
reports speak Japanese (:mod:`kobai.studies`): setup, findings from the same numbers in either
language, captions."""

from __future__ import annotations

C = "study.curvature"
L = "study.learning-rate"
E = "study.edge-of-stability"

CURVATURE: dict[str, dict[str, str]] = {
    # kobai study curvature (source documents 000 and 002)
    f"{C}.setup": {
        "en": "An MLP 49 → {h1} → {h2} → 10 (tanh, float64) learns {n} bundled MNIST digits "
        "averaged down to 7×7 pixels with the cross-entropy, in batches of 50 for {epochs} "
        "epochs, from the same initial weights with {runs}. After every epoch λ_max of the "
        "full training loss's Hessian is found by Lanczos on exact Hessian-vector products; the "
        "eigenvalue densities come from stochastic Lanczos quadrature, the traces from "
        "Hutchinson's estimator. The single neuron y = sigmoid(w x + b) of source 000 is fitted "
        "to 100 points made with (w, b) = (2, −1) plus noise; its 2×2 Hessian at the minimum "
        "gives the eigenvectors and the bound 2/λ_max.",
        "ja": "MLP 49 → {h1} → {h2} → 10 (tanh, float64) が、同梱の MNIST の数字画像 {n} 個を "
        "7×7 画素に平均して縮めたものを、交差エントロピーでバッチサイズ 50、{epochs} エポック、"
        "同じ初期値から {runs} で学習する。各エポックの後に、訓練損失全体のヘッセ行列の "
        "λ_max を厳密なヘッセ行列ベクトル積によるランチョス法で求める。固有値密度は確率的"
        "ランチョス求積、トレースは Hutchinson の推定量による。出典 000 の単一ニューロン "
        "y = sigmoid(w x + b) を、(w, b) = (2, −1) にノイズを加えて作った 100 点に当てはめ、"
        "最小値での 2×2 のヘッセ行列から固有ベクトルと上限 2/λ_max を得る。",
    },
    f"{C}.summary": {"en": "the Hessian's spectrum", "ja": "ヘッセ行列のスペクトル"},
    f"{C}.col.network": {"en": "network", "ja": "ネットワーク"},
    f"{C}.f.spectrum": {
        "en": "Training moved λ_max from {init} at initialisation to {sgd} after SGD and {adam} "
        "after Adam; the traces are {traces} (same order): a few large eigenvalues above a "
        "bulk near zero.",
        "ja": "学習によって λ_max は初期化時の {init} から、SGD の後は {sgd}、Adam の後は "
        "{adam} になった。トレースは {traces} (同じ順): ゼロ付近の塊の上に少数の大きな固有値が"
        "ある。",
    },
    f"{C}.f.sharpness": {
        "en": "SGD (lr {lr}, so 2/lr = {bound}) had a median λ_max of {median} over the second "
        "half of training (mini-batches make it noisy) and ended at λ_max = {sgd} with training "
        "loss {sgd_loss}; Adam ended at λ_max = {adam} ({ratio} times SGD's) with loss "
        "{adam_loss}. Adam divides each step by its running gradient scale, so 2/lr bounds "
        "nothing for it: its raw sharpness is free to grow.",
        "ja": "SGD (lr {lr}, したがって 2/lr = {bound}) の λ_max は学習の後半で中央値 {median} "
        "(ミニバッチのためノイズがある) で、最後は λ_max = {sgd}、訓練損失 {sgd_loss} だった。"
        "Adam は最後に λ_max = {adam} (SGD の {ratio} 倍)、損失 {adam_loss}。Adam は各ステップ"
        "を勾配の大きさの移動平均で割るので、2/lr は Adam には何の上限にもならない: 素の"
        "シャープネスは自由に大きくなる。",
    },
    f"{C}.f.neuron": {
        "en": "The neuron's Hessian at the minimum ({w}, {b}) has λ = {top} along ({u1}, {u2}) "
        "and {low} along ({v1}, {v2}), so gradient descent is stable for lr < 2/λ_max = "
        "{bound}. {paths}.",
        "ja": "最小値 ({w}, {b}) でのニューロンのヘッセ行列は、({u1}, {u2}) 方向に λ = {top}、"
        "({v1}, {v2}) 方向に {low} を持つ。したがって勾配降下法は lr < 2/λ_max = {bound} で"
        "安定する。{paths}。",
    },
    f"{C}.f.path": {
        "en": "{label}: {zig} sign changes along the sharp direction, distance {distance} from "
        "the minimum after {steps} steps",
        "ja": "{label}: 鋭い方向に沿った符号の反転 {zig} 回, {steps} ステップ後の最小値までの"
        "距離 {distance}",
    },
    f"{C}.fig.density": {
        "en": "The Hessian's eigenvalue density (log scale) at initialisation and after "
        "training; a bulk near zero and a few outliers.",
        "ja": "初期化時と学習後のヘッセ行列の固有値密度 (対数目盛): 0 付近の塊と少数の外れ値。",
    },
    f"{C}.fig.sharpness": {
        "en": "λ_max after every epoch (left) and the training loss (right); the dashed line is "
        "2/lr of SGD.",
        "ja": "各エポックの後の λ_max (左) と訓練損失 (右)。破線は SGD の 2/lr。",
    },
    f"{C}.fig.neuron": {
        "en": "Contours of the neuron's loss around its minimum, the Hessian's eigenvectors "
        "there (arrows, length ∝ 1/√λ) and gradient descent at three learning rates; right: "
        "distance to the minimum against step.",
        "ja": "最小値のまわりのニューロンの損失の等高線、そこでのヘッセ行列の固有ベクトル "
        "(矢印, 長さ ∝ 1/√λ) と三つの学習率での勾配降下法。右: ステップに対する最小値までの"
        "距離。",
    },
    # kobai study learning-rate (source documents 002 and 003)
    f"{L}.setup": {
        "en": "A network 784 → {hidden} (ReLU) → 10 is trained on {n} MNIST digits for {epochs} "
        "epochs (batches of {batch}, the same initial weights and the same batches every time) "
        "with plain SGD and with Adam, at {count} learning rates from 1e-5 to 10. Each run ends "
        "with the cross-entropy over the training set. A rate is *good* when its final loss "
        "went at least 3/4 of the way from the initial loss to the best loss of the sweep (on "
        "a log scale); *diverged* when the loss became infinite, exploded or ended above where "
        "it started; *crawl* below the good range and *unstable* above it.",
        "ja": "ネットワーク 784 → {hidden} (ReLU) → 10 を MNIST の数字画像 {n} 個で {epochs} "
        "エポック (バッチサイズ {batch}, 毎回同じ初期値と同じバッチ)、素の SGD と Adam で、"
        "1e-5 から 10 までの {count} 通りの学習率で学習する。各実行の最後に訓練データ全体の"
        "交差エントロピーを測る。学習率が *良い* のは、最終的な損失が初期の損失からスイープ中の"
        "最良の損失までの道のりの 3/4 以上を進んだとき (対数目盛で)、*発散* は損失が無限大に"
        "なった・爆発した・初期値より上で終わったとき、良い範囲より下は *遅すぎる*、上は "
        "*不安定* とする。",
    },
    f"{L}.summary.curvature": {
        "en": "predicted against measured divergence threshold of gradient descent",
        "ja": "勾配降下法が発散する学習率のしきい値: 予測と測定",
    },
    f"{L}.summary.sweep": {"en": "the learning-rate sweep", "ja": "学習率のスイープ"},
    f"{L}.col.problem": {"en": "problem", "ja": "問題"},
    f"{L}.col.lambda": {"en": "λ_max at the minimum", "ja": "最小値での λ_max"},
    f"{L}.col.stable": {"en": "stable up to", "ja": "安定する上限"},
    f"{L}.col.diverges": {"en": "diverges from", "ja": "発散し始める値"},
    f"{L}.col.inside": {"en": "2/λ_max inside", "ja": "2/λ_max が範囲内"},
    f"{L}.col.optimizer": {"en": "optimizer", "ja": "最適化手法"},
    f"{L}.col.good_from": {"en": "good from", "ja": "良い範囲の下限"},
    f"{L}.col.good_to": {"en": "good to", "ja": "良い範囲の上限"},
    f"{L}.col.best_lr": {"en": "best lr", "ja": "最良の lr"},
    f"{L}.col.best_loss": {"en": "best loss", "ja": "最良の損失"},
    f"{L}.col.first_diverging": {"en": "first diverging lr", "ja": "最初に発散した lr"},
    f"{L}.f.threshold": {
        "en": "The Hessian predicts where gradient descent stops converging: 2/λ_max = "
        "{quad_predicted} on a quadratic (least squares) against {quad_measured} measured by "
        "bisection (to 1e-4), and {neuron_predicted} against {neuron_measured} on the single "
        "neuron started next to its minimum (λ_max by Lanczos on exact Hessian-vector "
        "products).",
        "ja": "ヘッセ行列は勾配降下法が収束しなくなる学習率を予測する: 二次関数 (最小二乗法) "
        "では 2/λ_max = {quad_predicted} に対して二分法で測った値は {quad_measured} (1e-4 "
        "まで)、最小値のすぐそばから始めた単一ニューロンでは {neuron_predicted} に対して "
        "{neuron_measured} (λ_max は厳密なヘッセ行列ベクトル積によるランチョス法)。",
    },
    f"{L}.f.network": {
        "en": "For the network, λ_max of the training loss at initialisation is {lam}, so "
        "2/λ_max = {bound} (the dashed line on the SGD sweep); the first SGD rate that diverged "
        "was {first}. Mini-batches and the change of curvature during training make this a "
        "guide, not a law.",
        "ja": "ネットワークでは、初期化時の訓練損失の λ_max は {lam} なので 2/λ_max = {bound} "
        "(SGD のスイープの破線)。最初に発散した SGD の学習率は {first}。ミニバッチと学習中の"
        "曲率の変化のため、これは目安であって法則ではない。",
    },
    f"{L}.none": {"en": "none of the rates", "ja": "どの学習率でもない"},
    f"{L}.f.sweep": {
        "en": "{name}: good from {low} to {high} (a factor {factor}); {crawl} rates crawl (at "
        "{first_lr} the loss only went from {initial} to {smallest}), {unstable} are unstable "
        "and {diverged} diverge.",
        "ja": "{name}: 良い範囲は {low} から {high} ({factor} 倍の幅)。{crawl} 個の学習率は"
        "遅すぎ ({first_lr} では損失は {initial} から {smallest} にしか下がらない)、{unstable} "
        "個は不安定、{diverged} 個は発散する。",
    },
    f"{L}.f.optimiser_smaller": {
        "en": "The good range depends on the optimiser: Adam's best rate ({adam}) is {factor} "
        "times smaller than SGD's ({sgd}); Adam divides each step by the size of recent "
        "gradients, SGD does not. There is no rule that fits both: trial and error.",
        "ja": "良い範囲は最適化手法によって違う: Adam の最良の学習率 ({adam}) は SGD の最良の"
        "学習率 ({sgd}) の {factor} 分の一である。Adam は各ステップを最近の勾配の大きさで割るが"
        "、SGD は割らない。両方に合う決まりはない: 試行錯誤である。",
    },
    f"{L}.f.optimiser_larger": {
        "en": "The good range depends on the optimiser: Adam's best rate ({adam}) is {factor} "
        "times larger than SGD's ({sgd}); Adam divides each step by the size of recent "
        "gradients, SGD does not. There is no rule that fits both: trial and error.",
        "ja": "良い範囲は最適化手法によって違う: Adam の最良の学習率 ({adam}) は SGD の最良の"
        "学習率 ({sgd}) の {factor} 倍である。Adam は各ステップを最近の勾配の大きさで割るが、"
        "SGD は割らない。両方に合う決まりはない: 試行錯誤である。",
    },
    f"{L}.f.neuron": {
        "en": "On the single neuron, {runs}, the data having been made with (w, b) = ({w}, {b}).",
        "ja": "単一ニューロンでは、{runs}。データは (w, b) = ({w}, {b}) で作った。",
    },
    f"{L}.f.neuron_run": {
        "en": "lr {lr} ({regime}) ends at loss {loss}, (w, b) = ({w}, {b})",
        "ja": "lr {lr} ({regime}) で最後の損失は {loss}, (w, b) = ({w}, {b})",
    },
    f"{L}.fig.sweep": {
        "en": "Final training loss after the same number of updates, for each learning rate; "
        "the shaded band is the good range, crosses mark divergence (drawn at the initial "
        "loss); the dashed line on the SGD panel is 2/λ_max of the loss at initialisation.",
        "ja": "同じ更新回数の後の最終的な訓練損失 (学習率ごと)。網掛けの帯は良い範囲、× は発散 "
        "(初期の損失の高さに描く)、SGD の図の破線は初期化時の損失の 2/λ_max。",
    },
    f"{L}.fig.paths": {
        "en": "Gradient descent on y = sigmoid(w x + b) from {start} for {steps} steps with a "
        "learning rate that is too small, good, and too large.",
        "ja": "y = sigmoid(w x + b) 上の勾配降下法。{start} から {steps} ステップ、学習率は"
        "小さすぎる・良い・大きすぎるの三通り。",
    },
    f"{L}.every": {"en": "Every run", "ja": "すべての実行"},
    f"{L}.table": {
        "en": "Final loss of every run (NaN: stopped by divergence).",
        "ja": "すべての実行の最終的な損失 (NaN: 発散で停止)。",
    },
    # kobai study edge-of-stability (Cohen et al. 2021)
    f"{E}.setup": {
        "en": "An MLP 49 → {h1} → {h2} → 10 (tanh), float64, learns {n} bundled MNIST digits "
        "averaged down to 7×7 pixels, with the mean squared error on one-hot targets, by "
        "full-batch gradient descent for {steps} steps at learning rates {lrs}, from the same "
        "initial weights. Every {every} steps (and at the start) λ_max of the training loss's "
        "Hessian is found by Lanczos with exact Hessian-vector products (relative residual "
        "1e-4). The sharpness has *reached* 2/lr when λ_max ≥ {reached} × 2/lr; it *hovered* "
        "when, from then on, the median of λ_max / (2/lr) stayed within {low}–{high} and no "
        "measurement passed {top} (at least {least} measurements).",
        "ja": "MLP 49 → {h1} → {h2} → 10 (tanh, float64) が、同梱の MNIST の数字画像 {n} 個を "
        "7×7 画素に平均して縮めたものを、one-hot の目標値への平均二乗誤差で、フルバッチ"
        "勾配降下法により学習率 {lrs} で {steps} ステップ、同じ初期値から学習する。{every} "
        "ステップごと (と開始時) に訓練損失のヘッセ行列の λ_max を、厳密なヘッセ行列ベクトル積"
        "によるランチョス法 (相対残差 1e-4) で求める。λ_max ≥ {reached} × 2/lr となったとき"
        "シャープネスは 2/lr に *達した* とし、それ以降 λ_max / (2/lr) の中央値が {low}–{high} "
        "に留まり、どの測定値も {top} を超えなかったとき *留まった* とする (測定は {least} 回"
        "以上)。",
    },
    f"{E}.start": {
        "en": "lr {lr} (2/lr = {bound}): λ_max started at {start} ({share} of 2/lr)",
        "ja": "lr {lr} (2/lr = {bound}): λ_max は {start} (2/lr の {share}) から始まった",
    },
    f"{E}.f.diverged": {
        "en": "{start}; the run diverged: {reason}",
        "ja": "{start}。実行は発散した: {reason}",
    },
    f"{E}.f.not_reached": {
        "en": "{start} and reached at most {top} of 2/lr in {steps} steps.",
        "ja": "{start}。{steps} ステップで最大でも 2/lr の {top} にしか達しなかった。",
    },
    f"{E}.f.too_few_to_tell": {
        "en": "{start} and reached at most {top} of 2/lr in {steps} steps: too few steps to tell.",
        "ja": "{start}。{steps} ステップで最大でも 2/lr の {top} にしか達しなかった: "
        "ステップ数が少なすぎて判断できない。",
    },
    f"{E}.tail": {
        "en": "rose to 2/lr by step {reached} and then stayed at a median {median} of it (at "
        "most {top}) over {after} measurements",
        "ja": "ステップ {reached} までに 2/lr に達し、その後 {after} 回の測定で中央値 {median} "
        "(最大 {top}) に留まった",
    },
    f"{E}.f.too_few": {
        "en": "{start}, {tail}: too few to say that it hovered.",
        "ja": "{start}。{tail}: 留まったと言うには測定が少なすぎる。",
    },
    f"{E}.f.hovered": {
        "en": "{start}, {tail}: it hovered at 2/lr. Meanwhile the loss went from {first} to "
        "{last}, rising on {rises} of {steps} steps.",
        "ja": "{start}。{tail}: 2/lr に留まった。その間に損失は {first} から {last} になり、"
        "{steps} ステップ中 {rises} ステップで上がった。",
    },
    f"{E}.f.overshot": {
        "en": "{start}, {tail}: it overshot 2/lr. Meanwhile the loss went from {first} to "
        "{last}, rising on {rises} of {steps} steps.",
        "ja": "{start}。{tail}: 2/lr を超えた。その間に損失は {first} から {last} になり、"
        "{steps} ステップ中 {rises} ステップで上がった。",
    },
    f"{E}.summary": {"en": "sharpness against 2/lr", "ja": "2/lr に対するシャープネス"},
    f"{E}.col.start": {"en": "λ_max at start", "ja": "開始時の λ_max"},
    f"{E}.col.reached": {"en": "reached at step", "ja": "達したステップ"},
    f"{E}.col.median": {"en": "median λ/(2/lr) after", "ja": "その後の λ/(2/lr) の中央値"},
    f"{E}.col.max": {"en": "max λ/(2/lr) after", "ja": "その後の λ/(2/lr) の最大値"},
    f"{E}.col.verdict": {"en": "verdict", "ja": "判定"},
    f"{E}.fig": {
        "en": "Left: λ_max of the Hessian against step, with 2/lr dashed in the same colour. "
        "Right: the training loss against step.",
        "ja": "左: ステップに対するヘッセ行列の λ_max (同じ色の破線が 2/lr)。右: ステップに"
        "対する訓練損失。",
    },
    f"{E}.table": {"en": "Every measurement.", "ja": "すべての測定値。"},
}
