"""``kobai autoencoder denoise | anomaly | reduce``: the three uses of an autoencoder in source
document 003, each measured (against the noisy input, or against PCA) in a run directory."""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from kobai.cli.options import new_run_dir, read_run_config, undone_if_refused, write_run_config
from kobai.i18n import t

USES = ("denoise", "anomaly", "reduce")
DEFAULTS: dict[str, dict[str, Any]] = {
    "common": {
        "data": "mnist", "target": None, "train_size": None, "test_size": None,
        "hidden": "256,64", "channels": "16,32", "activation": "relu", "loss": "mse",
        "optimizer": "adam", "lr": 1e-3, "seed": 0,
    },
    "denoise": {"model": "conv", "latent": "64", "epochs": 10, "batch_size": 64,
                "noise": "gaussian:0.5", "show": 10},
    "anomaly": {"model": "conv", "latent": "16", "epochs": 20, "batch_size": 32, "normal": "0",
                "pca_components": 8, "percentile": 95.0, "threshold": None},
    "reduce": {"model": "dense", "latent": "2,8,32", "epochs": 30, "batch_size": 128, "lr": 2e-3},
}  # fmt: skip
HELP = {
    "denoise": "train on corrupted digits with the clean ones as targets; PSNR before/after",
    "anomaly": "train on normal digits only; reconstruction error as anomaly score vs PCA",
    "reduce": "latent codes of size k = 2, 8, 32; reconstruction error against PCA's",
}


def add_parser(subparsers: Any) -> None:
    """Add ``kobai autoencoder`` and its options to ``subparsers`` (of ``kobai``'s parser)."""
    p = subparsers.add_parser(
        "autoencoder",
        help="autoencoders: denoise | anomaly | reduce, each measured against a baseline",
        description=(
            "Train an autoencoder (dense or convolutional) on the bundled MNIST subset and "
            "measure one of its uses; every command writes config.json, metrics.csv, figures "
            "and the training runs (checkpoints, history) to its run directory."
        ),
    )
    uses = p.add_subparsers(dest="use", metavar="USE", required=True)
    for use in USES:
        q = uses.add_parser(use, help=HELP[use], description=HELP[use])
        _common_options(q, {**DEFAULTS["common"], **DEFAULTS[use]})
        g = q.add_argument_group(use)
        if use == "denoise":
            g.add_argument("--noise", help="gaussian:SIGMA, salt_and_pepper:FRACTION or "
                           "masking:FRACTION (gaussian:0.5)")  # fmt: skip
            g.add_argument("--show", type=int, help="digits in the figure (10)")
        elif use == "anomaly":
            g.add_argument("--normal", help="normal class(es), e.g. 0 or 1,7; 'each' runs "
                           "every class in turn (0)")  # fmt: skip
            g.add_argument("--pca-components", type=int, help="k of the PCA baseline (8)")
            g.add_argument("--percentile", type=float, help="threshold: this percentile of "
                           "the training scores (95)")  # fmt: skip
            g.add_argument("--threshold", type=float, help="a given threshold instead")


def _common_options(q: argparse.ArgumentParser, defaults: dict[str, Any]) -> None:
    def text(name: str) -> str:
        return f" ({defaults[name]})"

    g = q.add_argument_group("data")
    g.add_argument("--data", help="mnist (default), digits, idx:FOLDER, fashion:FOLDER, csv:PATH")
    g.add_argument("--target", help="label column of a CSV data set")
    g.add_argument("--train-size", type=int, help="use only the first N training samples")
    g.add_argument("--test-size", type=int, help="use only the first N test samples")
    g = q.add_argument_group("model")
    g.add_argument("--model", choices=("dense", "conv"), help="architecture" + text("model"))
    g.add_argument("--latent", help="latent size(s), comma-separated" + text("latent"))
    g.add_argument("--hidden", help="dense encoder hidden sizes" + text("hidden"))
    g.add_argument("--channels", help="conv encoder channels" + text("channels"))
    g.add_argument("--activation", help="hidden activation" + text("activation"))
    g.add_argument("--loss", choices=("mse", "bce"), help="reconstruction loss (mse)")
    g = q.add_argument_group("training")
    g.add_argument("--optimizer", help="any registered optimizer (adam)")
    g.add_argument("--lr", type=float, help="learning rate" + text("lr"))
    g.add_argument("--batch-size", type=int, help="mini-batch size" + text("batch_size"))
    g.add_argument("--epochs", type=int, help="epochs" + text("epochs"))
    g.add_argument("--seed", type=int, help="random seed (0): same seed, same numbers")
    g = q.add_argument_group("output")
    g.add_argument("--out", default="runs", help="folder of run directories (runs)")
    g.add_argument("--name", help="run directory name (default: a timestamp)")
    g.add_argument("--resume", metavar="RUN_DIR", help="continue a run from its checkpoints")
    g.add_argument("--quiet", action="store_true", help="no progress bar, only the table")


