"""Regimes of the learning-rate sweep."""

import math

from kobai.studies.learning_rate import classify, good_range


def test_classify_names_each_regime() -> None:
    lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
    finals = [2.2, 1.0, 0.11, 0.1, 0.9, math.nan]
    labels = classify(lrs, finals, initial=2.3)
    # good: log(L / 0.1) <= 0.25 log(2.3 / 0.1), i.e. L <= 0.1 * 23 ** 0.25 = 0.219
    assert labels == ["crawl", "crawl", "good", "good", "unstable", "diverged"]
    assert good_range(lrs, labels) == (1e-2, 1e-1)


def test_worse_than_the_start_is_divergence() -> None:
    assert classify([0.1, 1.0], [0.5, 2.5], initial=2.3) == ["good", "diverged"]
    assert classify([1.0], [math.nan], initial=2.3) == ["diverged"]


def test_good_range_without_a_good_rate_is_nan() -> None:
    low, high = good_range([1.0], ["diverged"])
    assert math.isnan(low) and math.isnan(high)


def test_a_zero_loss_is_the_only_good_one() -> None:
    assert classify([0.1, 1.0], [0.0, 0.01], initial=1.0) == ["good", "unstable"]
