"""Noise models: their statistics, their randomness, their errors; PSNR."""

import math

import numpy as np
import pytest

from kobai.models.noise import (
    GaussianNoise,
    MaskingNoise,
    SaltAndPepperNoise,
    choose_elements,
    make_noise,
    parse_noise,
    psnr,
)


def test_gaussian_noise_has_the_variance_sigma_squared() -> None:
    x = np.full((2000, 50), 0.5, np.float32)
    noisy = GaussianNoise(0.3, clip=False, rng=0).corrupt(x)
    noise = (noisy - x).astype(np.float64)
    # 100,000 draws: the standard error of the variance is about 0.09**2 * sqrt(2/1e5).
    assert noise.var() == pytest.approx(0.09, rel=0.02)
    assert abs(noise.mean()) < 0.005
    assert noisy.dtype == np.float32


def test_clipped_gaussian_noise_stays_in_the_unit_interval() -> None:
    x = np.zeros((500, 20), np.float32)
    noisy = GaussianNoise(0.5, rng=1).corrupt(x)
    assert noisy.min() == 0.0 and noisy.max() == 1.0
    # Half the draws are negative and clip to 0; P(N(0, 0.25) > 1) = 1 - Phi(2) = 0.0228.
    assert np.mean(noisy == 0) == pytest.approx(0.5, abs=0.02)
    assert np.mean(noisy == 1) == pytest.approx(0.0228, abs=0.004)


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 0.5, 1.0])
def test_masking_zeroes_exactly_the_fraction_of_each_sample(fraction: float) -> None:
    x = np.ones((40, 7, 9), np.float32)
    noisy = MaskingNoise(fraction, rng=2).corrupt(x)
    zeros_per_sample = (noisy == 0).reshape(40, -1).sum(axis=1)
    assert (zeros_per_sample == round(fraction * 63)).all()
    assert set(np.unique(noisy)) <= {0.0, 1.0}


def test_salt_and_pepper_corrupts_the_fraction_half_salt_half_pepper() -> None:
    x = np.full((400, 100), 0.5, np.float32)
    noisy = SaltAndPepperNoise(0.3, rng=3).corrupt(x)
    assert ((noisy != 0.5).sum(axis=1) == 30).all()
    salt, pepper = (noisy == 1).sum(), (noisy == 0).sum()
    assert salt + pepper == 12_000
    assert salt / 12_000 == pytest.approx(0.5, abs=0.02)


def test_chosen_elements_are_uniform_over_positions() -> None:
    mask = choose_elements((20_000, 10), 0.2, np.random.default_rng(4))
    assert (mask.sum(axis=1) == 2).all()
    np.testing.assert_allclose(mask.mean(axis=0), 0.2, atol=0.01)


def test_same_seed_same_noise_and_fresh_noise_every_call() -> None:
    x = np.zeros((5, 8), np.float32)
    a, b = GaussianNoise(0.2, rng=7), GaussianNoise(0.2, rng=7)
    first, second = a.corrupt(x), a.corrupt(x)
    np.testing.assert_array_equal(first, b.corrupt(x))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(a.corrupt(x, rng=9), b.corrupt(x, rng=9))


def test_a_noise_layer_corrupts_in_training_mode_only() -> None:
    layer = MaskingNoise(0.5, rng=0)
    x = np.ones((3, 10), np.float32)
    assert (layer(x).data == 0).sum() == 15
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, x)


def test_the_input_is_never_modified() -> None:
    x = np.full((4, 6), 0.5, np.float32)
    for noise in (GaussianNoise(1.0), SaltAndPepperNoise(0.5), MaskingNoise(0.5)):
        noise.corrupt(x, rng=0)
    assert (x == 0.5).all()


@pytest.mark.parametrize("fraction", [-0.1, 1.5])
def test_a_fraction_outside_the_unit_interval_is_refused(fraction: float) -> None:
    for cls in (MaskingNoise, SaltAndPepperNoise):
        with pytest.raises(
            ValueError, match=rf"fraction must be a finite number in \[0, 1\], got {fraction}"
        ):
            cls(fraction)


def test_bad_noise_arguments() -> None:
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0, got -1"):
        GaussianNoise(-1)
    with pytest.raises(
        TypeError, match=r"fraction must be a finite number in \[0, 1\], got '0\.5'"
    ):
        MaskingNoise("0.5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown noise 'speckle'; valid: gaussian"):
        make_noise("speckle", 0.1)
    with pytest.raises(ValueError, match="noise must be KIND:LEVEL"):
        parse_noise("gaussian")
    with pytest.raises(ValueError, match=r"fraction must be a finite number in \[0, 1\], got 2.0"):
        parse_noise("masking:2")


def test_parse_noise_builds_each_model() -> None:
    assert isinstance(parse_noise("gaussian:0.5"), GaussianNoise)
    assert parse_noise("salt-and-pepper:0.2").fraction == 0.2
    assert parse_noise("masking:0.25").fraction == 0.25


def test_psnr_by_hand() -> None:
    # MSE 0.01 on the unit range: 10 log10(1 / 0.01) = 20 dB; range 2: + 20 log10(2).
    assert psnr(np.full(8, 0.1), np.zeros(8)) == pytest.approx(20.0)
    assert psnr(np.full(8, 0.1), np.zeros(8), data_range=2.0) == pytest.approx(
        20 + 20 * math.log10(2)
    )
    assert psnr(np.ones(3), np.ones(3)) == math.inf
    with pytest.raises(ValueError, match=r"same shape, got \(3,\) and \(4,\)"):
        psnr(np.ones(3), np.ones(4))
