"""Figures of autoencoders: denoised digits, anomaly scores and ROC curves, latent spaces and
reconstruction error against PCA."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kobai.i18n import fonts
from kobai.viz.style import PALETTE, FigureOrFiles, finish_figure, pyplot, text

# Ten classes need ten colours: Okabe-Ito's eight, then two more from Tol's muted scheme.
CLASS_COLOURS = (*PALETTE[:7], "#999999", "#882255", "#44AA99")


def as_images(x: Any, image_shape: Sequence[int] | None = None) -> np.ndarray:
    """Samples as greyscale images of shape (n, H, W).

    Parameters
    ----------
    x : ndarray of shape (n, H, W), (n, 1, H, W) or (n, d)
        Rows of ``d`` values are square images unless ``image_shape`` says otherwise.
    image_shape : (H, W) or (C, H, W), optional
        Shape of one image (the first channel is shown).
    """
    array = np.asarray(x)
    if image_shape is not None:
        array = array.reshape(len(array), *image_shape)
    if array.ndim == 4:
        return array[:, 0]
    if array.ndim == 3:
        return array
    if array.ndim == 2:
        side = math.isqrt(array.shape[1])
        if side * side != array.shape[1]:
            raise ValueError(
                f"rows of {array.shape[1]} values are not square images; give image_shape"
            )
        return array.reshape(len(array), side, side)
    raise ValueError(f"cannot show an array of shape {array.shape} as images")


def plot_image_rows(
    rows: Mapping[str, Any],
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    image_shape: Sequence[int] | None = None,
    formats: tuple[str, ...] = ("png",),
) -> FigureOrFiles:
    """Rows of images, e.g. clean / noisy / denoised digits, one column per sample.

    Parameters
    ----------
    rows : mapping of label -> ndarray of shape (n, ...)
        The rows from top to bottom; the label is written at the left of its row (put the
        PSNR in it).
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    images = {label: as_images(x, image_shape) for label, x in rows.items()}
    n = min(len(x) for x in images.values())
    plt = pyplot()
    fig, axes = plt.subplots(
        len(images), n, figsize=(0.9 * n + 1.6, 1.0 * len(images) + 0.6), squeeze=False
    )
    for r, (label, x) in enumerate(images.items()):
        for c in range(n):
            ax = axes[r][c]
            ax.imshow(x[c], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r][0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title if title is not None else text("ae.images"))
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def plot_score_histograms(
    results: Mapping[str, Any],
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    formats: tuple[str, ...] = ("png",),
) -> FigureOrFiles:
    """One panel per method: histograms of the scores of normal and anomalous held-out
    samples (log-spaced bins) and the threshold.

    Parameters
    ----------
    results : mapping of method name -> DetectionResult
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(results), figsize=(5.2 * len(results), 3.8), squeeze=False)
    for ax, (name, r) in zip(axes[0], results.items(), strict=True):
        positive = r.scores[r.scores > 0]
        low = positive.min() if positive.size else 1e-6
        bins = np.geomspace(low, max(r.scores.max(), low * 1.01), 50)
        for label, colour, key in ((0, PALETTE[0], "ae.normal"), (1, PALETTE[1], "ae.anomalous")):
            values = np.clip(r.scores[r.labels == label], low, None)
            ax.hist(values, bins=bins, alpha=0.55, color=colour, density=True, label=text(key))
        ax.axvline(r.threshold, color=PALETTE[7], linestyle="--", label=text("ae.threshold"))
        _log_axis(ax, "x")
        ax.set(
            xlabel=text("ae.error_axis"),
            ylabel=text("ae.density"),
            title=text(
                "ae.hist_panel",
                name=name,
                auc=f"{r.auc:.3f}",
                precision=f"{r.precision:.2f}",
                recall=f"{r.recall:.2f}",
            ),  # fmt: skip
        )
        ax.title.set_fontsize(9)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(title if title is not None else text("ae.hist_title"))
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def plot_roc_curves(
    results: Mapping[str, Any],
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    formats: tuple[str, ...] = ("png",),
) -> FigureOrFiles:
    """ROC curves of several detectors on one axes, AUC in the legend, with the operating
    point at each detector's threshold.

    Parameters
    ----------
    results : mapping of method name -> DetectionResult
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 4.6))
    for colour, (name, r) in zip(PALETTE, results.items(), strict=False):
        ax.plot(r.fpr, r.tpr, color=colour, label=f"{name} (AUC {r.auc:.3f})")
        ax.plot(r.false_positive_rate, r.recall, "o", color=colour, markersize=6)
    ax.plot([0, 1], [0, 1], ":", color=PALETTE[7], label=text("ae.chance"))
    ax.set(
        xlabel=text("ae.fpr"),
        ylabel=text("ae.tpr"),
        title=title if title is not None else text("ae.roc_title"),
        xlim=(0, 1),
        ylim=(0, 1.01),
    )
    ax.title.set_fontsize(10)
    ax.legend(fontsize=8, loc="lower right", title="dots: at the threshold", title_fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def plot_extremes(
    images: Any,
    scores: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    labels: Any = None,
    n: int = 10,
    title: str | None = None,
    image_shape: Sequence[int] | None = None,
    formats: tuple[str, ...] = ("png",),
) -> FigureOrFiles:
    """The ``n`` highest-scoring (most anomalous) and ``n`` lowest-scoring samples, each with
    its score (and class label).

    Parameters
    ----------
    images : ndarray of shape (n_samples, ...)
    scores : ndarray of shape (n_samples,)
        Higher = more anomalous.
    labels : ndarray of shape (n_samples,), optional
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    pictures = as_images(images, image_shape)
    values = np.asarray(scores).reshape(-1)
    if len(values) != len(pictures):
        raise ValueError(f"{len(pictures)} images but {len(values)} scores")
    order = np.argsort(values, kind="stable")
    n = min(n, len(order))
    rows = ((text("ae.most"), order[::-1][:n]), (text("ae.least"), order[:n]))
    plt = pyplot()
    fig, axes = plt.subplots(2, n, figsize=(1.0 * n + 1.6, 3.0), squeeze=False)
    for r, (name, index) in enumerate(rows):
        for c, i in enumerate(index):
            ax = axes[r][c]
            ax.imshow(pictures[i], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            tag = f"{values[i]:.3f}" if labels is None else f"{labels[i]}: {values[i]:.3f}"
            ax.set_title(tag, fontsize=7)
        axes[r][0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    title = title if title is not None else text("ae.extremes_title")
    fig.suptitle(text("ae.above_score" if labels is None else "ae.above_class", title=title))
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def plot_latent_scatter(
    codes: Mapping[str, Any],
    labels: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    formats: tuple[str, ...] = ("png",),
) -> FigureOrFiles:
    """Side-by-side scatter plots of 2-D codes coloured by class, each class' label written
    at its median (readable without colour).

    Parameters
    ----------
    codes : mapping of method name -> ndarray of shape (n_samples, 2)
    labels : ndarray of shape (n_samples,)
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    y = np.asarray(labels).reshape(-1)
    classes = np.unique(y)
    plt = pyplot()
    fig, axes = plt.subplots(1, len(codes), figsize=(5.2 * len(codes), 4.8), squeeze=False)
    for ax, (name, z) in zip(axes[0], codes.items(), strict=True):
        z = np.asarray(z)
        if z.ndim != 2 or z.shape[1] != 2 or len(z) != len(y):
            raise ValueError(f"codes of {name!r} must have shape ({len(y)}, 2), got {z.shape}")
        medians = []
        for i, c in enumerate(classes):
            pts = z[y == c]
            colour = CLASS_COLOURS[i % len(CLASS_COLOURS)]
            ax.scatter(pts[:, 0], pts[:, 1], s=4, alpha=0.5, color=colour, label=str(c))
            medians.append(np.median(pts, axis=0))
        spots = spread_badges(ax, np.array(medians))
        for i, (c, median, spot) in enumerate(zip(classes, medians, spots, strict=True)):
            colour = CLASS_COLOURS[i % len(CLASS_COLOURS)]
            badge = {"boxstyle": "circle,pad=0.2", "fc": colour, "lw": 0}
            if not np.allclose(spot, median):  # moved clear of another badge: point home
                ax.plot(*zip(median, spot, strict=True), color=colour, lw=1, zorder=3)
            ax.text(*spot, str(c), fontsize=11, weight=fonts.strong(), ha="center", va="center",
                    color="white", bbox=badge, zorder=4)  # fmt: skip
        ax.set(xlabel=text("ae.component", k=1), ylabel=text("ae.component", k=2), title=name)
        ax.grid(alpha=0.3)
    axes[0][-1].legend(
        title=text("ae.class"),
        fontsize=7,
        markerscale=3,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
    )
    fig.suptitle(title if title is not None else text("ae.latent_title"))
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


#: Class badges closer than this many pixels would overlap.
BADGE_GAP = 26.0


def spread_badges(ax: Any, centres: np.ndarray, gap: float = BADGE_GAP) -> np.ndarray:
    """Positions for labels at ``centres`` (data coordinates, shape (n, 2)) pushed apart
    until no two are closer than ``gap`` pixels; labels already clear stay where they are."""
    ax.get_xlim(), ax.get_ylim()  # settle the autoscaled limits before measuring pixels
    pixels = ax.transData.transform(centres).astype(float)
    for _ in range(200):
        moved = False
        for i in range(len(pixels)):
            for j in range(i + 1, len(pixels)):
                d = pixels[j] - pixels[i]
                dist = float(np.hypot(*d))
                if dist >= gap:
                    continue
                # coincident centres part along a fixed direction per pair (deterministic)
                unit = d / dist if dist > 1e-9 else np.array([np.cos(i + j), np.sin(i + j)])
                push = 0.5 * (gap - dist) + 0.5
                pixels[i] -= push * unit
                pixels[j] += push * unit
                moved = True
        if not moved:
            break
    result: np.ndarray = ax.transData.inverted().transform(pixels)
    return result


def plot_reduction_errors(
    table: Sequence[Mapping[str, Any]],
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    formats: tuple[str, ...] = ("png",),
) -> FigureOrFiles:
    """Test reconstruction MSE against the number of components ``k``, autoencoder and PCA.

    Parameters
    ----------
    table : sequence of mappings with keys ``k``, ``autoencoder_mse``, ``pca_mse``
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    ks = [int(row["k"]) for row in table]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.4, 4))
    for key, name, colour, marker in (
        ("pca_mse", "PCA", PALETTE[1], "s"),
        ("autoencoder_mse", text("ae.autoencoder"), PALETTE[0], "o"),
    ):
        values = [float(row[key]) for row in table]
        ax.plot(ks, values, marker=marker, color=colour, label=name)
        for k, v in zip(ks, values, strict=True):
            ax.annotate(f"{v:.4f}", (k, v), textcoords="offset points", xytext=(6, 4), fontsize=7)
    for row in table:
        change = float(row["autoencoder_mse"]) / float(row["pca_mse"]) - 1
        point = (int(row["k"]), float(row["autoencoder_mse"]))
        ax.annotate(text("ae.vs_pca", change=f"{change:+.0%}"), point, textcoords="offset points",
                    xytext=(6, -14), fontsize=7, color=PALETTE[0],
                    bbox={"fc": "white", "ec": "none", "pad": 0.5})  # fmt: skip
    ax.set_xscale("log", base=2)
    _log_axis(ax, "y", subs=(1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0))
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.margins(x=0.2, y=0.1)
    ax.set(xlabel=text("ae.k_axis"), ylabel=text("ae.mse_axis"))
    ax.set_title(title if title is not None else text("ae.reduction_title"), fontsize=10)
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def plot_auc_by_class(
    table: Sequence[Mapping[str, Any]],
    path: str | os.PathLike[str] | None = None,
    *,
    methods: Sequence[str] = ("autoencoder", "pca"),
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    formats: tuple[str, ...] = ("png",),
) -> FigureOrFiles:
    """Grouped bars of the AUC of each method with each class as the normal one.

    Parameters
    ----------
    table : sequence of mappings with key ``normal`` and ``<method>_auc`` per method
    labels : mapping of method -> legend label, optional
    path : path, optional
        Output file (its suffix replaced by each of ``formats``); None returns the Figure.

    Returns
    -------
    Figure or list of Path
        The Figure when no ``path`` is given, else the files written.
    """
    names = [str(row["normal"]) for row in table]
    x = np.arange(len(names))
    width = 0.8 / len(methods)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(max(5.0, 0.7 * len(names) + 2), 4))
    for i, (method, colour) in enumerate(zip(methods, PALETTE, strict=False)):
        values = [float(row[f"{method}_auc"]) for row in table]
        mean = float(np.mean(values))
        ax.bar(x + (i - (len(methods) - 1) / 2) * width, values, width, color=colour,
               label=text("ae.mean", label=(labels or {}).get(method, method),
                          mean=f"{mean:.3f}"))  # fmt: skip
    low = min(float(row[f"{m}_auc"]) for row in table for m in methods)
    ax.set_ylim(max(0.0, low - 0.05), 1.0)
    ax.set_xticks(x, names)
    ax.set(xlabel=text("ae.normal_class"), ylabel="ROC AUC")
    ax.set_title(title if title is not None else text("ae.auc_title"), fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="ROC AUC")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return finish_figure(fig, path, formats=formats)


def _log_axis(ax: Any, which: str, subs: tuple[float, ...] = (1.0, 2.0, 5.0)) -> None:
    """A log scale on ``which`` axis ("x" or "y") labelled 0.01, 0.02, 0.05, ..."""
    from matplotlib import ticker

    getattr(ax, f"set_{which}scale")("log")
    axis = getattr(ax, f"{which}axis")
    axis.set_major_locator(ticker.LogLocator(subs=subs))
    axis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    axis.set_minor_formatter(ticker.NullFormatter())
