"""Numbers behind the pictures: test functions, descent races, the single neuron's surface,
loss landscapes of real networks (directions, slices, surfaces, PCA of trajectories)."""

from kobai.landscape import neuron
from kobai.landscape.descent import Trajectory, descend
from kobai.landscape.directions import (
    filter_norms,
    normalize_direction,
    random_direction,
    random_directions,
)
from kobai.landscape.functions import TestFunction, available_functions, get_function
from kobai.landscape.network import (
    LossLine,
    LossSurface,
    PlaneEvaluator,
    interpolate,
    loss_line,
    loss_surface,
)
from kobai.landscape.run_landscape import RunLandscape, landscape_of_run
from kobai.landscape.status import STATUS_MEANINGS
from kobai.landscape.trajectory import PCAResult, RunTrajectory, load_trajectory, pca_directions

__all__ = [
    "LossLine",
    "LossSurface",
    "PCAResult",
    "PlaneEvaluator",
    "RunLandscape",
    "STATUS_MEANINGS",
    "RunTrajectory",
    "TestFunction",
    "Trajectory",
    "available_functions",
    "descend",
    "filter_norms",
    "get_function",
    "interpolate",
    "landscape_of_run",
    "load_trajectory",
    "loss_line",
    "loss_surface",
    "neuron",
    "normalize_direction",
    "pca_directions",
    "random_direction",
    "random_directions",
]
