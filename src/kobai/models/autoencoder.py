"""Autoencoders: an encoder to a latent space, a decoder back (source document 003, section 4).

:class:`DenseAutoencoder` uses fully connected layers, :class:`ConvAutoencoder` stride-2
convolutions down and transposed convolutions up. Both keep the shape of their input, so they
train through the ordinary :func:`kobai.train.fit` loop on ``(X, X)`` (or on
``(X_noisy, X)``), with run directories, checkpoints, resume and progress bars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai import nn
from kobai.autograd import Tensor
from kobai.backend import as_rng
from kobai.models.noise import Noise
from kobai.validation import check_int

if TYPE_CHECKING:
    from kobai.backend import RNG


class Autoencoder(nn.Module):
    """An encoder and a decoder; ``forward(x) = decode(encode(noise(x)))`` in ``x``'s shape.

    Parameters
    ----------
    encoder, decoder : Module
        ``encoder`` maps a batch in the model's input layout to latent codes, ``decoder``
        maps codes back to that layout.
    noise : Noise, optional
        Corrupts the input in training mode only (a denoising autoencoder).

    Subclasses define the input layout through :meth:`to_layout` (and may check it there).
    """

    def __init__(
        self, encoder: nn.Module, decoder: nn.Module, *, noise: Noise | None = None
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        if noise is not None and not isinstance(noise, Noise):
            raise TypeError(f"noise must be a Noise model or None, got {type(noise).__name__}")
        self.noise = noise

    def to_layout(self, x: Tensor) -> Tensor:
        """``x`` in the layout the encoder takes (by default unchanged)."""
        return x

    def encode(self, x: Any) -> Tensor:
        """Latent codes of shape (N, latent...) for a batch ``x``."""
        return self.encoder(self.to_layout(_tensor(x)))

    def decode(self, z: Any) -> Tensor:
        """Reconstructions, in the encoder's input layout, of latent codes ``z``."""
        return self.decoder(_tensor(z))

    def forward(self, x: Any) -> Tensor:
        x = _tensor(x)
        inputs = self.to_layout(x)
        if self.noise is not None:
            inputs = self.noise(inputs)
        return self.decoder(self.encoder(inputs)).reshape(x.shape)


class DenseAutoencoder(Autoencoder):
    """A fully connected autoencoder.

    Encoder ``in_features -> hidden[0] -> ... -> hidden[-1] -> latent`` with ``activation``
    after every hidden layer and a linear latent layer; the decoder mirrors it
    (``latent -> ... -> in_features``) and ends in ``output_activation``.

    Parameters
    ----------
    in_features : int
        Size of a sample (inputs of shape (N, ...) are flattened to (N, in_features), and the
        output has the input's shape).
    hidden : sequence of int
        Encoder hidden sizes, e.g. ``[256, 64]``.
    latent : int
        Size of the latent code, at most ``in_features``.
    decoder_hidden : sequence of int, optional
        Decoder hidden sizes (default: ``hidden`` reversed).
    activation : str, default "relu"
        Any name of :func:`kobai.nn.activation.get`.
    output_activation : str, default "sigmoid"
        ``"sigmoid"`` for data in ``[0, 1]`` (needed by binary cross-entropy), ``"identity"``
        for unbounded data.
    noise : Noise, optional
        Corrupts the input in training mode (denoising autoencoder).
    rng : Generator or int, optional
        Draws the initial weights.
    dtype : dtype, default float32

    Shape
    -----
    ``forward``: (N, in_features) or (N, ...) -> the same shape; ``encode``: -> (N, latent);
    ``decode``: (N, latent) -> (N, in_features).

    Examples
    --------
    >>> model = DenseAutoencoder(784, [256, 64], 8, rng=0)
    >>> model.encode(np.zeros((5, 784), np.float32)).shape
    (5, 8)
    >>> model(np.zeros((5, 1, 28, 28), np.float32)).shape
    (5, 1, 28, 28)
    """

    def __init__(
        self,
        in_features: int,
        hidden: Sequence[int],
        latent: int,
        *,
        decoder_hidden: Sequence[int] | None = None,
        activation: str = "relu",
        output_activation: str = "sigmoid",
        noise: Noise | None = None,
        rng: RNG = None,
        dtype: Any = np.float32,
    ) -> None:
        n = check_int("in_features", in_features, low=1)
        code = check_latent(latent, n, "in_features")
        generator = as_rng(rng)
        down = [_hidden(h) for h in hidden]
        up = down[::-1] if decoder_hidden is None else [_hidden(h) for h in decoder_hidden]
        encoder = _dense_stack([n, *down, code], activation, generator, dtype)
        decoder = _dense_stack([code, *up, n], activation, generator, dtype)
        decoder.append(nn.activation.get(output_activation))
        super().__init__(encoder, decoder, noise=noise)
        self.in_features, self.latent = n, code
        self.spec = {
            "in_features": n, "hidden": down, "latent": code, "decoder_hidden": up,
            "activation": activation, "output_activation": output_activation,
        }  # fmt: skip

    def to_layout(self, x: Tensor) -> Tensor:
        if x.ndim < 2 or math.prod(x.shape[1:]) != self.in_features:
            raise ValueError(
                f"DenseAutoencoder expects samples of {self.in_features} values, "
                f"got input of shape {x.shape}"
            )
        return x if x.ndim == 2 else x.reshape((x.shape[0], self.in_features))


