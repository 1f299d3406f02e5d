"""Dense and convolutional autoencoders: shapes, errors, training through fit, resume."""

import numpy as np
import pytest

from kobai import nn
from kobai.models import ConvAutoencoder, DenseAutoencoder, GaussianNoise, MaskingNoise
from kobai.models.autoencoder import build_autoencoder, output_padding
from kobai.models.reconstruction import (
    decode,
    encode,
    reconstruction_error,
    reconstruction_loss,
    train_autoencoder,
)
from kobai.train import load_checkpoint


def test_dense_shapes_through_encoder_and_decoder() -> None:
    model = DenseAutoencoder(30, [16, 8], 3, rng=0)
    x = np.zeros((5, 30), np.float32)
    assert model.encode(x).shape == (5, 3)
    assert model.decode(model.encode(x)).shape == (5, 30)
    assert model(x).shape == (5, 30)
    assert model(np.zeros((5, 1, 5, 6), np.float32)).shape == (5, 1, 5, 6)
    sizes = [(m.in_features, m.out_features) for m in model.modules() if isinstance(m, nn.Linear)]
    assert sizes == [(30, 16), (16, 8), (8, 3), (3, 8), (8, 16), (16, 30)]
    assert isinstance(model.decoder[-1], nn.Sigmoid)


def test_dense_decoder_sizes_and_activation_are_choices() -> None:
    model = DenseAutoencoder(
        10, [6], 2, decoder_hidden=[4, 7], activation="tanh", output_activation="identity", rng=0
    )
    sizes = [m.out_features for m in model.decoder.modules() if isinstance(m, nn.Linear)]
    assert sizes == [4, 7, 10]
    assert sum(isinstance(m, nn.Tanh) for m in model.modules()) == 3


@pytest.mark.parametrize(
    ("shape", "maps"),
    [
        ((1, 28, 28), [(1, 28, 28), (4, 14, 14), (8, 7, 7)]),
        ((1, 27, 27), [(1, 27, 27), (4, 14, 14), (8, 7, 7)]),
        ((3, 13, 9), [(3, 13, 9), (4, 7, 5), (8, 4, 3)]),
        ((2, 5, 5), [(2, 5, 5), (4, 3, 3), (8, 2, 2)]),
        ((1, 1, 7), [(1, 1, 7), (4, 1, 4), (8, 1, 2)]),
    ],
)
def test_conv_shapes_for_odd_and_even_sizes(shape: tuple, maps: list) -> None:
    model = ConvAutoencoder(shape, channels=(4, 8), latent=3, rng=0)
    assert model.feature_shapes == maps
    x = np.random.default_rng(0).random((2, *shape), dtype=np.float32)
    assert model.encode(x).shape == (2, 3)
    assert model.decode(model.encode(x)).shape == (2, *shape)
    assert model(x).shape == (2, *shape)
    assert model(x.reshape(2, -1)).shape == (2, int(np.prod(shape)))
    fully_convolutional = ConvAutoencoder(shape, channels=(4, 8), latent=None, rng=0)
    assert fully_convolutional.encode(x).shape == (2, *maps[-1])
    assert fully_convolutional(x).shape == (2, *shape)


@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("size", [9, 10, 27, 28])
def test_output_padding_restores_every_size(kernel_size: int, size: int) -> None:
    model = ConvAutoencoder((size, size), channels=(2, 2), latent=None, kernel_size=kernel_size)
    assert model(np.zeros((1, 1, size, size), np.float32)).shape == (1, 1, size, size)


def test_output_padding_by_formula() -> None:
    # ConvTranspose2d(k=3, s=2, p=1): (h - 1) * 2 - 2 + 3 + op.
    assert output_padding(28, 14, 3) == 1
    assert output_padding(27, 14, 3) == 0
    with pytest.raises(ValueError, match="no output_padding maps size 5 back to 28"):
        output_padding(28, 5, 3)


def test_images_of_the_wrong_size_are_refused() -> None:
    model = ConvAutoencoder((1, 28, 28), rng=0)
    with pytest.raises(
        ValueError,
        match=r"expects images of shape \(1, 28, 28\).* got input of shape \(2, 1, 27, 27\)",
    ):
        model(np.zeros((2, 1, 27, 27), np.float32))
    with pytest.raises(ValueError, match=r"got input of shape \(2, 700\)"):
        model.encode(np.zeros((2, 700), np.float32))
    with pytest.raises(
        ValueError, match=r"expects samples of 30 values, got input of shape \(2, 31\)"
    ):
        DenseAutoencoder(30, [8], 2)(np.zeros((2, 31), np.float32))


