"""Every differentiable op as a lowercase function: ``import kobai.functional as F``.

Re-exports :mod:`kobai.autograd.ops`.
"""

from kobai.autograd.ops import *  # noqa: F403
from kobai.autograd.ops import __all__  # noqa: F401