class ConvAutoencoder(Autoencoder):
    """A convolutional autoencoder: stride-2 ``Conv2d`` down, ``ConvTranspose2d`` up.

    Encoder: for each entry of ``channels`` a ``Conv2d(kernel_size, stride=2,
    padding=(kernel_size - 1) // 2)`` and ``activation``, halving height and width (rounding
    up); then, with ``latent``, a ``Linear`` to a code of that size. The decoder mirrors it
    with ``ConvTranspose2d`` layers whose ``output_padding`` is computed so that every
    intermediate size, and the reconstruction, equals the encoder's (odd sizes included), and
    ends in ``output_activation``.

    Parameters
    ----------
    image_shape : (C, H, W) or (H, W)
        Shape of one image (one channel if C is left out).
    channels : sequence of int, default (16, 32)
        Output channels of the stride-2 convolutions.
    latent : int or None, default 16
        Size of a dense latent code (at most C * H * W); None keeps the last feature map as
        the code (a fully convolutional autoencoder).
    kernel_size : int, default 3
    activation : str, default "relu"
    output_activation : str, default "sigmoid"
    noise : Noise, optional
    rng : Generator or int, optional
    dtype : dtype, default float32

    Shape
    -----
    ``forward``: (N, C, H, W) or (N, C * H * W) -> the same shape; ``encode``: -> (N, latent)
    or (N, channels[-1], h, w); ``decode``: -> (N, C, H, W).

    Examples
    --------
    >>> model = ConvAutoencoder((1, 27, 27), channels=(8, 16), latent=10, rng=0)
    >>> model.feature_shapes
    [(1, 27, 27), (8, 14, 14), (16, 7, 7)]
    >>> model(np.zeros((2, 1, 27, 27), np.float32)).shape
    (2, 1, 27, 27)
    """

    def __init__(
        self,
        image_shape: Sequence[int],
        *,
        channels: Sequence[int] = (16, 32),
        latent: int | None = 16,
        kernel_size: int = 3,
        activation: str = "relu",
        output_activation: str = "sigmoid",
        noise: Noise | None = None,
        rng: RNG = None,
        dtype: Any = np.float32,
    ) -> None:
        shape = _image_shape(image_shape)
        chans = [check_int("channels entry", c, low=1) for c in channels]
        if not chans:
            raise ValueError("channels must name at least one convolution, got []")
        k = check_int("kernel_size", kernel_size, low=1)
        shapes = feature_shapes(shape, chans, k)
        code = None if latent is None else check_latent(latent, math.prod(shape), "C * H * W")
        generator = as_rng(rng)
        encoder, decoder = _conv_stacks(shapes, k, code, activation, generator, dtype)
        decoder.append(nn.activation.get(output_activation))
        super().__init__(encoder, decoder, noise=noise)
        self.image_shape, self.feature_shapes, self.latent = shape, shapes, code
        self.spec = {
            "image_shape": list(shape), "channels": chans, "latent": code, "kernel_size": k,
            "activation": activation, "output_activation": output_activation,
        }  # fmt: skip

    def to_layout(self, x: Tensor) -> Tensor:
        if tuple(x.shape[1:]) == self.image_shape:
            return x
        if x.ndim == 2 and x.shape[1] == math.prod(self.image_shape):
            return x.reshape((x.shape[0], *self.image_shape))
        raise ValueError(
            f"ConvAutoencoder expects images of shape {self.image_shape} (or rows of "
            f"{math.prod(self.image_shape)} values), got input of shape {x.shape}"
        )


ARCHITECTURES = ("dense", "conv")


def build_autoencoder(
    architecture: str,
    n_features: int,
    latent: int | None,
    *,
    hidden: Sequence[int] = (256, 64),
    channels: Sequence[int] = (16, 32),
    image_shape: Sequence[int] | None = None,
    **options: Any,
) -> Autoencoder:
    """A :class:`DenseAutoencoder` or :class:`ConvAutoencoder` by name, for samples of
    ``n_features`` values.

    Parameters
    ----------
    architecture : {"dense", "conv"}
    n_features : int
        Values per sample.
    latent : int or None
        Size of the code (None: the conv model's last feature map).
    hidden : sequence of int, default (256, 64)
        Encoder hidden sizes of the dense model.
    channels : sequence of int, default (16, 32)
        Convolution channels of the conv model.
    image_shape : (C, H, W) or (H, W), optional
        The conv model's image shape; default one square channel of ``n_features`` pixels.
    **options
        ``activation``, ``output_activation``, ``noise``, ``rng``, ``dtype``.
    """
    if architecture == "dense":
        if latent is None:
            raise ValueError("a dense autoencoder needs a latent size, got None")
        return DenseAutoencoder(n_features, hidden, latent, **options)
    elif architecture == "conv":
        shape = square_image(n_features) if image_shape is None else image_shape
        return ConvAutoencoder(shape, channels=channels, latent=latent, **options)
    else:
        raise ValueError(
            f"architecture must be one of {', '.join(ARCHITECTURES)}, got {architecture!r}"
        )


