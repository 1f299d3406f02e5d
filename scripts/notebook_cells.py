"""The cells of the notebooks in examples/notebooks/ (scripts/build_notebooks.py writes them).

A cell is ``("md", english, japanese)`` or ``("code", source)``: the two editions share every code
cell and differ only in their prose.
"""

from __future__ import annotations

# The Japanese edition's first code cell ends with this line: figures, tables and the
# displays of kobai then speak Japanese (the English edition leaves the default).
SETUP_JA = 'kb.set_language("ja")  # 図・表・表示を日本語に\n'

# What the code prints, in Japanese: each English phrase is replaced inside the string
# literals of the Japanese edition's code (longer phrases first where one contains another).
CODE_JA = {
    "chain rule:          ": "連鎖律:   ",
    "central differences: ": "中心差分: ",
    "step {": "ステップ {",
    "(error of d/dx x^3 at 1)": "(x^3 の x=1 での微分の誤差)",
    "'forward'": "'前進差分'",
    "'backward'": "'後退差分'",
    "'central'": "'中心差分'",
    "cross-entropy :": "交差エントロピー誤差:",
    "sum of squares:": "二乗和誤差:",
    ": loss {": ": 損失 {",
    "x after 30 steps =": "30 ステップ後の x =",
    "mean of E_n:": "E_n の平均:",
    " batch loss:": " バッチの損失:",
    ": first input of each batch": ": 各バッチの最初の入力",
    "epoch {": "エポック {",
    "largest output change:": "出力の変化の最大値:",
    "largest derivative": "導関数の最大値",
    "|grad| first layer / last layer": "|勾配| 最初の層 / 最後の層",
    "W after 3 steps": "3 ステップ後の W",
    "largest distance between the two Adam paths over 200 steps": (
        "200 ステップでの 2 つの Adam の経路の距離の最大値"
    ),
    "reconstruction error on held-out digits": "学習に使っていない数字の再構成誤差",
    "PCA, 8 components": "PCA（8 成分）",
    ": noisy {": ": ノイズあり {",
    ", denoised {": "、ノイズ除去後 {",
    "mean error, digits 0-4": "平均誤差（数字 0〜4）",
    "mean error, digits 5-9": "平均誤差（数字 5〜9）",
}

SETUP = (
    "code",
    """
import numpy as np

import kobai as kb
import kobai.viz
from kobai import nn, optim
""",
)