def test_a_latent_size_larger_than_the_input_is_refused() -> None:
    with pytest.raises(
        ValueError, match="latent must be <= the input size in_features = 30, got 31"
    ):
        DenseAutoencoder(30, [16], 31)
    with pytest.raises(
        ValueError, match=r"latent must be <= the input size C \* H \* W = 25, got 26"
    ):
        ConvAutoencoder((5, 5), latent=26)
    with pytest.raises(ValueError, match="latent must be an integer >= 1, got 0"):
        DenseAutoencoder(30, [16], 0)


def test_other_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"too small for 3 stride-2 convolutions of kernel_size 4"):
        ConvAutoencoder((2, 2), channels=(2, 2, 2), kernel_size=4)
    with pytest.raises(
        ValueError, match=r"image_shape must be \(C, H, W\) or \(H, W\), got \(28,\)"
    ):
        ConvAutoencoder((28,))
    with pytest.raises(ValueError, match="hidden size must be an integer >= 1, got -4"):
        DenseAutoencoder(30, [-4], 2)
    with pytest.raises(ValueError, match="unknown activation 'relu7'"):
        DenseAutoencoder(30, [4], 2, activation="relu7")
    with pytest.raises(ValueError, match="architecture must be one of dense, conv, got 'rnn'"):
        build_autoencoder("rnn", 16, 2)
    with pytest.raises(ValueError, match="not square images"):
        build_autoencoder("conv", 15, 2)
    with pytest.raises(ValueError, match="unknown reconstruction loss 'l3'; valid: mse, bce"):
        reconstruction_loss("l3")
    with pytest.raises(TypeError, match="noise must be a Noise model or None, got str"):
        DenseAutoencoder(30, [4], 2, noise="gaussian")  # type: ignore[arg-type]


def test_same_seed_same_weights() -> None:
    a, b = ConvAutoencoder((9, 9), rng=3), ConvAutoencoder((9, 9), rng=3)
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)


def test_reconstruction_error_by_hand() -> None:
    model = DenseAutoencoder(4, [3], 2, rng=0)
    for p in model.parameters():
        p.data[...] = 0  # every output is sigmoid(0) = 0.5
    x = np.array([[0, 1, 0.5, 0.5], [1, 1, 1, 1]], np.float32)
    np.testing.assert_allclose(reconstruction_error(model, x), [0.125, 0.25])
    np.testing.assert_allclose(encode(model, x), np.zeros((2, 2)))
    np.testing.assert_allclose(decode(model, np.ones((3, 2), np.float32)), np.full((3, 4), 0.5))


def _stripes(n: int = 64) -> np.ndarray:
    rng = np.random.default_rng(0)
    base = np.array([[1, 0] * 8, [0, 1] * 8], np.float32)
    return (base[rng.integers(0, 2, n)] * rng.uniform(0.5, 1, (n, 1))).astype(np.float32)


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_training_through_fit_lowers_the_reconstruction_error(loss: str) -> None:
    x = _stripes()
    model = DenseAutoencoder(16, [8], 2, rng=0)
    before = reconstruction_error(model, x).mean()
    history = train_autoencoder(model, x, loss=loss, lr=0.01, batch_size=16, epochs=30, rng=0)
    assert history["train_loss"][-1] < 0.5 * history["train_loss"][0]
    assert reconstruction_error(model, x).mean() < 0.2 * before


def test_a_denoising_run_resumes_bit_for_bit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    x = _stripes(40)

    def run(epochs: int, folder: str, resume: bool = False) -> dict:
        model = DenseAutoencoder(16, [8], 2, noise=MaskingNoise(0.25, rng=1), rng=0)
        train_autoencoder(
            model, x, batch_size=8, epochs=epochs, rng=2, run_dir=tmp_path / folder, resume=resume
        )
        return load_checkpoint(tmp_path / folder / "checkpoint.npz")

    straight = run(4, "straight")
    run(2, "interrupted")
    resumed = run(4, "interrupted", resume=True)
    assert resumed["epoch"] == 4
    for key, value in straight["model"].items():
        np.testing.assert_array_equal(resumed["model"][key], value, err_msg=key)
    assert "noise:rng" in straight["module_rngs"]


def test_noise_is_applied_in_training_mode_and_fresh_every_call() -> None:
    model = DenseAutoencoder(16, [8], 2, noise=GaussianNoise(0.5, rng=0), rng=0)
    x = _stripes(4)
    a, b = model(x).data, model(x).data
    assert not np.array_equal(a, b)
    model.eval()
    np.testing.assert_array_equal(model(x).data, model(x).data)


def test_float64_models() -> None:
    model = ConvAutoencoder((6, 6), channels=(2,), latent=2, rng=0, dtype=np.float64)
    assert model(np.zeros((1, 1, 6, 6))).dtype == np.float64
