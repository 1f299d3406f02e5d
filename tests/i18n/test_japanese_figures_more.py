"""Japanese figures of trained runs: loss landscapes, autoencoders, the studies' figures, the
computational graph and the race animation. Every text Japanese where it is words, no glyph
missing, a true minus sign on negative ticks."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from kobai.i18n import language
from kobai.viz import autoencoder, graph, landscape, style
from kobai.viz import studies as S
from kobai.viz.style import pyplot

from .conftest import OUT_DIR_ENV


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every saved figure's texts, by file name (tick labels included)."""
    kept: dict[str, str] = {}
    for module in (style,):  # landscape and autoencoder save through it
        real = module.save_figure

        def keep(fig, path, *, formats=("png",), _real=real):  # type: ignore[no-untyped-def]
            kept[Path(path).name] = texts_of(fig)
            return _real(fig, path, formats=formats)

        monkeypatch.setattr(module, "save_figure", keep)
    return kept


def texts_of(fig: Any) -> str:
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels exist only once drawn
    return "\n".join(sorted(t.get_text() for t in fig.findobj(Text) if t.get_text()))


def out_dir(tmp_path: Path) -> Path:
    return Path(os.environ.get(OUT_DIR_ENV, tmp_path))


def glyph_warnings(caught: list) -> list[str]:
    return [
        str(w.message) for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)
    ]


def _landscapes(out: Path) -> None:
    a = np.linspace(-1, 2, 41)
    line = SimpleNamespace(alphas=a, loss=0.5 + (a - 1) ** 2, metric=1 - 0.1 * a**2,
                           metric_name="accuracy")  # fmt: skip
    xs = ys = np.linspace(-1, 1, 21)
    X, Y = np.meshgrid(xs, ys)
    surface = SimpleNamespace(xs=xs, ys=ys, loss=0.05 + X**2 + 3 * Y**2)
    path = np.array([[-0.8, 0.7], [-0.4, 0.3], [-0.1, 0.05], [0.0, 0.0]])
    result = SimpleNamespace(title="mlp:16 on moons, adam", samples=1200, mode="pca",
                             axis_labels=("PC1: 91.2% of variance", "PC2: 5.1% of variance"),
                             line=line, interpolation=line, surface=surface, trajectory=path,
                             epochs=[0, 1, 2, 3])  # fmt: skip
    landscape.plot_run_landscape(result, out / "landscape", formats=("png",))
    landscape.plot_loss_surface(
        surface, out / "landscape_random", axis_labels=("direction 1 (filter-normalised)",
                                                        "direction 2 (filter-normalised)"),
        formats=("png",),
    )  # fmt: skip


def _autoencoders(out: Path) -> None:
    rng = np.random.default_rng(0)
    labels = np.r_[np.zeros(60, int), np.ones(20, int)]
    scores = np.r_[rng.gamma(2, 0.01, 60), rng.gamma(2, 0.04, 20)]
    fpr = np.linspace(0, 1, 11)
    r = SimpleNamespace(scores=scores, labels=labels, threshold=0.05, auc=0.912, precision=0.8,
                        recall=0.7, fpr=fpr, tpr=np.sqrt(fpr), false_positive_rate=0.1)  # fmt: skip
    results = {"mlp:64 オートエンコーダ": r, "PCA (k=8)": r}
    autoencoder.plot_score_histograms(results, out / "ae_scores")
    autoencoder.plot_roc_curves(results, out / "ae_roc")
    images = rng.random((12, 64))
    autoencoder.plot_extremes(images, rng.random(12), out / "ae_extremes", labels=np.arange(12),
                              n=4)  # fmt: skip
    codes = rng.normal(size=(90, 2))
    autoencoder.plot_latent_scatter({"a": codes, "b": -codes}, np.arange(90) % 3, out / "ae_latent")
    table = [{"k": k, "pca_mse": 0.05 / k, "autoencoder_mse": 0.04 / k} for k in (2, 8, 32)]
    autoencoder.plot_reduction_errors(table, out / "ae_reduction")
    rows = [{"normal": str(c), "autoencoder_auc": 0.9 + c / 100, "pca_auc": 0.85} for c in range(3)]
    autoencoder.plot_auc_by_class(rows, out / "ae_auc")


def _study_figures() -> dict[str, Any]:
    steps = np.arange(30)
    eos = S.edge_of_stability(
        [{"lr": 0.1, "steps": steps, "sharpness": 20 * (1 - np.exp(-steps / 5)),
          "losses": np.exp(-steps / 10)}], title="eos")  # fmt: skip
    errors = {"forward": [1e-2, 1e-4, 1e-6], "central": [1e-4, 1e-8, 1e-9]}
    error = S.error_against_step([1e-1, 1e-2, 1e-3], errors, title="h")
    heat = S.gradient_heatmap(["sigmoid", "relu"], {"init": np.array([[1e-4, 1e-1], [1e-2, 1]])},
                              title="heat")  # fmt: skip
    sweep = S.learning_rate_sweep(
        {"sgd": {"lrs": [1e-3, 1e-1, 10], "finals": [2.0, 0.5, np.nan],
                 "labels": ["crawl", "good", "diverged"], "initial": 2.3}},
        title="sweep", marks={"sgd": 1.5})  # fmt: skip
    w = b = np.linspace(-1, 1, 15)
    W, B = np.meshgrid(w, b)
    eig = S.neuron_eigenvectors(
        w, b, W**2 + 4 * B**2, np.zeros(2), np.array([2.0, 8.0]), np.eye(2),
        {"lr = 0.1": SimpleNamespace(points=np.array([[0.8, -0.8], [0.3, -0.2], [0.0, 0.0]]))},
        title="eig")  # fmt: skip
    return {"eos": eos, "error": error, "heat": heat, "sweep": sweep, "eigen": eig}


