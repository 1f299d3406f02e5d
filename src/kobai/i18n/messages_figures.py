"""Messages of the figures of a trained run: loss landscapes, autoencoders, the computational
graph and the descent animation (:mod:`kobai.viz`)."""

from __future__ import annotations

FIGURES: dict[str, dict[str, str]] = {
    # Loss landscapes of a trained run (kobai.viz.landscape)
    "land.loss": {"en": "loss", "ja": "損失"},
    "land.loss_log": {"en": "loss (log scale)", "ja": "損失 (対数目盛)"},
    "land.loss_clipped": {"en": "loss (clipped at {cap})", "ja": "損失 ({cap} で打ち切り)"},
    "land.accuracy": {"en": "accuracy", "ja": "正解率"},
    "land.line_title": {"en": "Loss along a direction", "ja": "ある方向に沿った損失"},
    "land.interp_title": {
        "en": "From the initial to the final parameters",
        "ja": "初期パラメータから最終パラメータへ",
    },
    "land.interp_axis": {
        "en": "α   in  θ(α) = (1 − α) θ_initial + α θ_final",
        "ja": "α   (θ(α) = (1 − α) θ_initial + α θ_final)",
    },
    "land.initial": {"en": "initial", "ja": "初期"},
    "land.final": {"en": "final", "ja": "最終"},
    "land.direction": {"en": "direction {k}", "ja": "方向 {k}"},
    "land.direction_norm": {
        "en": "direction {k} ({norm}-normalised)",
        "ja": "方向 {k} ({norm} 正規化)",
    },
    "land.pc": {"en": "PC{k}: {share} of variance", "ja": "PC{k}: 分散の {share}"},
    "land.contour_default": {"en": "Loss landscape", "ja": "損失地形"},
    "land.surface_default": {"en": "Loss surface", "ja": "損失曲面"},
    "land.trained": {"en": "trained model", "ja": "学習済みモデル"},
    "land.path": {"en": "training path (per epoch)", "ja": "学習の経路 (エポックごと)"},
    "land.initial_params": {"en": "initial parameters", "ja": "初期パラメータ"},
    "land.samples": {"en": "{title}, {samples} samples", "ja": "{title}, {samples} サンプル"},
    "land.pca_plane": {"en": "PCA plane of the training path", "ja": "学習経路の PCA 平面"},
    "land.random_plane": {"en": "random plane", "ja": "ランダムな平面"},
    "land.slice_title": {
        "en": "1-D slice through the trained model\n{where}",
        "ja": "学習済みモデルを通る 1 次元の断面\n{where}",
    },
    "land.slice_axis": {
        "en": "α along a filter-normalised random direction",
        "ja": "フィルタ正規化したランダムな方向に沿った α",
    },
    "land.interp_run_title": {
        "en": "Linear interpolation, initial → final\n{where}",
        "ja": "線形補間, 初期 → 最終\n{where}",
    },
    "land.contour_title": {
        "en": "Loss contours, {plane}\n{where}",
        "ja": "損失の等高線, {plane}\n{where}",
    },
    "land.surface_title": {
        "en": "Loss surface, {plane}\n{where}",
        "ja": "損失曲面, {plane}\n{where}",
    },
    # Autoencoders (kobai.viz.autoencoder, and the titles kobai autoencoder gives them)
    "ae.images": {"en": "Images", "ja": "画像"},
    "ae.hist_title": {
        "en": "Reconstruction error of normal and anomalous samples",
        "ja": "正常サンプルと異常サンプルの再構成誤差",
    },
    "ae.normal": {"en": "normal", "ja": "正常"},
    "ae.anomalous": {"en": "anomalous", "ja": "異常"},
    "ae.threshold": {"en": "threshold", "ja": "しきい値"},
    "ae.error_axis": {
        "en": "reconstruction error (MSE per sample)",
        "ja": "再構成誤差 (サンプルごとの MSE)",
    },
    "ae.density": {"en": "density", "ja": "密度"},
    "ae.hist_panel": {
        "en": "{name}: AUC {auc}, precision {precision}, recall {recall}",
        "ja": "{name}: AUC {auc}, 適合率 {precision}, 再現率 {recall}",
    },
    "ae.roc_title": {
        "en": "ROC curve: anomalies against normal samples",
        "ja": "ROC 曲線: 異常サンプル対正常サンプル",
    },
    "ae.chance": {"en": "chance (AUC 0.5)", "ja": "偶然 (AUC 0.5)"},
    "ae.fpr": {
        "en": "false positive rate (normal samples flagged)",
        "ja": "偽陽性率 (異常とされた正常サンプル)",
    },
    "ae.tpr": {
        "en": "true positive rate (anomalies flagged)",
        "ja": "真陽性率 (検出された異常)",
    },
    "ae.extremes_title": {
        "en": "Most and least anomalous held-out samples",
        "ja": "最も異常なテストサンプルと最も異常でないテストサンプル",
    },
    "ae.most": {"en": "most anomalous", "ja": "最も異常"},
    "ae.least": {"en": "least anomalous", "ja": "最も正常"},
    "ae.above_score": {"en": "{title}; above each: score", "ja": "{title}; 各画像の上: スコア"},
    "ae.above_class": {
        "en": "{title}; above each: class: score",
        "ja": "{title}; 各画像の上: クラス: スコア",
    },
    "ae.latent_title": {
        "en": "Two-dimensional codes of held-out samples",
        "ja": "テストサンプルの 2 次元の符号",
    },
    "ae.component": {"en": "component {k}", "ja": "成分 {k}"},
    "ae.class": {"en": "class", "ja": "クラス"},
    "ae.reduction_title": {
        "en": "Reconstruction error on held-out data",
        "ja": "テストデータでの再構成誤差",
    },
    "ae.autoencoder": {"en": "autoencoder", "ja": "オートエンコーダ"},
    "ae.vs_pca": {"en": "{change} vs PCA", "ja": "PCA 比 {change}"},
    "ae.k_axis": {
        "en": "k (latent size / principal components)",
        "ja": "k (潜在次元 / 主成分の数)",
    },
    "ae.mse_axis": {"en": "test MSE per pixel", "ja": "画素あたりのテスト MSE"},
    "ae.auc_title": {
        "en": "Anomaly detection, one class as normal",
        "ja": "異常検知: 1 クラスを正常とする",
    },
    "ae.mean": {"en": "{label} (mean {mean})", "ja": "{label} (平均 {mean})"},
    "ae.normal_class": {"en": "normal class", "ja": "正常クラス"},
    "ae.clean": {"en": "clean", "ja": "元画像"},
    "ae.noisy": {"en": "noisy\n{psnr} dB", "ja": "ノイズあり\n{psnr} dB"},
    "ae.denoised": {"en": "denoised\n{psnr} dB", "ja": "ノイズ除去後\n{psnr} dB"},
    "ae.denoise_title": {
        "en": "Denoising autoencoder ({model}, latent {latent}), noise {noise}: PSNR {before} -> "
        "{after} dB on held-out {data}",
        "ja": "ノイズ除去オートエンコーダ ({model}, 潜在次元 {latent}), ノイズ {noise}: "
        "テスト {data} で PSNR {before} -> {after} dB",
    },
    "ae.model_autoencoder": {"en": "{model} autoencoder", "ja": "{model} オートエンコーダ"},
    "ae.by_class_title": {
        "en": "One class as normal, the others as anomalies (held-out {data})",
        "ja": "1 クラスを正常、他を異常とする (テスト {data})",
    },
    "ae.scores_title": {
        "en": "Normal: {normal}; anomalous: the rest",
        "ja": "正常: {normal}; 異常: それ以外",
    },
    "ae.roc_normal": {"en": "ROC, normal class {normal}", "ja": "ROC, 正常クラス {normal}"},
    "ae.extremes_normal": {
        "en": "Held-out samples by reconstruction error, normal: {normal}",
        "ja": "再構成誤差で並べたテストサンプル, 正常: {normal}",
    },
    "ae.reduce_title": {
        "en": "Held-out reconstruction MSE, {model} autoencoder vs PCA ({data})",
        "ja": "テストでの再構成 MSE, {model} オートエンコーダ対 PCA ({data})",
    },
    "ae.original": {"en": "original", "ja": "元画像"},
    "ae.row_autoencoder": {"en": "autoencoder\nk={k}", "ja": "オートエンコーダ\nk={k}"},
    "ae.latent_space": {
        "en": "autoencoder latent space (k=2)",
        "ja": "オートエンコーダの潜在空間 (k=2)",
    },
    "ae.pca_projection": {"en": "PCA projection (k=2)", "ja": "PCA による射影 (k=2)"},
    "ae.two_dims": {"en": "Held-out {data} in two dimensions", "ja": "2 次元で見たテスト {data}"},
    "ae.reconstructions": {
        "en": "Held-out {data}: reconstructions",
        "ja": "テスト {data}: 再構成",
    },
    # The computational graph (kobai.viz.graph) and the race animation (kobai.viz.animation)
    "graph.scalar": {"en": "scalar", "ja": "スカラー"},
    "graph.earlier_ops": {"en": "... {n} earlier ops", "ja": "... それより前の演算 {n} 個"},
    "graph.nearest": {
        "en": "the {depth} ops nearest the output (the rest summarised)",
        "ja": "出力に近い {depth} 個の演算 (残りはまとめて表示)",
    },
    "anim.title": {
        "en": "Optimisers on {name}: step {t}",
        "ja": "{name} 上の最適化手法: ステップ {t}",
    },
    # Activations and their higher derivatives (kobai.viz.derivatives)
    "deriv.title": {
        "en": "Activations and their derivatives up to order {order}, by repeated kobai.grad",
        "ja": "活性化関数と {order} 階までの導関数 (kobai.grad の繰り返しによる)",
    },
}
