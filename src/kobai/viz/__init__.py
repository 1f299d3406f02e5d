"""Figures (matplotlib, imported only when a figure is drawn)."""

from kobai.viz.curves import plot_learning_curves
from kobai.viz.style import PALETTE, save_figure

__all__ = ["PALETTE", "plot_learning_curves", "save_figure"]