SOURCE_000 = [
    (
        "md",
        """
# Source 000: the loss surface of a single neuron

A neuron with no hidden layer computes $y = f(wx + b)$. With the mean squared error
$L(w, b) = \\frac{1}{N}\\sum_i (y_i - t_i)^2$ the loss is a **surface over the two parameters**
$(w, b)$, and gradient descent walks down it. This notebook draws that surface, checks the
chain-rule gradient of the source against numerical differentiation, and follows the path.
""",
        """
# 資料 000: ニューロン 1 個の損失曲面

隠れ層のないニューロンは $y = f(wx + b)$ を計算します。平均二乗誤差
$L(w, b) = \\frac{1}{N}\\sum_i (y_i - t_i)^2$ を使うと、損失は 2 つのパラメータ $(w, b)$ の上の
**曲面** になり、勾配降下法はその斜面を下っていきます。このノートブックでは曲面を描き、
資料の連鎖律による勾配を数値微分と比べ、更新の軌跡をたどります。
""",
    ),
    SETUP,
    (
        "md",
        """
The data are made by a neuron with $(w, b) = (2, -1)$ and a little noise. The source's chain
rule gives
$\\partial L/\\partial w = \\frac{2}{N}\\sum (y_i - t_i) f'(wx_i + b)\\,x_i$ and
$\\partial L/\\partial b = \\frac{2}{N}\\sum (y_i - t_i) f'(wx_i + b)$;
central differences must agree to many digits.
""",
        """
データは $(w, b) = (2, -1)$ のニューロンに少しノイズを加えて作ります。資料の連鎖律によると
$\\partial L/\\partial w = \\frac{2}{N}\\sum (y_i - t_i) f'(wx_i + b)\\,x_i$、
$\\partial L/\\partial b = \\frac{2}{N}\\sum (y_i - t_i) f'(wx_i + b)$ です。
中心差分による数値微分と何桁も一致するはずです。
""",
    ),
    (
        "code",
        """
from kobai.data import make_single_neuron
from kobai.landscape import neuron

x, t = make_single_neuron(100, w=2.0, b=-1.0, noise=0.05, rng=0)
x, t = x.astype(np.float64), t.astype(np.float64)
start = (-1.5, 2.5)
analytic = neuron.gradient(x, t, *start)
numerical = kb.numerical_grad(lambda p: neuron.loss(x, t, p[0], p[1]), np.array(start), h=1e-6)
print("chain rule:          ", analytic)
print("central differences: ", numerical)
assert np.allclose(analytic, numerical, rtol=1e-6)
""",
    ),
    (
        "md",
        """
Now descend from the start "x" with learning rate 2 and draw the surface, its contour lines
and the path. Each step leaves its contour line at a right angle: the gradient is
perpendicular to the contour.
""",
        """
スタート地点「x」から学習率 2 で降下し、曲面・等高線・軌跡を描きます。
勾配は等高線に垂直なので、各ステップは等高線を直角に横切ります。
""",
    ),
    (
        "code",
        """
path = neuron.descend_neuron(x, t, start, lr=2.0, steps=60)
for i in (0, 1, 2, 10, 60):
    w, b = path.points[i]
    print(f"step {i:3d}: w = {w: .4f}  b = {b: .4f}  L = {path.losses[i]:.6f}")

from kobai.viz.neuron import plot_neuron_landscape

w_values, b_values = np.linspace(-2, 6, 81), np.linspace(-5, 3, 81)
grid = neuron.loss_grid(x, t, w_values, b_values)
plot_neuron_landscape(w_values, b_values, grid, path, true_params=(2.0, -1.0), samples=len(x))
""",
    ),
    (
        "md",
        """
In two dimensions a path can go *around* a hill, which no one-dimensional path can do.
""",
        """
2 次元では、1 次元ではありえない「山を回り込む」経路が現れます。
""",
    ),
    (
        "code",
        """
from kobai.landscape import descend, get_function
from kobai.viz.descent import plot_race

hill = get_function("hill")
runs = descend(hill, ["sgd", "momentum"], steps=100)
print({name: round(float(run.values[-1]), 4) for name, run in runs.items()})
plot_race(hill, runs)
""",
    ),
]

