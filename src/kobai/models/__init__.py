"""Ready-made models: multilayer perceptrons (autoencoders follow)."""

from kobai.models.mlp import MLP, parse_spec
from kobai.models.runs import Run, RunConfig, build, load_run

__all__ = ["MLP", "Run", "RunConfig", "build", "load_run", "parse_spec"]
