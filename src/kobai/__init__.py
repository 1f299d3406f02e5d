"""kobai (勾配, "gradient"): a from-scratch NumPy laboratory for how neural networks learn."""

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from kobai import functional, nn, optim
from kobai.autograd import (
    Function,
    GradcheckError,
    Tensor,
    enable_grad,
    grad,
    gradcheck,
    gradgradcheck,
    is_grad_enabled,
    no_grad,
    numerical_grad,
    ones,
    tensor,
    zeros,
)
from kobai.autograd.engine import tune_allocator
from kobai.backend import (
    flush_denormal,
    get_num_threads,
    num_threads,
    set_flush_denormal,
    set_num_threads,
)
from kobai.i18n import get_language, set_language

if TYPE_CHECKING:
    from kobai.train.evaluation import evaluate, predict
    from kobai.train.fit import fit
    from kobai.train.history import History

__version__ = "0.1.0"


# Names that live below a subpackage of their own name (``kobai.ensemble`` is a module of train),
# and the training loop's names: kobai.train brings tempfile, pathlib, json and csv (~20 ms of
# start-up), which a user who only builds tensors never needs.
_LAZY = {"ensemble": "kobai.train.ensemble"}
_TRAIN = ("History", "evaluate", "fit", "predict")


def __getattr__(name: str) -> Any:
    """``kobai.landscape``, ``kobai.viz``, ``kobai.sweep``, ...: every subpackage on first use
    (PEP 562), so that ``import kobai`` stays quick and loads NumPy only."""
    if name in _LAZY:
        return importlib.import_module(_LAZY[name])
    if name in _TRAIN:
        return getattr(importlib.import_module("kobai.train"), name)
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    import pkgutil

    return sorted({*globals(), *_LAZY, *_TRAIN, *(m.name for m in pkgutil.iter_modules(__path__))})


__all__ = [
    "Function",
    "GradcheckError",
    "History",
    "Tensor",
    "__version__",
    "data",
    "enable_grad",
    "evaluate",
    "fit",
    "flush_denormal",
    "functional",
    "get_language",
    "get_num_threads",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "nn",
    "no_grad",
    "num_threads",
    "numerical_grad",
    "ones",
    "optim",
    "predict",
    "set_flush_denormal",
    "set_language",
    "set_num_threads",
    "tensor",
    "tune_allocator",
    "zeros",
]
