"""Figures of the studies (:mod:`kobai.studies`)."""

from kobai.viz.studies.curvature import (
    edge_of_stability,
    hessian_densities,
    neuron_eigenvectors,
    sharpness_runs,
)
from kobai.viz.studies.gradients import (
    activation_histograms,
    derivatives_and_depth,
    gradient_heatmap,
    gradient_lines,
)
from kobai.viz.studies.minima import (
    decision_regions,
    loss_between_copies,
    permuted_network,
    restart_distribution,
)
from kobai.viz.studies.numerics import cost_against_size, error_against_step, same_training
from kobai.viz.studies.training import (
    curves_by_epoch_and_time,
    learning_rate_paths,
    learning_rate_sweep,
    mean_curves,
    step_losses_and_noise,
)

__all__ = [
    "activation_histograms",
    "cost_against_size",
    "curves_by_epoch_and_time",
    "decision_regions",
    "derivatives_and_depth",
    "edge_of_stability",
    "error_against_step",
    "gradient_heatmap",
    "gradient_lines",
    "hessian_densities",
    "learning_rate_paths",
    "learning_rate_sweep",
    "loss_between_copies",
    "mean_curves",
    "neuron_eigenvectors",
    "permuted_network",
    "restart_distribution",
    "same_training",
    "sharpness_runs",
    "step_losses_and_noise",
]
