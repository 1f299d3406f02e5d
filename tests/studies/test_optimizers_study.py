"""Helpers of the optimizers study."""

import numpy as np

from kobai.studies.optimizers import mean_and_spread, steps_to_reach


def test_steps_to_reach() -> None:
    assert steps_to_reach([10.0, 5.0, 1.0, 0.05], 0.0) == 3
    assert steps_to_reach([10.0, 5.0, 1.0], 0.0) is None
    # measured from the reference value f*: gaps 9, 0.5, 0.05
    assert steps_to_reach([8.0, -0.5, -0.95], -1.0, fraction=0.1) == 1


def test_mean_and_spread() -> None:
    mean, sd = mean_and_spread([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_array_equal(mean, [2.0, 4.0])
    np.testing.assert_array_equal(sd, [1.0, 2.0])