def gather_config(args: argparse.Namespace) -> dict[str, Any]:
    """The options given on the command line over the defaults of ``args.use``."""
    config = {"use": args.use, **DEFAULTS["common"], **DEFAULTS[args.use]}
    for key in config:
        value = getattr(args, key, None)
        if value is not None and key != "use":
            config[key] = value
    return config


def run(args: argparse.Namespace) -> int:
    """Run ``kobai autoencoder`` with the parsed ``args``; return the exit status (0)."""
    from kobai.models import autoencoder_runs as AR
    from kobai.train.checkpoint import load_checkpoint

    if args.resume:
        run_dir = Path(args.resume)
        config = read_run_config(run_dir)
        if config.get("use") != args.use:
            raise ValueError(f"{run_dir} holds a {config.get('use')!r} run, not {args.use!r}")
        if args.epochs is not None:
            config["epochs"] = args.epochs
        for checkpoint in sorted(run_dir.rglob("checkpoint.npz")):
            load_checkpoint(checkpoint)["model"]  # a damaged one is refused before any write
    else:
        config = gather_config(args)
        run_dir = new_run_dir(args, marker="config.json")
    spec = AR.ExperimentSpec.from_config(config)
    report = {"denoise": report_denoise, "anomaly": report_anomaly, "reduce": report_reduce}
    start = time.perf_counter()
    with undone_if_refused(run_dir):
        write_run_config(run_dir, config)
        if not args.quiet:
            print(t("ae.cli.header", use=args.use, spec=spec.describe(), run_dir=run_dir))
        table, figures, notes = report[args.use](
            spec, run_dir, resume=bool(args.resume), progress=False if args.quiet else None
        )
    write_table(table, run_dir / "metrics.csv")
    print_table(table)
    for note in notes:
        print(note)
    print(t("cli.time", seconds=time.perf_counter() - start))
    names = ", ".join(p.name for p in figures)
    print(t("ae.cli.run_dir", run_dir=run_dir, figures=names))
    return 0


def report_denoise(spec: Any, run_dir: Path, **kw: Any) -> tuple[list, list, list]:
    """Train a denoising autoencoder; return its table rows, figure paths and notes.

    ``kw`` goes to :func:`kobai.models.autoencoder_runs.denoise` (``resume``, ``progress``).
    """
    from kobai.models import autoencoder_runs as AR
    from kobai.viz import plot_learning_curves
    from kobai.viz.autoencoder import plot_image_rows
    from kobai.viz.style import text

    data, out = AR.denoise(spec, run_dir, **kw)
    r = out.result
    pick = _one_per_class(out.labels, spec.show)
    figures: list[Path] = []
    if _images(data):
        figures += plot_image_rows(
            {text("ae.clean"): r.clean[pick],
             text("ae.noisy", psnr=f"{r.psnr_noisy:.1f}"): r.noisy[pick],
             text("ae.denoised", psnr=f"{r.psnr_denoised:.1f}"): r.denoised[pick]},
            run_dir / "denoising",
            title=text("ae.denoise_title", model=spec.model, latent=spec.latent,
                       noise=spec.noise, before=f"{r.psnr_noisy:.1f}",
                       after=f"{r.psnr_denoised:.1f}", data=data.name),
        )  # fmt: skip
    figures += plot_learning_curves(
        out.history, run_dir / "learning_curve", title=spec.describe(), held_out="test"
    )
    table = [{
        "noise": spec.noise, "psnr_noisy_db": r.psnr_noisy, "psnr_denoised_db": r.psnr_denoised,
        "gain_db": r.gain, "test_mse_denoised": float(np.mean((r.denoised - r.clean) ** 2)),
        "test_samples": len(r.clean),
    }]  # fmt: skip
    return table, figures, _notes(data)


def report_anomaly(spec: Any, run_dir: Path, **kw: Any) -> tuple[list, list, list]:
    """Detect anomalies by reconstruction error (autoencoder vs PCA); return rows, figures, notes.

    One class as normal gives ROC curves and score histograms; every class in turn gives the
    AUC of each (and their mean). ``kw`` as :func:`report_denoise`.
    """
    from kobai.models import autoencoder_runs as AR
    from kobai.viz import autoencoder as V
    from kobai.viz import plot_learning_curves
    from kobai.viz.style import text

    data, outcomes = AR.anomaly(spec, run_dir, **kw)
    pca_name = f"PCA (k={spec.pca_components})"
    if len(outcomes) > 1:
        table = [_auc_row(o) for o in outcomes]
        means = {k: float(np.mean([row[k] for row in table])) for k in table[0] if k != "normal"}
        figures = V.plot_auc_by_class(
            table, run_dir / "auc_by_class",
            labels={"autoencoder": text("ae.model_autoencoder", model=spec.model), "pca": pca_name},
            title=text("ae.by_class_title", data=data.name),
        )  # fmt: skip
        return table + [{"normal": "mean", **means}], figures, _notes(data)
    o = outcomes[0]
    results = {text("ae.model_autoencoder", model=spec.model): o.autoencoder, pca_name: o.pca}
    normal = ",".join(map(str, o.normal))
    figures = V.plot_score_histograms(
        results, run_dir / "anomaly_scores", title=text("ae.scores_title", normal=normal)
    )
    roc = text("ae.roc_normal", normal=normal)
    figures += V.plot_roc_curves(results, run_dir / "roc", title=roc)
    if _images(data):
        figures += V.plot_extremes(
            data.x_test, o.test_scores, run_dir / "extremes", labels=data.y_test,
            title=text("ae.extremes_normal", normal=normal),
        )  # fmt: skip
    figures += plot_learning_curves(
        o.history, run_dir / "learning_curve", title=spec.describe(), held_out="test"
    )
    table = [{"method": name, "normal": normal, **r.as_row()} for name, r in results.items()]
    return table, figures, _notes(data)


