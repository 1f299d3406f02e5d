"""Training an autoencoder through :func:`kobai.train.fit`, and reading its codes and
reconstructions: the pieces shared by denoising, anomaly detection and dimensionality reduction.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from kobai import nn
from kobai.autograd import Tensor, no_grad
from kobai.train import History, fit, predict
from kobai.train.callbacks import Callback

LOSSES = ("mse", "bce")


def reconstruction_loss(name: str) -> nn.Module:
    r"""The loss between a reconstruction :math:`x'` and its target :math:`x` by name.

    ``"mse"``: :math:`\frac1n \sum (x' - x)^2`; ``"bce"``: binary cross-entropy
    :math:`-\frac1n \sum x \log x' + (1 - x) \log(1 - x')` (targets in ``[0, 1]``, outputs of a
    sigmoid), the two losses source document 003 names.
    """
    key = str(name).strip().lower()
    if key == "mse":
        return nn.MSELoss()
    elif key in ("bce", "binary_cross_entropy"):
        return nn.BCELoss()
    else:
        raise ValueError(f"unknown reconstruction loss {name!r}; valid: {', '.join(LOSSES)}")


def train_autoencoder(
    model: Any,
    x: np.ndarray,
    *,
    target: np.ndarray | None = None,
    val: np.ndarray | tuple[np.ndarray, np.ndarray] | None = None,
    loss: str = "mse",
    optimizer: str = "adam",
    lr: float = 1e-3,
    batch_size: int | str | None = 64,
    epochs: int = 20,
    rng: np.random.Generator | int | None = None,
    run_dir: str | Path | None = None,
    resume: bool = False,
    callbacks: Iterable[Callback] = (),
    progress: bool | str | None = None,
) -> History:
    """Train ``model`` to reproduce ``target`` (default ``x``) from ``x`` with :func:`fit`.

    Parameters
    ----------
    model : Autoencoder
        Any module whose output has the shape of its input.
    x : ndarray of shape (n_samples, ...)
        Inputs. A denoising model corrupts them itself in training mode (its ``noise``).
    target : ndarray of the shape of ``x``, optional
        What the output should be (the clean images); ``x`` by default.
    val : ndarray or (inputs, targets), optional
        Held-out data whose loss is recorded after every epoch (``val_loss``).
    loss : {"mse", "bce"}, default "mse"
    optimizer : str, default "adam"
        Any name of :func:`kobai.optim.create`.
    lr : float, default 1e-3
    batch_size, epochs, rng, run_dir, resume, callbacks, progress
        As in :func:`kobai.train.fit` (``rng`` shuffles the batches).

    Returns
    -------
    History
    """
    from kobai import optim

    y = x if target is None else target
    if val is not None and not isinstance(val, tuple):
        val = (val, val)
    return fit(
        model, (x, y), loss=reconstruction_loss(loss),
        optimizer=optim.create(optimizer, model.parameters(), lr=lr), val=val,
        batch_size=batch_size, epochs=epochs, rng=rng, task="regression", run_dir=run_dir,
        resume=resume, callbacks=callbacks, train_metrics=False, progress=progress,
    )  # fmt: skip


def reconstruct(model: Any, x: np.ndarray, *, batch_size: int = 1024) -> np.ndarray:
    """``model(x)`` in evaluation mode (no noise, no graph), in batches; the shape of ``x``."""
    return predict(model, np.asarray(x), batch_size=batch_size)


def encode(model: Any, x: np.ndarray, *, batch_size: int = 1024) -> np.ndarray:
    """Latent codes ``model.encode(x)`` in evaluation mode, in batches.

    Returns
    -------
    ndarray of shape (n_samples, latent) (or the feature-map shape of a code without a dense
    latent layer).
    """
    return _batched(model, model.encode, np.asarray(x), batch_size)


def decode(model: Any, z: np.ndarray, *, batch_size: int = 1024) -> np.ndarray:
    """Reconstructions ``model.decode(z)`` in evaluation mode, in batches."""
    return _batched(model, model.decode, np.asarray(z), batch_size)


def reconstruction_error(
    model: Any, x: np.ndarray, *, target: np.ndarray | None = None, batch_size: int = 1024
) -> np.ndarray:
    r"""Per-sample mean squared reconstruction error, the anomaly score of an autoencoder.

    .. math:: e_i = \frac1d \sum_{j=1}^{d} (x'_{ij} - t_{ij})^2

    Parameters
    ----------
    model : Autoencoder
    x : ndarray of shape (n_samples, ...)
    target : ndarray of the shape of ``x``, optional
        The clean data (default ``x`` itself).

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    x = np.asarray(x)
    return squared_error(
        reconstruct(model, x, batch_size=batch_size), x if target is None else target
    )


def squared_error(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Mean of ``(output - target) ** 2`` over every axis but the first: shape (n_samples,)."""
    output, target = np.asarray(output), np.asarray(target)
    if output.shape != target.shape:
        raise ValueError(
            f"reconstructions of shape {output.shape} do not match targets of shape {target.shape}"
        )
    diff = (output - target).reshape(len(output), -1)
    return np.mean(diff * diff, axis=1)


def _batched(model: Any, method: Any, x: np.ndarray, batch_size: int) -> np.ndarray:
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        with no_grad():
            parts = [
                method(Tensor(x[i : i + batch_size])).data for i in range(0, len(x), batch_size)
            ]
    finally:
        model.train(was_training)
    if not parts:
        raise ValueError("no samples to encode or decode (an empty array)")
    return np.concatenate(parts)
