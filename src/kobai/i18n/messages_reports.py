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
    "report.warning_line": {"en": "**{warning}.**", "ja": "**{warning}。**"},
    "report.and": {"en": "{a} and {b}", "ja": "{a} と {b}"},
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
    # The title and claim of every other study (its findings stay in English for now)
    "study.vanishing-gradients.title": {"en": "Vanishing gradients", "ja": "勾配消失"},
    "study.vanishing-gradients.claim": {
        "en": "Backpropagation multiplies the gradient by one factor per layer, and *the "
        "sigmoid's derivative is at most 0.25*, so in a deep network the gradient shrinks layer "
        "by layer towards the input and the first layers stop learning. The remedies: ReLU, "
        "Xavier (Glorot) initialisation for sigmoid and tanh, He initialisation for ReLU, and "
        "batch normalisation (source document 003, section 2.2).",
        "ja": "誤差逆伝播法は層ごとに勾配に係数を 1 つ掛ける。そして*シグモイドの導関数は最大でも "
        "0.25* なので、深いネットワークでは勾配が入力に向かって層ごとに小さくなり、最初の層は"
        "学習しなくなる。対策は ReLU、シグモイドと tanh には Xavier (Glorot) の初期値、ReLU "
        "には He の初期値、そしてバッチ正規化である (出典資料 003, 2.2 節)。",
    },
    "study.batch-modes.title": {
        "en": "Batch, stochastic and mini-batch gradient descent",
        "ja": "バッチ・確率的・ミニバッチ勾配降下法",
    },
    "study.batch-modes.claim": {
        "en": "*Batch* gradient descent computes the gradient on all the training data for "
        "every update: stable, but costly and memory-hungry on large data. *Stochastic* "
        "gradient descent uses one random sample per update: cheap, but its updates are noisy. "
        "*Mini-batch* gradient descent (batches of 32, 64, 128) sits in between and is the "
        "usual choice. Each epoch splits the data at random into mini-batches anew (source "
        "documents 002, section 1.3-1.4, and 003, section 1.2-1.3).",
        "ja": "*バッチ*勾配降下法は更新のたびに訓練データ全体で勾配を計算する: 安定しているが、"
        "大きなデータでは計算もメモリも多く要る。*確率的*勾配降下法は更新ごとにランダムな "
        "1 サンプルを使う: 安価だが更新にノイズが多い。*ミニバッチ*勾配降下法 (バッチサイズ "
        "32, 64, 128) はその中間で、普通はこれを選ぶ。エポックごとにデータをランダムに"
        "ミニバッチへ分け直す (出典資料 002, 1.3-1.4 節と 003, 1.2-1.3 節)。",
    },
    "study.learning-rate.title": {"en": "Choosing the learning rate", "ja": "学習率の選び方"},
    "study.learning-rate.claim": {
        "en": "The learning rate sets the size of each step. *Too large* and the steps "
        "overshoot the valley and do not converge; *too small* and learning makes no progress. "
        "There is no general rule for it: it is found by trial and error (source document 002, "
        "section 1.1; source document 003, section 1.1).",
        "ja": "学習率は各ステップの大きさを決める。*大きすぎる*とステップが谷を飛び越えて収束"
        "せず、*小さすぎる*と学習が進まない。一般的な決め方はなく、試行錯誤で見つける "
        "(出典資料 002, 1.1 節; 出典資料 003, 1.1 節)。",
    },
    "study.optimizers.title": {"en": "Optimisers compared", "ja": "最適化手法の比較"},
    "study.optimizers.claim": {
        "en": "Plain SGD follows the gradient as it is: big steps where the slope is steep, "
        "almost none where it is flat. *Momentum* keeps a velocity (v ← 0.9 v − lr g) and rolls "
        "on through flat places; *AdaGrad* divides each step by the root of the sum of past "
        "squared gradients; *Adam* combines a moving average of the gradient with one of its "
        "square. Momentum and Adam get out of places where gradient descent gets stuck, and "
        "Adam gives good results on many tasks (source document 004 with its learning rates; "
        "source document 003, section 2.3).",
        "ja": "素の SGD は勾配をそのまま追う: 傾きが急なところでは大きく、平らなところでは"
        "ほとんど進まない。*モーメンタム*は速度 (v ← 0.9 v − lr g) を保ち、平らなところも"
        "転がり続ける。*AdaGrad* は各ステップを過去の勾配の 2 乗和の平方根で割る。*Adam* は"
        "勾配の移動平均とその 2 乗の移動平均を組み合わせる。モーメンタムと Adam は勾配降下法が"
        "止まってしまうところから抜け出し、Adam は多くのタスクで良い結果を出す (出典資料 004 "
        "とその学習率; 出典資料 003, 2.3 節)。",
    },
    "study.local-minima.title": {
        "en": "Local minima, restarts and permutation symmetry",
        "ja": "局所的最小値・再スタート・並べ替えの対称性",
    },
    "study.local-minima.claim": {
        "en": "The loss of a deep network is not convex: besides the global minimum it has a "
        "great many local minima, and gradient descent stops in one of them. Swapping two "
        "hidden units of a layer, with their incoming and outgoing weights, leaves the output "
        "unchanged, so every minimum comes in many copies: source document 002 counts "
        "∏ₗ C(dₗ, 2) of them. Remedies (source document 003): momentum, Adam, and random "
        "initialisation with several restarts.",
        "ja": "深いネットワークの損失は凸ではない: 大域的最小値のほかに非常に多くの局所的最小値"
        "があり、勾配降下法はそのどれかで止まる。ある層の 2 つの隠れユニットを、入ってくる重み"
        "と出ていく重みごと入れ替えても出力は変わらないので、どの最小値にも多くのコピーがある: "
        "出典資料 002 はその数を ∏ₗ C(dₗ, 2) と数える。対策 (出典資料 003): モーメンタム、"
        "Adam、そしてランダムな初期値で何度か再スタートすること。",
    },
    "study.edge-of-stability.title": {
        "en": "Gradient descent at the edge of stability",
        "ja": "安定性の境界での勾配降下法",
    },
    "study.edge-of-stability.claim": {
        "en": "Gradient descent on a quadratic diverges once the learning rate exceeds "
        "2/λ_max. Yet full-batch gradient descent on a network does not stay where that bound "
        "is safe: its sharpness λ_max rises until it reaches 2/lr and then hovers there, while "
        "the loss keeps falling, non-monotonically (Cohen et al., ICLR 2021).",
        "ja": "2 次関数上の勾配降下法は、学習率が 2/λ_max を超えると発散する。ところが"
        "ネットワーク上のフルバッチ勾配降下法は、その上限が安全な範囲に留まらない: "
        "シャープネス λ_max は 2/lr に達するまで上がり、そこに留まる。その間も損失は単調では"
        "ないが下がり続ける (Cohen et al., ICLR 2021)。",
    },
    "study.curvature.title": {"en": "The curvature of learning", "ja": "学習の曲率"},
    "study.curvature.claim": {
        "en": "The Hessian of the loss says how fast and how far gradient descent may step: "
        "along its top eigenvector a step of learning rate lr multiplies the error by "
        "1 − lr λ_max, so lr > 2/λ_max overshoots the valley's narrow direction and zig-zags. "
        "Training changes the spectrum: a few outlier eigenvalues grow out of a bulk near zero "
        "(Ghorbani et al. 2019), and which optimiser trained the network changes how sharp the "
        "end point is.",
        "ja": "損失のヘッセ行列は、勾配降下法がどれだけ速く、どこまで進めるかを教える: 最大の"
        "固有ベクトルに沿っては、学習率 lr のステップが誤差を 1 − lr λ_max 倍するので、"
        "lr > 2/λ_max では谷の狭い方向を飛び越えてジグザグになる。学習はスペクトルを変える: "
        "0 付近の塊から少数の外れた固有値が育ち (Ghorbani et al. 2019)、どの最適化手法で学習"
        "したかで終点の鋭さが変わる。",
    },
    # Headline labels of the other studies (the ones with a fixed key)
    "study.edge-of-stability.h.quick_note": {"en": "NOTE", "ja": "注意"},
    "study.edge-of-stability.h.lr2/initial_fraction": {
        "en": "lr 2: λ_max / (2/lr) at the start",
        "ja": "lr 2: 開始時の λ_max / (2/lr)",
    },
    "study.edge-of-stability.h.lr2/median_fraction": {
        "en": "lr 2: median λ_max / (2/lr) after reaching it",
        "ja": "lr 2: 達した後の λ_max / (2/lr) の中央値",
    },
    "study.edge-of-stability.h.lr2/verdict": {"en": "lr 2: verdict", "ja": "lr 2: 判定"},
    "study.edge-of-stability.h.lr1/initial_fraction": {
        "en": "lr 1: λ_max / (2/lr) at the start",
        "ja": "lr 1: 開始時の λ_max / (2/lr)",
    },
    "study.edge-of-stability.h.lr1/median_fraction": {
        "en": "lr 1: median λ_max / (2/lr) after reaching it",
        "ja": "lr 1: 達した後の λ_max / (2/lr) の中央値",
    },
    "study.edge-of-stability.h.lr1/verdict": {"en": "lr 1: verdict", "ja": "lr 1: 判定"},
    "study.edge-of-stability.h.lr0.5/initial_fraction": {
        "en": "lr 0.5: λ_max / (2/lr) at the start",
        "ja": "lr 0.5: 開始時の λ_max / (2/lr)",
    },
    "study.edge-of-stability.h.lr0.5/median_fraction": {
        "en": "lr 0.5: median λ_max / (2/lr) after reaching it",
        "ja": "lr 0.5: 達した後の λ_max / (2/lr) の中央値",
    },
    "study.edge-of-stability.h.lr0.5/verdict": {"en": "lr 0.5: verdict", "ja": "lr 0.5: 判定"},
    "study.learning-rate.h.quadratic/predicted_lr": {
        "en": "quadratic: 2/λ_max",
        "ja": "二次関数: 2/λ_max",
    },
    "study.learning-rate.h.quadratic/measured_lr": {
        "en": "quadratic: measured largest stable lr",
        "ja": "二次関数: 測定した安定な最大の lr",
    },
    "study.learning-rate.h.neuron/predicted_lr": {
        "en": "neuron: 2/λ_max",
        "ja": "ニューロン: 2/λ_max",
    },
    "study.learning-rate.h.neuron/measured_lr": {
        "en": "neuron: measured largest stable lr",
        "ja": "ニューロン: 測定した安定な最大の lr",
    },
    "study.learning-rate.h.sgd/good_low": {
        "en": "sgd: smallest good learning rate",
        "ja": "sgd: 良い学習率の最小値",
    },
    "study.learning-rate.h.sgd/good_high": {
        "en": "sgd: largest good learning rate",
        "ja": "sgd: 良い学習率の最大値",
    },
    "study.learning-rate.h.sgd/best_lr": {
        "en": "sgd: best learning rate",
        "ja": "sgd: 最良の学習率",
    },
    "study.learning-rate.h.adam/good_low": {
        "en": "adam: smallest good learning rate",
        "ja": "adam: 良い学習率の最小値",
    },
    "study.learning-rate.h.adam/good_high": {
        "en": "adam: largest good learning rate",
        "ja": "adam: 良い学習率の最大値",
    },
    "study.learning-rate.h.adam/best_lr": {
        "en": "adam: best learning rate",
        "ja": "adam: 最良の学習率",
    },
    "study.curvature.h.initialisation/lambda_max": {
        "en": "λ_max, initialisation",
        "ja": "λ_max, 初期化時",
    },
    "study.curvature.h.after_sgd/lambda_max": {"en": "λ_max, after sgd", "ja": "λ_max, sgd の後"},
    "study.curvature.h.after_adam/lambda_max": {
        "en": "λ_max, after adam",
        "ja": "λ_max, adam の後",
    },
    "study.batch-modes.h.slowdown": {
        "en": "time per epoch, stochastic / full batch",
        "ja": "1 エポックの時間, 確率的 / フルバッチ",
    },
    "study.batch-modes.h.noise_ratio": {
        "en": "gradient noise, batch 1 / batch 128",
        "ja": "勾配のノイズ, バッチ 1 / バッチ 128",
    },
    "study.batch-modes.h.best": {
        "en": "lowest test loss after the same epochs",
        "ja": "同じエポック数での最小のテスト損失",
    },
    "study.curvature.h.sgd/final_sharpness": {
        "en": "SGD: λ_max at the end",
        "ja": "SGD: 最後の λ_max",
    },
    "study.curvature.h.adam/final_sharpness": {
        "en": "Adam: λ_max at the end",
        "ja": "Adam: 最後の λ_max",
    },
    "study.curvature.h.sgd/median_late": {
        "en": "SGD: median λ_max over the second half",
        "ja": "SGD: 後半の λ_max の中央値",
    },
    "study.curvature.h.neuron/lambda_max": {
        "en": "neuron: λ_max at the minimum",
        "ja": "ニューロン: 最小値での λ_max",
    },
    "study.curvature.h.neuron/lambda_min": {
        "en": "neuron: λ_min at the minimum",
        "ja": "ニューロン: 最小値での λ_min",
    },
    "study.curvature.h.neuron/bound": {"en": "neuron: 2/λ_max", "ja": "ニューロン: 2/λ_max"},
    "study.learning-rate.h.sgd/curvature_bound": {
        "en": "sgd: 2/λ_max of the network at initialisation",
        "ja": "sgd: 初期化時のネットワークの 2/λ_max",
    },
    "study.local-minima.h.minima": {
        "en": "distinct final losses (minima) over all restarts",
        "ja": "全再スタートでの異なる最終損失 (最小値) の数",
    },
    "study.local-minima.h.output_difference": {
        "en": "permuted copies: max |output difference|",
        "ja": "並べ替えたコピー: 出力の差の絶対値の最大",
    },
    "study.local-minima.h.loss_difference": {
        "en": "permuted copies: max |loss difference|",
        "ja": "並べ替えたコピー: 損失の差の絶対値の最大",
    },
    "study.local-minima.h.distance": {
        "en": "permuted copy: |θ' - θ| / |θ|",
        "ja": "並べ替えたコピー: |θ' - θ| / |θ|",
    },
    "study.local-minima.h.barrier": {
        "en": "highest loss on the straight lines between copies",
        "ja": "コピー間の直線上の最大の損失",
    },
    "study.local-minima.h.brute_force": {
        "en": "brute force, hidden (2, 3): permutations with equal output",
        "ja": "総当たり, 隠れ層 (2, 3): 出力が等しい並べ替えの数",
    },
    "study.local-minima.h.brute_force_distinct": {
        "en": "brute force: distinct parameter vectors among them",
        "ja": "総当たり: そのうち異なるパラメータベクトルの数",
    },
    "study.local-minima.h.brute_force_single_swaps": {
        "en": "brute force: one pair swapped in every layer",
        "ja": "総当たり: 各層で 1 組を入れ替えたもの",
    },
    "study.optimizers.h.mnist_best": {
        "en": "lowest MNIST test loss",
        "ja": "MNIST の最小のテスト損失",
    },
}