SOURCE_001 = [
    (
        "md",
        """
# Source 001: gradient descent, loss functions, numerical differentiation

Point A is $x = 2$ on $f(x) = x^2/2$. With the learning rate $\\eta = 0.1$, the update
$x \\leftarrow x - \\eta f'(x)$ gives $x = 1.80$ ($f = 1.62$), then $x = 1.62$ ($f = 1.31$), and
so on towards the minimum at 0. kobai takes $f'(x)$ by backpropagation. A tensor left as a
cell's last line shows its shape, dtype, gradient state and values.
""",
        """
# 資料 001: 勾配降下法・損失関数・数値微分

$f(x) = x^2/2$ の上の点 A は $x = 2$ です。学習率 $\\eta = 0.1$ で
$x \\leftarrow x - \\eta f'(x)$ と更新すると $x = 1.80$（$f = 1.62$）、次に $x = 1.62$
（$f = 1.31$）となり、最小値 0 に近づいていきます。kobai は $f'(x)$ を誤差逆伝播法で求めます。
セルの最後の行にテンソルを置くと、形・データ型・勾配の状態・値が表示されます。
""",
    ),
    SETUP,
    (
        "code",
        """
x = kb.tensor(2.0, dtype="float64", requires_grad=True)
for step in range(1, 6):
    f = x**2 / 2
    f.backward()
    x = kb.tensor(x.item() - 0.1 * float(x.grad), dtype="float64", requires_grad=True)
    print(f"step {step}: x = {x.item():.4f}  f(x) = {(x**2 / 2).item():.4f}")
x
""",
    ),
    (
        "md",
        """
**Numerical differentiation** approximates the derivative with a small $h$. The forward and
backward differences have an error of order $h$; the central difference of order $h^2$.
""",
        """
**数値微分** は小さな $h$ で微分を近似します。前進差分と後退差分の誤差は $h$ の 1 次、
中心差分の誤差は $h^2$ のオーダーです。
""",
    ),
    (
        "code",
        """
for method in ("forward", "backward", "central"):
    print(f"{method:>8}: {kb.numerical_grad(lambda x: x**2 / 2, 2.0, h=1e-3, method=method):.10f}")

print(f"{'h':>7} {'forward':>10} {'backward':>10} {'central':>10}   (error of d/dx x^3 at 1)")
for h in (1e-1, 1e-2, 1e-3):
    errors = [abs(kb.numerical_grad(lambda x: x**3, 1.0, h=h, method=m) - 3.0)
              for m in ("forward", "backward", "central")]
    print(f"{h:>7g}" + "".join(f" {e:>10.2e}" for e in errors))
""",
    ),
    (
        "md",
        """
The two loss functions of the source, for an output $y$ and a one-hot target $t$:
cross-entropy $E = -\\sum_k t_k \\log y_k$ and the sum of squares
$E = \\frac{1}{2}\\sum_k (y_k - t_k)^2$.
""",
        """
資料の 2 つの損失関数（出力 $y$、one-hot の正解 $t$）：交差エントロピー
$E = -\\sum_k t_k \\log y_k$ と二乗和誤差 $E = \\frac{1}{2}\\sum_k (y_k - t_k)^2$。
""",
    ),
    (
        "code",
        """
y = kb.tensor([[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]], dtype="float64")
t = np.zeros((1, 10))
t[0, 2] = 1.0
print("cross-entropy :", round(-(kb.tensor(t) * (y + 1e-7).log()).sum().item(), 4))
print("sum of squares:", round(nn.SSELoss()(y, t).item(), 4))
""",
    ),
    (
        "md",
        """
Finally the same small network trained twice: with numerically computed gradients and by
backpropagation. The results agree; the cost does not.
""",
        """
最後に、同じ小さなネットワークを数値微分の勾配と誤差逆伝播法の勾配で 1 回ずつ学習させます。
結果は一致しますが、計算コストはまったく違います。
""",
    ),
    (
        "code",
        """
import time

from kobai.data import make_moons
from kobai.models import MLP
from kobai.viz import plot_learning_curves

xs, ys = make_moons(200, noise=0.2, rng=0)
xs = xs.astype(np.float64)
histories = {}
for gradient in ("backprop", "numerical"):
    model = MLP(2, [6], 2, activation="tanh", rng=0, dtype=np.float64)
    started = time.perf_counter()
    histories[gradient] = kb.fit(model, (xs, ys), loss=nn.CrossEntropyLoss(), gradient=gradient,
                                 numerical_h=1e-6, optimizer=optim.SGD(model.parameters(), lr=0.5),
                                 batch_size=50, epochs=10, rng=0)
    last = histories[gradient].last()
    print(f"{gradient:>9}: loss {last['train_loss']:.6f}, {time.perf_counter() - started:.2f} s")
plot_learning_curves(histories)
""",
    ),
    (
        "md",
        """
`fit` returns a `History`: one row per epoch with the loss, the accuracy, the learning rate,
the gradient norm and the time. A notebook shows it as a table (the first and last epochs of
a long run); `history["train_loss"]` is one column as a list.
""",
        """
`fit` は `History` を返します。エポックごとに 1 行で、損失・正解率・学習率・勾配ノルム・
時間が記録されています。ノートブックでは表として表示されます（長い学習では最初と最後の
エポックだけ）。`history["train_loss"]` で 1 列をリストとして取り出せます。
""",
    ),
    (
        "code",
        """
histories["numerical"]
""",
    ),
]