def report_reduce(spec: Any, run_dir: Path, **kw: Any) -> tuple[list, list, list]:
    """Reduce dimensions (autoencoder vs PCA at each latent size); return rows, figures, notes.

    ``kw`` as :func:`report_denoise`.
    """
    from kobai.models import autoencoder_runs as AR
    from kobai.viz import autoencoder as V
    from kobai.viz.style import text

    data, out = AR.reduce(spec, run_dir, **kw)
    table = [row.as_row() for row in out.rows]
    figures = V.plot_reduction_errors(
        table, run_dir / "reduction_mse",
        title=text("ae.reduce_title", model=spec.model, data=data.name),
    )  # fmt: skip
    pick = _one_per_class(data.y_test, 10)
    rows = {text("ae.original"): data.x_test[pick]}
    for k, model in out.models.items():
        z, rec = AR.autoencoder_codes(model, data.x_test)
        pz, prec = AR.pca_codes(data.x_train, data.x_test, k)
        rows[text("ae.row_autoencoder", k=k)], rows[f"PCA\nk={k}"] = rec[pick], prec[pick]
        if k == 2 and data.y_test is not None:
            figures += V.plot_latent_scatter(
                {text("ae.latent_space"): z, text("ae.pca_projection"): pz},
                data.y_test, run_dir / "latent_2d",
                title=text("ae.two_dims", data=data.name),
            )  # fmt: skip
    if _images(data):
        figures += V.plot_image_rows(
            rows, run_dir / "reconstructions", title=text("ae.reconstructions", data=data.name)
        )
    return table, figures, _notes(data)


def _auc_row(o: Any) -> dict[str, Any]:
    return {
        "normal": ",".join(map(str, o.normal)),
        "autoencoder_auc": o.autoencoder.auc, "pca_auc": o.pca.auc,
        "autoencoder_precision": o.autoencoder.precision, "pca_precision": o.pca.precision,
        "autoencoder_recall": o.autoencoder.recall, "pca_recall": o.pca.recall,
    }  # fmt: skip


def _one_per_class(labels: Any, n: int) -> np.ndarray:
    """Indices of ``n`` test samples, one per class in turn where there are classes."""
    if labels is None:
        return np.arange(n)
    groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    order = [g[r] for r in range(max(map(len, groups))) for g in groups if r < len(g)]
    return np.array(order[:n])


def _images(data: Any) -> bool:
    """Whether the samples are square images (else no figure of images is drawn)."""
    n = int(np.prod(data.x_train.shape[1:]))
    return math.isqrt(n) ** 2 == n


def _notes(data: Any) -> list[str]:
    notes = []
    if data.scaled:
        notes.append(t("ae.cli.scaled", data=data.name))
    if not _images(data):
        notes.append(t("ae.cli.not_images", data=data.name))
    return notes


def write_table(table: list[dict[str, Any]], path: Path) -> None:
    """The rows of ``table`` as a CSV file with a header."""
    from kobai.files import atomic_writer

    with atomic_writer(path, text=True) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)


def print_table(table: list[dict[str, Any]], file: Any = None) -> None:
    """The rows of ``table`` aligned in columns, numbers with four decimals (the column names
    in the chosen language, aligned for wide characters)."""
    from kobai.i18n import pad, t_or, width

    out = file or sys.stdout
    keys = list(table[0])
    names = [t_or(f"ae.col.{k}", k) for k in keys]
    cells = [[_cell(row[k]) for k in keys] for row in table]
    widths = [max(width(n), *(len(c[i]) for c in cells)) for i, n in enumerate(names)]
    print("  ".join(pad(n, w, right=True) for n, w in zip(names, widths, strict=True)), file=out)
    for c in cells:
        print("  ".join(v.rjust(w) for v, w in zip(c, widths, strict=True)), file=out)


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4f}"
    return str(value)
