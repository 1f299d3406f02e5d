"""Curvature of the loss: Hessian-vector products, Lanczos, Hutchinson, SLQ, sharpness."""

from kobai.curvature.estimators import Density, TraceEstimate, hutchinson_trace, slq_density
from kobai.curvature.lanczos import Eigenpairs, Tridiagonal, lanczos_tridiagonal, top_eigenpairs
from kobai.curvature.operator import LinearOperator, as_operator

__all__ = [
    "Density",
    "Eigenpairs",
    "LinearOperator",
    "TraceEstimate",
    "Tridiagonal",
    "as_operator",
    "hutchinson_trace",
    "lanczos_tridiagonal",
    "slq_density",
    "top_eigenpairs",
]