SOURCE_002 = [
    (
        "md",
        """
# Source 002: gradient descent as optimisation

$\\theta(t+1) = \\theta(t) - \\epsilon\\,\\nabla E(\\theta(t))$ is repeated until $\\theta$ stops
changing. The learning rate $\\epsilon$ is chosen by trial: too large fails to converge, too
small makes no progress. On $f(x) = x^2/2$ every step multiplies $x$ by $(1 - \\epsilon)$.
""",
        """
# 資料 002: 最適化としての勾配降下法

$\\theta(t+1) = \\theta(t) - \\epsilon\\,\\nabla E(\\theta(t))$ を $\\theta$ が変化しなくなるまで
繰り返します。学習率 $\\epsilon$ は試行錯誤で決めます。大きすぎると収束せず、小さすぎると
進みません。$f(x) = x^2/2$ では、各ステップで $x$ が $(1 - \\epsilon)$ 倍になります。
""",
    ),
    SETUP,
    (
        "code",
        """
from kobai.landscape import descend, get_function
from kobai.viz.descent import plot_descent_1d

quadratic = get_function("quadratic")
settings = {f"lr {lr}": {"name": "sgd", "lr": lr} for lr in (0.01, 0.5, 1.9, 2.1)}
runs = descend(quadratic, settings, start=2.0, steps=30)
for label, run in runs.items():
    print(f"{label:>8}: x after 30 steps = {run.points[-1][0]: .4g}")
chosen = {k: runs[k] for k in ("lr 0.01", "lr 1.9", "lr 2.1")}
plot_descent_1d(quadratic, chosen, annotate=3, tangents=0)
""",
    ),
    (
        "md",
        """
**Batch and mini-batch learning.** Batch learning averages the per-sample losses $E_n$ over
all $N$ samples; mini-batch learning over a random subset $B(t)$; every epoch splits the data
into mini-batches anew.
""",
        """
**バッチ学習とミニバッチ学習。** バッチ学習は 1 サンプルごとの損失 $E_n$ を全 $N$ 個で平均し、
ミニバッチ学習はランダムな部分集合 $B(t)$ で平均します。エポックごとにデータを新しく
ミニバッチに分け直します。
""",
    ),
    (
        "code",
        """
from kobai.models import MLP

rng = np.random.default_rng(0)
model = MLP(2, [4], 1, rng=0, dtype=np.float64)
xb, yb = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
with kb.no_grad():
    per_sample = nn.SSELoss(reduction="none")(model(kb.Tensor(xb)), yb).data
    batch = nn.SSELoss()(model(kb.Tensor(xb)), yb).item()
print("mean of E_n:", per_sample.mean(), " batch loss:", batch)
loader = kb.data.DataLoader(xb, yb, batch_size=3, rng=0)
for epoch in (1, 2):
    firsts = [round(float(x[0, 0]), 2) for x, _ in loader]
    print(f"epoch {epoch}: first input of each batch", firsts)
""",
    ),
    (
        "md",
        """
**Permutation symmetry.** Swapping hidden units together with their incoming and outgoing
weights moves the parameters but leaves the output unchanged: every minimum comes in copies.
""",
        """
**置換対称性。** 隠れユニットを、入ってくる重み・出ていく重みと一緒に入れ替えると、
パラメータは動いても出力は変わりません。だから最小値はいくつもの複製を持ちます。
""",
    ),
    (
        "code",
        """
from kobai.studies.symmetry import permute_hidden_units

net = MLP(3, [5, 4], 2, activation="tanh", rng=0, dtype=np.float64)
inputs = kb.Tensor(np.random.default_rng(0).standard_normal((8, 3)))
copy = permute_hidden_units(net, [np.array([4, 3, 2, 1, 0]), np.array([1, 0, 3, 2])])
with kb.no_grad():
    print("largest output change:", np.max(np.abs(copy(inputs).data - net(inputs).data)))
""",
    ),
]

