"""The words of the studies whose whole report speaks Japanese (:mod:`kobai.studies`): setup,
findings (put into words from the same numbers in either language), captions and tables."""

from __future__ import annotations

N = "study.numerical-vs-backprop"
B = "study.batch-modes"
O = "study.optimizers"

FINDINGS: dict[str, dict[str, str]] = {
    # kobai study numerical-vs-backprop (source document 001)
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
    # kobai study batch-modes (source documents 002 and 003)
    f"{B}.mode.full": {"en": "full batch", "ja": "フルバッチ"},
    f"{B}.mode.stochastic": {"en": "stochastic", "ja": "確率的"},
    f"{B}.mode.mini": {"en": "mini-batch {size}", "ja": "ミニバッチ {size}"},
    f"{B}.setup": {
        "en": "One network, 784 → {hidden} (ReLU) → 10, starts from the same initial weights in "
        "every mode and is trained with plain SGD (lr {lr}) on {n} MNIST digits for {epochs} "
        "epochs; the loss is cross-entropy and the test loss is measured on {n_test} other "
        "digits before training and after every epoch. Only the batch size differs: all {n} "
        "samples (full batch), 1, 32, 64 or 128.",
        "ja": "1 つのネットワーク 784 → {hidden} (ReLU) → 10 を、どのモードでも同じ初期値から、"
        "素の SGD (lr {lr}) で MNIST の数字画像 {n} 個について {epochs} エポック学習する。"
        "損失は交差エントロピーで、テスト損失は別の {n_test} 個の画像で学習前と各エポックの後に"
        "測る。違うのはバッチサイズだけ: {n} サンプル全部 (フルバッチ), 1, 32, 64, 128。",
    },
    f"{B}.summary": {"en": "measured per mode", "ja": "モードごとの測定値"},
    f"{B}.col.mode": {"en": "mode", "ja": "モード"},
    f"{B}.col.updates": {"en": "updates/epoch", "ja": "更新回数/エポック"},
    f"{B}.col.s_epoch": {"en": "s/epoch", "ja": "秒/エポック"},
    f"{B}.col.noise": {"en": "gradient noise", "ja": "勾配のノイズ"},
    f"{B}.col.test_loss": {"en": "test loss", "ja": "テスト損失"},
    f"{B}.col.test_accuracy": {"en": "test accuracy", "ja": "テスト正解率"},
    f"{B}.f.cost_full": {
        "en": "Cost: one full-batch update takes {full_ms} ms and one stochastic update "
        "{sgd_ms} ms ({ratio} times as long). A whole epoch takes {full_s} s with the full "
        "batch and {sgd_s} s with {updates} single-sample updates: per epoch the full batch "
        "mode is the cheaper, because one large matrix product costs far less than many small "
        "ones.",
        "ja": "コスト: フルバッチの更新一回は {full_ms} ms、確率的な更新一回は {sgd_ms} ms "
        "({ratio} 倍の長さ)。エポック全体では、フルバッチで {full_s} 秒、サンプル一つずつの更新 "
        "{updates} 回で {sgd_s} 秒: エポックあたりではフルバッチのほうが安い。大きな行列積一回は"
        "小さな行列積を何度も行うよりずっと安いからである。",
    },
    f"{B}.f.cost_sgd": {
        "en": "Cost: one full-batch update takes {full_ms} ms and one stochastic update "
        "{sgd_ms} ms ({ratio} times as long). A whole epoch takes {full_s} s with the full "
        "batch and {sgd_s} s with {updates} single-sample updates: per epoch the stochastic "
        "mode is the cheaper.",
        "ja": "コスト: フルバッチの更新一回は {full_ms} ms、確率的な更新一回は {sgd_ms} ms "
        "({ratio} 倍の長さ)。エポック全体では、フルバッチで {full_s} 秒、サンプル一つずつの更新 "
        "{updates} 回で {sgd_s} 秒: エポックあたりでは確率的なモードのほうが安い。",
    },
    f"{B}.f.stability": {
        "en": "Stability: the gradient of one sample strays from the full gradient by "
        "{sgd_noise} times the full gradient's length (rms); a batch of 128 by {mb_noise}; the "
        "full batch by 0. On a log-log scale the noise falls with slope {slope} against the "
        "batch size (1/sqrt(b) is -0.5). The loss moves by {sgd_jitter} (standard deviation) "
        "from one stochastic update to the next, by {mb_jitter} with batches of 32 and by "
        "{full_jitter} with the full batch.",
        "ja": "安定性: 一つのサンプルの勾配は全体の勾配から、全体の勾配の長さの {sgd_noise} 倍 "
        "(二乗平均平方根) ずれる。バッチサイズ 128 では {mb_noise}、フルバッチでは 0。両対数で"
        "見ると、ノイズはバッチサイズに対して傾き {slope} で下がる (1/sqrt(b) なら -0.5)。"
        "損失は確率的な更新ごとに {sgd_jitter} (標準偏差) 動き、バッチサイズ 32 では "
        "{mb_jitter}、フルバッチでは {full_jitter} 動く。",
    },
    f"{B}.f.progress": {
        "en": "Progress for the same {epochs} epochs: {progress} (test loss; {before} before "
        "training). The full batch makes only {epochs} updates in that budget.",
        "ja": "同じ {epochs} エポックでの進み具合: {progress} (テスト損失; 学習前は {before})。"
        "フルバッチはその間に {epochs} 回しか更新しない。",
    },
    f"{B}.f.progress_item": {"en": "{mode} {loss}", "ja": "{mode} {loss}"},
    f"{B}.f.memory": {
        "en": "Memory: backpropagation keeps {kb} kB per sample of this network (its input and "
        "every layer's output) of this network, so a full batch of all {n} MNIST training "
        "images needs {mb_full} MB for one update, a batch of 128 needs {mb_128} MB, whatever "
        "the size of the data set.",
        "ja": "メモリ: 誤差逆伝播法はこのネットワークでサンプルあたり {kb} kB (入力と各層の出力) "
        "を保持する。そのため MNIST の訓練画像 {n} 枚すべてのフルバッチでは 一回の更新に "
        "{mb_full} MB が要り、バッチサイズ 128 ならデータセットの大きさによらず {mb_128} MB で"
        "済む。",
    },
    f"{B}.fig.curves": {
        "en": "Test loss against epochs (left) and against seconds of training (right). The "
        "full batch makes one update per epoch, SGD one per sample.",
        "ja": "エポックに対するテスト損失 (左) と学習時間 (秒) に対するテスト損失 (右)。"
        "フルバッチは 1 エポックに 1 回、SGD は 1 サンプルごとに 1 回更新する。",
    },
    f"{B}.fig.noise": {
        "en": "Left: the loss of the batch used by every update (SGD: one sample). Right: how "
        "far the gradient of a random batch strays from the full gradient, at the initial "
        "weights, against the batch size.",
        "ja": "左: 各更新で使ったバッチの損失 (SGD では 1 サンプル)。右: 初期値において、"
        "ランダムなバッチの勾配が全体の勾配からどれだけずれるか (バッチサイズに対して)。",
    },
    f"{B}.table": {"en": "The source's table, measured", "ja": "出典の表を測ってみる"},
    f"{B}.table.caption": {
        "en": "Words from the source's table beside the numbers measured here. Gradient noise: "
        "rms distance of a batch gradient from the full gradient, relative to its length. "
        "Loss jitter: standard deviation of the change of the loss between consecutive "
        "updates in the last epoch. Memory: the input and the layer outputs kept for the "
        "backward pass.",
        "ja": "出典の表の言葉と、ここで測った数値。勾配のノイズ: バッチの勾配と全体の勾配との"
        "距離の二乗平均平方根 (全体の勾配の長さに対する比)。損失の揺れ: 最後のエポックで"
        "連続する更新の間の損失の変化の標準偏差。メモリ: 逆伝播のために保持する入力と各層の"
        "出力。",
    },
    # kobai study optimizers (source documents 003 and 004)
    f"{O}.setup": {
        "en": "MNIST: a network 784 → {hidden} (ReLU) → 10 trained on {n} digits for {epochs} "
        "epochs with batches of {batch}, from {seeds} initialisations (seeds); every optimiser "
        "starts from the same {seeds} networks and sees the same batches. Settings: {settings}, "
        "the PyTorch-faithful forms (`kobai.optim`). 2-D functions: each optimiser runs {steps} "
        "steps from the function's start with the learning rate that suits its family on that "
        "function (`kobai.landscape`).",
        "ja": "MNIST: ネットワーク 784 → {hidden} (ReLU) → 10 を、数字画像 {n} 個でバッチサイズ "
        "{batch}、{epochs} エポック、{seeds} 通りの初期値 (シード) から学習する。どの最適化手法も"
        "同じ {seeds} 個のネットワークから始め、同じバッチを見る。設定: {settings} "
        "(PyTorch と同じ形, `kobai.optim`)。2 次元の関数: 各最適化手法は関数の初期値から、その"
        "関数でその系統に合う学習率で {steps} ステップ進む (`kobai.landscape`)。",
    },
    f"{O}.summary.mnist": {
        "en": "MNIST after the last epoch (mean and standard deviation over seeds)",
        "ja": "最後のエポックの後の MNIST (シードについての平均と標準偏差)",
    },
    f"{O}.summary.races": {
        "en": "2-D functions: steps until f - f* is 1 % of its start value (—: never)",
        "ja": "2 次元の関数: f - f* が初期値の 1 % になるまでのステップ数 (—: 到達せず)",
    },
    f"{O}.col.optimizer": {"en": "optimizer", "ja": "最適化手法"},
    f"{O}.col.test_loss": {"en": "test loss", "ja": "テスト損失"},
    f"{O}.col.test_accuracy": {"en": "test accuracy", "ja": "テスト正解率"},
    f"{O}.col.function": {"en": "function", "ja": "関数"},
    f"{O}.f.mnist": {
        "en": "MNIST, test loss after the last epoch (mean over seeds): {losses}.",
        "ja": "MNIST, 最後のエポックの後のテスト損失 (シードについての平均): {losses}。",
    },
    f"{O}.f.mnist_sgd_slowest": {
        "en": "MNIST, test loss after the last epoch (mean over seeds): {losses}. With source "
        "004's learning rates plain SGD ({lr}) is the slowest: its steps are as small as its "
        "gradients.",
        "ja": "MNIST, 最後のエポックの後のテスト損失 (シードについての平均): {losses}。"
        "出典 004 の学習率では素の SGD ({lr}) が最も遅い: ステップが勾配と同じくらい小さいから"
        "である。",
    },
    f"{O}.f.race": {
        "en": "{name} ({description}): steps to get 99 % of the way down: {steps} (of {total}). "
        "Plain SGD ends with status '{status}'.",
        "ja": "{name} ({description}): 99 % まで下るのに要したステップ数: {steps} ({total} "
        "ステップ中)。素の SGD の最後の状態は「{status}」。",
    },
    f"{O}.never": {"en": "never", "ja": "到達せず"},
    f"{O}.item": {"en": "{name} {value}", "ja": "{name} {value}"},
    f"{O}.fig.mnist": {
        "en": "Test loss and accuracy before training and after each epoch: the line is the mean "
        "over seeds, the band one standard deviation.",
        "ja": "学習前と各エポックの後のテスト損失と正解率: 線はシードについての平均、帯は標準偏差"
        "一つ分。",
    },
    f"{O}.fig.race": {"en": "{name}: {description}.", "ja": "{name}: {description}。"},
    f"{O}.table.results": {
        "en": "Every MNIST run, epoch by epoch (epoch 0: before training).",
        "ja": "MNIST のすべての実行をエポックごとに (エポック 0: 学習前)。",
    },
    f"{O}.table.races": {"en": "The races on 2-D functions.", "ja": "2 次元の関数での競争。"},
}