def test_japanese_figures_of_runs_have_every_glyph(tmp_path: Path, drawn: dict[str, str]) -> None:
    import kobai as kb

    out = out_dir(tmp_path)
    with language("ja"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _landscapes(out)
        _autoencoders(out)
        studies = {name: texts_of(fig) for name, fig in _study_figures().items()}
        for name, fig in _study_figures().items():
            fig.savefig(out / f"study_{name}.png", dpi=100)
            pyplot().close(fig)
        x = kb.tensor(-1.5, requires_grad=True)
        g = graph(((x * x + x) * x - x) * x, params={"x": x}, depth=2)
        g.save(out / "graph")
        drawn["graph"] = texts_of(g.figure())
    assert glyph_warnings(caught) == []
    assert "損失 (対数目盛)" in drawn["contour"] and "学習経路の PCA 平面" in drawn["contour"]
    assert "PC1: 分散の 91.2%" in drawn["contour"] and "学習済みモデル" in drawn["contour"]
    assert "学習の経路 (エポックごと)" in drawn["contour"] and "−0.5" in drawn["contour"]
    assert "初期" in drawn["interpolation"] and "1,200 サンプル" in drawn["slice"]
    assert "方向 1 (filter 正規化)" in drawn["landscape_random"]
    assert "偽陽性率 (異常とされた正常サンプル)" in drawn["ae_roc"]
    assert "しきい値" in drawn["ae_scores"] and "適合率 0.80" in drawn["ae_scores"]
    assert "最も異常" in drawn["ae_extremes"] and "成分 1" in drawn["ae_latent"]
    assert "PCA 比 -20%" in drawn["ae_reduction"] and "正常クラス" in drawn["ae_auc"]
    assert "訓練損失のヘッセ行列の λ_max" in studies["eos"] and "ステップ" in studies["eos"]
    assert "forward 差分" in studies["error"] and "刻み幅 h" in studies["error"]
    assert "層 (1 = 入力側)" in studies["heat"] and "遅すぎる" in studies["sweep"]
    assert "学習率" in studies["sweep"] and "2/λ_max 未満なら縮み" in studies["eigen"]
    assert "−0.5" in studies["eigen"]  # a true minus on negative ticks
    assert "x スカラー" in drawn["graph"] and "... それより前の演算 3 個" in drawn["graph"]
    assert "出力に近い 2 個の演算 (残りはまとめて表示)" in drawn["graph"]


def test_the_same_figures_stay_english_by_default(tmp_path: Path, drawn: dict[str, str]) -> None:
    _landscapes(tmp_path)
    assert "loss (log scale)" in drawn["contour"] and "PCA plane of the training path" in drawn[
        "contour"]  # fmt: skip
    assert "PC1: 91.2% of variance" in drawn["contour"]
    assert "direction 1 (filter-normalised)" in drawn["landscape_random"]
    eos = texts_of(_study_figures()["eos"])
    assert "λ_max of the training-loss Hessian" in eos and "ステップ" not in eos


def test_the_animation_is_japanese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kobai.landscape import descend, get_function
    from kobai.viz import animation

    titles: list[str] = []
    real = animation._save_gif

    def spy(fig, draw, frames, target, fps, dpi):  # type: ignore[no-untyped-def]
        real(fig, draw, frames, target, fps, dpi)
        titles.append(texts_of(fig))

    monkeypatch.setattr(animation, "_save_gif", spy)
    f = get_function("himmelblau")
    with language("ja"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = descend(f, ["sgd", "adam"], steps=8)
        animation.animate_race(f, runs, out_dir(tmp_path) / "race.gif", max_frames=4)
    assert glyph_warnings(caught) == []
    assert "himmelblau 上の最適化手法: ステップ 8" in titles[0] and "ステップ t" in titles[0]


def test_higher_derivatives_figure_is_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kobai.viz import derivatives

    kept: list[str] = []
    real = style.save_figure

    def keep(fig, path, *, formats=("png",)):  # type: ignore[no-untyped-def]
        kept.append(texts_of(fig))
        return real(fig, path, formats=formats)

    monkeypatch.setattr(style, "save_figure", keep)
    with language("ja"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        derivatives.plot_activation_derivatives(tmp_path / "d", order=2, names=["tanh"])
    assert glyph_warnings(caught) == []
    assert "活性化関数と 2 階までの導関数 (kobai.grad の繰り返しによる)" in kept[0]
    assert "−1.0" in kept[0]
