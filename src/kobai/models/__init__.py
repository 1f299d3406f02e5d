"""Ready-made models: multilayer perceptrons, dense and convolutional autoencoders."""

from typing import Any

from kobai.models.anomaly import DetectionResult, evaluate_detection, threshold_from_scores
from kobai.models.autoencoder import Autoencoder, ConvAutoencoder, DenseAutoencoder
from kobai.models.denoising import DenoisingResult, evaluate_denoising
from kobai.models.mlp import MLP, parse_spec
from kobai.models.noise import GaussianNoise, MaskingNoise, Noise, SaltAndPepperNoise, psnr
from kobai.models.reconstruction import reconstruction_error, train_autoencoder
from kobai.models.runs import Run, RunConfig, build, load_run

# The scikit-learn wrappers load scikit-learn, an optional dependency: re-exported on first use.
_SKLEARN = ("AutoencoderAnomalyDetector", "AutoencoderReducer")


def __getattr__(name: str) -> Any:
    if name in _SKLEARN:
        from kobai.models import sklearn

        return getattr(sklearn, name)
    raise AttributeError(f"module 'kobai.models' has no attribute {name!r}")


__all__ = [
    "MLP",
    "Autoencoder",
    "AutoencoderAnomalyDetector",
    "AutoencoderReducer",
    "ConvAutoencoder",
    "DenoisingResult",
    "DenseAutoencoder",
    "DetectionResult",
    "GaussianNoise",
    "MaskingNoise",
    "Noise",
    "Run",
    "RunConfig",
    "SaltAndPepperNoise",
    "build",
    "evaluate_denoising",
    "evaluate_detection",
    "load_run",
    "parse_spec",
    "psnr",
    "reconstruction_error",
    "threshold_from_scores",
    "train_autoencoder",
]
