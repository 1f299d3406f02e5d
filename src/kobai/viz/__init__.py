"""Figures (matplotlib, imported only when a figure is drawn)."""

from kobai.viz.activations import plot_activations
from kobai.viz.animation import RaceAnimation, animate_race
from kobai.viz.autoencoder import (
    plot_auc_by_class,
    plot_extremes,
    plot_image_rows,
    plot_latent_scatter,
    plot_reduction_errors,
    plot_roc_curves,
    plot_score_histograms,
)
from kobai.viz.curves import describe_runs, plot_learning_curves
from kobai.viz.descent import plot_descent_1d, plot_race
from kobai.viz.descent_surface import plot_surface
from kobai.viz.graph import ComputationGraph, graph
from kobai.viz.landscape import (
    plot_interpolation,
    plot_loss_contour,
    plot_loss_line,
    plot_loss_surface,
    plot_run_landscape,
)
from kobai.viz.neuron import plot_batch_modes, plot_neuron_landscape
from kobai.viz.style import PALETTE, save_figure

__all__ = [
    "ComputationGraph",
    "PALETTE",
    "RaceAnimation",
    "animate_race",
    "describe_runs",
    "graph",
    "plot_activations",
    "plot_auc_by_class",
    "plot_batch_modes",
    "plot_descent_1d",
    "plot_extremes",
    "plot_image_rows",
    "plot_interpolation",
    "plot_latent_scatter",
    "plot_learning_curves",
    "plot_loss_contour",
    "plot_loss_line",
    "plot_loss_surface",
    "plot_neuron_landscape",
    "plot_race",
    "plot_reduction_errors",
    "plot_roc_curves",
    "plot_run_landscape",
    "plot_score_histograms",
    "plot_surface",
    "save_figure",
]
