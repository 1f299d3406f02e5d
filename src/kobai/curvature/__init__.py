"""Curvature of the loss: Hessian-vector products, Lanczos, Hutchinson, SLQ, sharpness."""

from kobai.curvature.estimators import Density, TraceEstimate, hutchinson_trace, slq_density
from kobai.curvature.hessian import (
    Hessian,
    batches_of,
    hessian_matrix,
    hvp,
    select_parameters,
)
from kobai.curvature.lanczos import Eigenpairs, Tridiagonal, lanczos_tridiagonal, top_eigenpairs
from kobai.curvature.operator import LinearOperator, as_operator

__all__ = [
    "Density",
    "Eigenpairs",
    "Hessian",
    "LinearOperator",
    "TraceEstimate",
    "Tridiagonal",
    "as_operator",
    "batches_of",
    "hessian_matrix",
    "hvp",
    "hutchinson_trace",
    "lanczos_tridiagonal",
    "select_parameters",
    "slq_density",
    "top_eigenpairs",
]