def square_image(n_features: int) -> tuple[int, int]:
    """(H, W) of a square one-channel image of ``n_features`` pixels."""
    side = math.isqrt(n_features)
    if side * side != n_features:
        raise ValueError(
            f"samples of {n_features} values are not square images: the conv architecture "
            f"needs an image shape"
        )
    return side, side


def feature_shapes(
    image_shape: tuple[int, int, int], channels: Sequence[int], kernel_size: int
) -> list[tuple[int, int, int]]:
    """Shapes (C, H, W) of the image and of each stride-2 convolution's output.

    Raises
    ------
    ValueError
        If the image is too small for that many convolutions.
    """
    pad = (kernel_size - 1) // 2
    shapes = [image_shape]
    for c in channels:
        h, w = (math.floor((n + 2 * pad - kernel_size) / 2) + 1 for n in shapes[-1][1:])
        if h < 1 or w < 1:
            raise ValueError(
                f"image_shape {image_shape} is too small for {len(channels)} stride-2 "
                f"convolutions of kernel_size {kernel_size}"
            )
        shapes.append((c, h, w))
    return shapes


def output_padding(size: int, smaller: int, kernel_size: int) -> int:
    """The ``output_padding`` that makes a stride-2 ``ConvTranspose2d`` (padding
    ``(kernel_size - 1) // 2``) map ``smaller`` back to ``size``.

    .. math:: p_{out} = H - \\left((h - 1) \\cdot 2 - 2p + k\\right)
    """
    pad = (kernel_size - 1) // 2
    extra = size - ((smaller - 1) * 2 - 2 * pad + kernel_size)
    if not 0 <= extra < 2:
        raise ValueError(
            f"no output_padding maps size {smaller} back to {size} with kernel_size {kernel_size}"
        )
    return extra


def _conv_stacks(
    shapes: list[tuple[int, int, int]],
    k: int,
    latent: int | None,
    activation: str,
    rng: np.random.Generator,
    dtype: Any,
) -> tuple[nn.Sequential, nn.Sequential]:
    pad = (k - 1) // 2
    down: list[nn.Module] = []
    for (c_in, _, _), (c_out, _, _) in zip(shapes[:-1], shapes[1:], strict=True):
        down += [nn.Conv2d(c_in, c_out, k, 2, pad, rng=rng, dtype=dtype)]
        down += [nn.activation.get(activation)]
    up: list[nn.Module] = []
    if latent is not None:
        flat = math.prod(shapes[-1])
        down += [nn.Flatten(), nn.Linear(flat, latent, rng=rng, dtype=dtype)]
        up += [nn.Linear(latent, flat, rng=rng, dtype=dtype), nn.activation.get(activation)]
        up += [nn.Unflatten(1, shapes[-1])]
    for i in range(len(shapes) - 1, 0, -1):
        (c_out, h, w), (c_in, sh, sw) = shapes[i - 1], shapes[i]
        pads = (output_padding(h, sh, k), output_padding(w, sw, k))
        up += [nn.ConvTranspose2d(c_in, c_out, k, 2, pad, pads, rng=rng, dtype=dtype)]
        if i > 1:
            up += [nn.activation.get(activation)]
    return nn.Sequential(*down), nn.Sequential(*up)


def _dense_stack(
    sizes: list[int], activation: str, rng: np.random.Generator, dtype: Any
) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(fan_in, fan_out, rng=rng, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(nn.activation.get(activation))
    return nn.Sequential(*layers)


def check_latent(latent: Any, size: int, what: str) -> int:
    """``latent`` as an int in ``[1, size]``, else a one-line error naming it."""
    code = check_int("latent", latent, low=1)
    if code > size:
        raise ValueError(f"latent must be <= the input size {what} = {size}, got {code}")
    return code


def _hidden(value: Any) -> int:
    return check_int("hidden size", value, low=1)


def _image_shape(shape: Any) -> tuple[int, int, int]:
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence):
        raise TypeError(f"image_shape must be (C, H, W) or (H, W), got {shape!r}")
    if len(shape) not in (2, 3):
        raise ValueError(f"image_shape must be (C, H, W) or (H, W), got {tuple(shape)}")
    full = (1, *shape) if len(shape) == 2 else tuple(shape)
    c, h, w = (check_int("image_shape entry", n, low=1) for n in full)
    return c, h, w


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))
