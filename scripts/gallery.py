"""Regenerate the pictures of the README from kobai's own commands.

Run from the repository root: ``python scripts/gallery.py [--only NAME ...]``. Each entry runs
kobai commands in a scratch folder and copies the chosen figures to ``docs/images/``; the
README shows each picture with the command that made it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"

# name: (commands, {figure made by the commands: name in docs/images})
GALLERY: dict[str, tuple[list[str], dict[str, str]]] = {
    "train": (
        ["kobai train --quiet --name main"],
        {"runs/main/learning_curve.png": "learning_curve.png"},
    ),
    "descend-1d": (
        ["kobai descend --function quadratic --optimizers sgd --lr 0.1 --steps 10"],
        {"figures/descend_quadratic.png": "descend_quadratic.png"},
    ),
    "race": (
        ["kobai descend"],
        {
            "figures/descend_rosenbrock.png": "descend_rosenbrock.png",
            "figures/descend_rosenbrock_surface.png": "descend_rosenbrock_surface.png",
        },
    ),
    "hill": (
        ["kobai descend --function hill"],
        {"figures/descend_hill.png": "descend_hill.png"},
    ),
    "neuron": (
        ["kobai neuron"],
        {
            "figures/neuron_surface.png": "neuron_surface.png",
            "figures/neuron_batch_modes.png": "neuron_batch_modes.png",
        },
    ),
    "activations": (
        ["kobai activations"],
        {"figures/activations.png": "activations.png"},
    ),
    "curves": (
        [
            f"kobai train --data moons --model mlp:16,16 --epochs 40 --optimizer {opt} "
            f"--lr {lr} --schedule none --dropout 0 --quiet --name moons-{opt}"
            for opt, lr in (("sgd", 0.1), ("momentum", 0.1), ("adam", 0.01))
        ]
        + [
            "kobai curves runs/moons-sgd runs/moons-momentum runs/moons-adam --out figures "
            "--name optimisers"
        ],
        {"figures/optimisers_epoch.png": "curves_optimisers.png"},
    ),
    "landscape": (
        [
            "kobai train --save-every-epoch --quiet --name mnist",
            "kobai landscape runs/mnist --out figures/landscape",
        ],
        {
            "figures/landscape/contour.png": "landscape_contour.png",
            "figures/landscape/interpolation.png": "landscape_interpolation.png",
            "figures/landscape/surface.png": "landscape_surface.png",
        },
    ),
    "autoencoder": (
        [
            "kobai autoencoder denoise --name denoise --out runs",
            "kobai autoencoder anomaly --name anomaly --out runs",
            "kobai autoencoder reduce --name reduce --out runs",
        ],
        {
            "runs/denoise/denoising.png": "autoencoder_denoising.png",
            "runs/anomaly/anomaly_scores.png": "autoencoder_anomaly_scores.png",
            "runs/anomaly/roc.png": "autoencoder_roc.png",
            "runs/reduce/latent_2d.png": "autoencoder_latent.png",
            "runs/reduce/reduction_mse.png": "autoencoder_reduction.png",
        },
    ),
    "studies": (
        ["kobai study all --out studies"],
        {
            "studies/vanishing-gradients/gradient_heatmap.png": "study_vanishing_gradients.png",
            "studies/batch-modes/noise.png": "study_batch_modes.png",
            "studies/numerical-vs-backprop/cost_against_size.png": "study_numerical.png",
            "studies/learning-rate/sweep.png": "study_learning_rate.png",
            "studies/optimizers/race_plateau.png": "study_optimizers.png",
            "studies/local-minima/between_copies.png": "study_local_minima.png",
        },
    ),
    "edge-of-stability": (
        ["kobai study edge-of-stability --out studies/edge-of-stability"],
        {"studies/edge-of-stability/sharpness.png": "edge_of_stability.png"},
    ),
}


def run_entry(name: str, workdir: Path) -> None:
    commands, figures = GALLERY[name]
    for command in commands:
        print(f"[{name}] $ {command}", flush=True)
        args = command.split()
        subprocess.run([sys.executable, "-m", "kobai", *args[1:]], cwd=workdir, check=True)
    IMAGES.mkdir(parents=True, exist_ok=True)
    for source, target in figures.items():
        shutil.copyfile(workdir / source, IMAGES / target)
        print(f"[{name}] docs/images/{target}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(GALLERY), help="entries to make")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kobai-gallery-") as scratch:
        for name in args.only or GALLERY:
            run_entry(name, Path(scratch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