SOURCE_003 = [
    (
        "md",
        """
# Source 003: backpropagation, activations and vanishing gradients

Backpropagation runs the network forward, computes the loss, then sends the gradient back
through every operation by the chain rule. kobai records each operation in a **computational
graph**; `kobai.viz.graph` draws it, with every value and, after `backward()`, every gradient.
""",
        """
# 資料 003: 誤差逆伝播法・活性化関数・勾配消失

誤差逆伝播法は、順伝播で出力と損失を計算し、連鎖律によって勾配を各演算へ逆向きに伝えます。
kobai は各演算を **計算グラフ** に記録します。`kobai.viz.graph` はそのグラフを描き、
各ノードの値と、`backward()` の後にはその勾配も表示します。
""",
    ),
    SETUP,
    (
        "md",
        """
A single neuron with a sigmoid, $y = \\sigma(wx + b)$, and the squared error against a target.
Capture the graph before `backward()`; display it afterwards to see the gradients.
""",
        """
シグモイドを使うニューロン 1 個 $y = \\sigma(wx + b)$ と、正解との二乗誤差です。
`backward()` の前にグラフを記録し、後で表示すると勾配が見えます。
""",
    ),
    (
        "code",
        """
w = kb.tensor(0.5, dtype="float64", requires_grad=True)
b = kb.tensor(-0.2, dtype="float64", requires_grad=True)
x, target = 1.5, 1.0
loss = ((w * x + b).sigmoid() - target) ** 2
graph = kb.viz.graph(loss, params={"w": w, "b": b})
loss.backward()
print("dL/dw =", float(w.grad), " dL/db =", float(b.grad))
graph
""",
    ),
    (
        "md",
        """
The chain rule by hand gives the same numbers:
$\\partial L/\\partial w = 2(y - t)\\,\\sigma'(wx+b)\\,x$ with $\\sigma' = \\sigma(1-\\sigma)$.
""",
        """
連鎖律を手で計算しても同じ値になります：
$\\partial L/\\partial w = 2(y - t)\\,\\sigma'(wx+b)\\,x$、ただし $\\sigma' = \\sigma(1-\\sigma)$。
""",
    ),
    (
        "code",
        """
s = 1 / (1 + np.exp(-(0.5 * x - 0.2)))
by_hand = 2 * (s - target) * s * (1 - s) * x
print(by_hand, float(w.grad))
assert np.isclose(by_hand, float(w.grad))
""",
    ),
    (
        "md",
        """
A two-layer network with softmax and cross-entropy: the layers appear as single nodes, and the
parameters carry their names.
""",
        """
ソフトマックスと交差エントロピーを使う 2 層ネットワークです。各層は 1 つのノードとして表示され、
パラメータには名前が付きます。
""",
    ),
    (
        "code",
        """
model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Sigmoid(), nn.Linear(3, 2, rng=1))
inputs = kb.tensor(np.random.default_rng(0).normal(size=(4, 2)).astype("float32"))
loss = nn.CrossEntropyLoss()(model(inputs), kb.tensor(np.array([0, 1, 1, 0])))
graph = kb.viz.graph(loss, params=model.named_parameters())
loss.backward()
graph
""",
    ),
    (
        "md",
        """
`nn.summary` runs the model once on zeros and lists its layers, their output shapes and
their parameter counts ($2 \\times 3 + 3 = 9$ and $3 \\times 2 + 2 = 8$).
""",
        """
`nn.summary` はモデルをゼロの入力で 1 回動かし、層・出力の形・パラメータ数を一覧にします
（$2 \\times 3 + 3 = 9$ と $3 \\times 2 + 2 = 8$）。
""",
    ),
    (
        "code",
        """
nn.summary(model, (2,), print_fn=None)
""",
    ),
    (
        "md",
        """
**Activations and vanishing gradients.** The sigmoid's derivative is at most 0.25, so the
gradient shrinks at every sigmoid layer it passes; tanh's is at most 1 and ReLU's is 1 for
positive inputs.
""",
        """
**活性化関数と勾配消失。** シグモイドの導関数は最大でも 0.25 なので、シグモイド層を通るたびに
勾配は小さくなります。tanh の導関数は最大 1、ReLU は正の入力で 1 です。
""",
    ),
    (
        "code",
        """
from kobai.viz.activations import activation_curve, plot_activations

grid = np.linspace(-10, 10, 20001)
for name in ("sigmoid", "tanh", "relu"):
    f, df = activation_curve(name, grid)
    print(f"{name:>8}: largest derivative {df.max():.3f}")
plot_activations(names=["sigmoid", "tanh", "relu", "leaky_relu"])
""",
    ),
    (
        "code",
        """
from kobai.models import MLP

batch_x = kb.tensor(np.random.default_rng(1).normal(size=(64, 8)))
labels = np.random.default_rng(2).integers(0, 2, size=64)
for activation in ("sigmoid", "relu"):
    deep = MLP(8, [16] * 6, 2, activation=activation, rng=0, dtype=np.float64)
    nn.CrossEntropyLoss()(deep(batch_x), labels).backward()
    norms = [float(np.linalg.norm(p.grad)) for n, p in deep.named_parameters() if "weight" in n]
    print(f"{activation:>8}: |grad| first layer / last layer = {norms[0] / norms[-1]:.2e}")
""",
    ),
]

