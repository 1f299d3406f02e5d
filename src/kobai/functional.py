"""Every differentiable op as a lowercase function: ``import kobai.functional as F``.

Re-exports :mod:`kobai.autograd.functional`.
"""

from kobai.autograd.functional import *  # noqa: F403
from kobai.autograd.functional import __all__  # noqa: F401