SOURCE_004 = [
    (
        "md",
        """
# Source 004: SGD, Momentum, AdaGrad and Adam

The source writes each optimiser as a few lines of NumPy over dictionaries of arrays. kobai has
those textbook forms in `kobai.optim.textbook`, beside PyTorch-faithful optimisers in
`kobai.optim`. The formulas:

- SGD: $W \\leftarrow W - \\eta g$
- Momentum: $v \\leftarrow \\alpha v - \\eta g,\\; W \\leftarrow W + v$
- AdaGrad: $h \\leftarrow h + g^2,\\; W \\leftarrow W - \\eta g / (\\sqrt{h} + 10^{-7})$
- Adam: moving averages of $g$ and $g^2$ with bias correction folded into $\\eta_t$
""",
        """
# 資料 004: SGD・Momentum・AdaGrad・Adam

資料は各最適化手法を、配列の辞書に対する数行の NumPy コードとして書いています。kobai は
その教科書どおりの形を `kobai.optim.textbook` に、PyTorch と同じ振る舞いの最適化手法を
`kobai.optim` に用意しています。更新式：

- SGD: $W \\leftarrow W - \\eta g$
- Momentum: $v \\leftarrow \\alpha v - \\eta g,\\; W \\leftarrow W + v$
- AdaGrad: $h \\leftarrow h + g^2,\\; W \\leftarrow W - \\eta g / (\\sqrt{h} + 10^{-7})$
- Adam: $g$ と $g^2$ の移動平均、バイアス補正は $\\eta_t$ に含める
""",
    ),
    SETUP,
    (
        "code",
        """
from kobai.optim import textbook

params = {"W": np.array([1.0, -2.0])}
grads = {"W": np.array([0.5, -1.0])}
for name, make in (("SGD", textbook.SGD), ("Momentum", textbook.Momentum),
                   ("AdaGrad", textbook.AdaGrad), ("Adam", textbook.Adam)):
    p = {k: v.copy() for k, v in params.items()}
    opt = make()
    for _ in range(3):
        opt.update(p, grads)
    print(f"{name:>8}: W after 3 steps = {np.round(p['W'], 6)}")
""",
    ),
    (
        "md",
        """
A race on Beale's function: the same start, each optimiser with the source's settings.
""",
        """
Beale 関数の上での競争です。同じ出発点から、各手法を資料の設定で走らせます。
""",
    ),
    (
        "code",
        """
from kobai.landscape import descend, get_function
from kobai.viz.descent import plot_race

beale = get_function("beale")
names = ("sgd", "momentum", "adagrad", "adam")
runs = descend(beale, {name: {"name": f"textbook-{name}"} for name in names}, steps=300)
for name, run in runs.items():
    print(f"{name:>9}: f = {float(run.values[-1]):.3g}")
plot_race(beale, runs)
""",
    ),
    (
        "md",
        """
The same race as an animation that plays here in the notebook (no file, no ffmpeg): the
paths grow step by step, and the values beside them show who is ahead.
""",
        """
同じ競争をアニメーションで。ノートブックの中でそのまま再生できます（ファイルも ffmpeg も
不要）。経路が 1 ステップずつ伸び、右側の値でどの手法が先行しているかが分かります。
""",
    ),
    (
        "code",
        """
from kobai.viz import animate_race

animate_race(beale, runs, max_frames=40)
""",
    ),
    (
        "md",
        """
The textbook forms and PyTorch's differ in small ways (the momentum buffer's sign, where
epsilon sits). On the same problem the paths stay close:
""",
        """
教科書の形と PyTorch の形は細部が違います（モメンタムの符号、イプシロンの位置）。
同じ問題では軌跡はほぼ重なります：
""",
    ),
    (
        "code",
        """
rosenbrock = get_function("rosenbrock")
pair = descend(rosenbrock, {"textbook": {"name": "textbook-adam", "lr": 1e-3},
                            "pytorch": {"name": "adam", "lr": 1e-3}}, steps=200)
gap = np.max(np.linalg.norm(pair["textbook"].points - pair["pytorch"].points, axis=1))
print(f"largest distance between the two Adam paths over 200 steps: {gap:.2e}")
""",
    ),
]

AUTOENCODERS = [
    (
        "md",
        """
# Autoencoders (source 003), measured against PCA

An autoencoder squeezes its input through a small **latent** layer and learns to rebuild it.
Trained on clean digits it reconstructs; trained on noisy inputs with clean targets it
denoises; trained on one kind of data its reconstruction error flags everything else.
""",
        """
# オートエンコーダ（資料 003）と PCA の比較

オートエンコーダは入力を小さな **潜在** 層に押し込み、元に戻すことを学習します。
きれいな数字で学習すれば再構成を、ノイズ入りの入力ときれいな正解で学習すればノイズ除去を、
1 種類のデータだけで学習すれば再構成誤差で他のものを見分ける異常検知を行います。
""",
    ),
    SETUP,
    (
        "code",
        """
from kobai.data import load_mnist_subset
from kobai.models import DenseAutoencoder, GaussianNoise, evaluate_denoising
from kobai.models.reconstruction import reconstruct, reconstruction_error, train_autoencoder

x, y = load_mnist_subset("train")
xt, yt = load_mnist_subset("test")
x, y, xt, yt = x[:3000], y[:3000], xt[:500], yt[:500]
settings = {"epochs": 6, "lr": 5e-3, "batch_size": 64, "rng": 0, "progress": False}
model = DenseAutoencoder(784, [128], 8, rng=0)
history = train_autoencoder(model, x, **settings)
print(f"reconstruction error on held-out digits: {reconstruction_error(model, xt).mean():.4f}")
nn.summary(model, (784,), print_fn=None)
""",
    ),
    (
        "md",
        """
The table above is the autoencoder: 784 pixels squeezed through 128 units into an 8-number
code and back. Below, its training history, epoch by epoch.
""",
        """
上の表がオートエンコーダです。784 画素を 128 ユニットを通して 8 個の数の符号に圧縮し、
また元に戻します。下はエポックごとの学習履歴です。
""",
    ),
    (
        "code",
        """
history
""",
    ),
    (
        "md",
        """
PCA with the same 8 dimensions, for comparison (needs scikit-learn): the autoencoder's
non-linear code rebuilds the digits better.
""",
        """
比較のため、同じ 8 次元の PCA（scikit-learn が必要です）。オートエンコーダの非線形な
符号のほうが数字をよく再構成します。
""",
    ),
    (
        "code",
        """
from kobai.models.anomaly import fit_pca, pca_reconstruction_error

print(f"PCA, 8 components: {pca_reconstruction_error(fit_pca(x, 8), xt).mean():.4f}")
""",
    ),
    (
        "code",
        """
from kobai.viz.autoencoder import plot_image_rows

denoiser = DenseAutoencoder(784, [128], 8, noise=GaussianNoise(0.3, rng=1), rng=0)
train_autoencoder(denoiser, x, **settings)
noisy = GaussianNoise(0.3).corrupt(xt, rng=2)
result = evaluate_denoising(denoiser, xt, noisy)
print(f"PSNR: noisy {result.psnr_noisy:.1f} dB, denoised {result.psnr_denoised:.1f} dB")
rows = {"clean": xt[:8], "reconstructed": reconstruct(model, xt[:8]),
        "noisy": noisy[:8], "denoised": result.denoised[:8]}
plot_image_rows(rows, title="Dense autoencoder, 8 latent units")
""",
    ),
    (
        "md",
        """
Anomaly detection: train on the digits 0-4 only; the others reconstruct worse.
""",
        """
異常検知：数字 0〜4 だけで学習すると、それ以外の数字は再構成誤差が大きくなります。
""",
    ),
    (
        "code",
        """
detector = DenseAutoencoder(784, [128], 8, rng=0)
train_autoencoder(detector, x[y < 5], **settings)
scores = reconstruction_error(detector, xt)
print(f"mean error, digits 0-4: {scores[yt < 5].mean():.4f}")
print(f"mean error, digits 5-9: {scores[yt >= 5].mean():.4f}")
""",
    ),
]

NOTEBOOKS = {
    "000_single_neuron": SOURCE_000,
    "001_gradient_descent": SOURCE_001,
    "002_learning_rate_and_minibatches": SOURCE_002,
    "003_backprop_and_activations": SOURCE_003,
    "004_optimizers": SOURCE_004,
    "autoencoders": AUTOENCODERS,
}
