"""Weight initialisation, in place, with PyTorch's ``torch.nn.init`` names and formulas.

Every function fills a :class:`~kobai.Tensor` (or an ndarray) in place and returns it; those
that draw random numbers take ``rng`` (a ``np.random.Generator``, an int seed, or None). The
numbers are drawn in float64 and cast, so a float32 and a float64 layer built from the same
seed hold the same values up to rounding.

Glorot and He, and the textbook "Xavier"
----------------------------------------
Glorot & Bengio (2010) keep the variance of activations and of gradients roughly constant:
``Var(W) = 2 / (fan_in + fan_out)`` (:func:`xavier_normal_`, :func:`xavier_uniform_`). He et
al. (2015) correct this for ReLU: ``Var(W) = 2 / fan_in`` (:func:`kaiming_normal_`). Several
textbooks call ``N(0, 1 / fan_in)`` "the Xavier initial value"; that is LeCun's
initialisation, offered here as :func:`lecun_normal_` (alias :func:`textbook_xavier_normal_`).

:func:`get` turns a name such as ``"he"``, ``"xavier"`` or ``"std:0.01"`` into an
initialiser, for the command line and configuration files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.autograd.tensor import Tensor
from kobai.backend import as_rng

# Orthogonal and truncated-normal initialisation live in their own module, with the helpers
# that every initialiser uses.
from kobai.nn._init_special import T, _array, _fill, orthogonal_, trunc_normal_
from kobai.validation import check_real, check_str

if TYPE_CHECKING:
    from kobai.backend import RNG

_GAINS_ONE = (
    "linear", "identity", "conv1d", "conv2d", "conv3d", "sigmoid",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
)  # fmt: skip
NONLINEARITIES = (*_GAINS_ONE, "tanh", "relu", "leaky_relu", "selu")
MODES = ("fan_in", "fan_out")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's values).

    ========================  ================================
    nonlinearity              gain
    ========================  ================================
    linear, conv*, sigmoid    1
    tanh                      5/3
    relu                      sqrt(2)
    leaky_relu                sqrt(2 / (1 + negative_slope^2))
    selu                      3/4
    ========================  ================================

    Parameters
    ----------
    nonlinearity : str
    param : float, optional
        The negative slope of ``leaky_relu`` (default 0.01).
    """
    if nonlinearity in _GAINS_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        slope = check_real("negative_slope", slope)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"nonlinearity must be one of {', '.join(NONLINEARITIES)}, got {nonlinearity!r}"
    )


def calculate_fan_in_and_fan_out(tensor: Tensor | np.ndarray) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)``.

    For a Linear weight ``(out, in)`` that is ``(in, out)``; for a convolution weight
    ``(out_channels, in_channels, kh, kw)`` both are multiplied by the receptive field
    ``kh * kw``.
    """
    shape = _array(tensor).shape
    if len(shape) < 2:
        raise ValueError(
            f"fan in and fan out need a tensor with at least 2 dimensions, got shape {shape}"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out


def _fan(tensor: Any, mode: str) -> int:
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")


def uniform_(tensor: T, a: float = 0.0, b: float = 1.0, *, rng: RNG = None) -> T:
    """Fill with draws from the uniform distribution :math:`U(a, b)`."""
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    return _fill(tensor, as_rng(rng).uniform(a, b, _array(tensor).shape))


def normal_(tensor: T, mean: float = 0.0, std: float = 1.0, *, rng: RNG = None) -> T:
    """Fill with draws from the normal distribution :math:`N(mean, std^2)`."""
    std = check_real("std", std, low=0)
    return _fill(tensor, as_rng(rng).normal(mean, std, _array(tensor).shape))


def constant_(tensor: T, val: float) -> T:
    """Fill with ``val``."""
    return _fill(tensor, val)


def zeros_(tensor: T) -> T:
    """Fill with zeros."""
    return _fill(tensor, 0.0)


def ones_(tensor: T) -> T:
    """Fill with ones."""
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor: T, gain: float = 1.0, *, rng: RNG = None) -> T:
    """Glorot uniform: :math:`U(-a, a)` with :math:`a = gain \\sqrt{6 / (fan_{in} + fan_{out})}`.

    The variance is :math:`gain^2 \\cdot 2 / (fan_{in} + fan_{out})`.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010.
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, rng=rng)


def xavier_normal_(tensor: T, gain: float = 1.0, *, rng: RNG = None) -> T:
    """Glorot normal: :math:`N(0, \\sigma^2)` with
    :math:`\\sigma = gain \\sqrt{2 / (fan_{in} + fan_{out})}` (Glorot & Bengio, 2010)."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng=rng)


def kaiming_uniform_(
    tensor: T,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    rng: RNG = None,
) -> T:
    """He uniform: :math:`U(-b, b)` with :math:`b = gain \\sqrt{3 / fan}`.

    ``gain = calculate_gain(nonlinearity, a)``; ``fan`` is ``fan_in`` or ``fan_out`` (mode).
    With the defaults the variance is :math:`2 / fan_{in}`.

    References
    ----------
    K. He et al., "Delving deep into rectifiers: surpassing human-level performance on
    ImageNet classification", ICCV 2015.
    """
    gain = calculate_gain(nonlinearity, a)
    bound = gain * math.sqrt(3.0 / _fan(tensor, mode))
    return uniform_(tensor, -bound, bound, rng=rng)


def kaiming_normal_(
    tensor: T,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    *,
    rng: RNG = None,
) -> T:
    """He normal: :math:`N(0, \\sigma^2)` with :math:`\\sigma = gain / \\sqrt{fan}`.

    With the defaults (``a=0``, so gain :math:`\\sqrt 2`) the variance is :math:`2 / fan_{in}`
    (He et al., 2015).
    """
    gain = calculate_gain(nonlinearity, a)
    return normal_(tensor, 0.0, gain / math.sqrt(_fan(tensor, mode)), rng=rng)


def lecun_normal_(tensor: T, *, rng: RNG = None) -> T:
    """LeCun normal: :math:`N(0, 1 / fan_{in})`.

    This is what several textbooks call the "Xavier initial value" (standard deviation
    :math:`1 / \\sqrt{n}` for ``n`` nodes in the previous layer); Glorot's own form is
    :func:`xavier_normal_`.
    """
    fan_in, _ = calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, 1.0 / math.sqrt(fan_in), rng=rng)


textbook_xavier_normal_ = lecun_normal_


def default_linear_(weight: T, bias: T | None = None, *, rng: RNG = None) -> T:
    """PyTorch's default for Linear and convolution layers.

    The weight gets ``kaiming_uniform_(a=sqrt(5))``, i.e. :math:`U(-1/\\sqrt{fan_{in}},
    1/\\sqrt{fan_{in}})`, and the bias :math:`U(-1/\\sqrt{fan_{in}}, 1/\\sqrt{fan_{in}})`,
    drawn from the same generator, weight first.
    """
    generator = as_rng(rng)
    kaiming_uniform_(weight, a=math.sqrt(5), rng=generator)
    if bias is not None:
        fan_in, _ = calculate_fan_in_and_fan_out(weight)
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound, rng=generator)
    return weight


Initializer = Callable[..., Any]

_NAMED: dict[str, Initializer] = {
    "default": lambda t, *, rng=None: kaiming_uniform_(t, a=math.sqrt(5), rng=rng),
    "xavier": xavier_uniform_,
    "xavier_uniform": xavier_uniform_,
    "xavier_normal": xavier_normal_,
    "glorot": xavier_uniform_,
    "glorot_uniform": xavier_uniform_,
    "glorot_normal": xavier_normal_,
    "he": kaiming_normal_,
    "he_normal": kaiming_normal_,
    "he_uniform": kaiming_uniform_,
    "kaiming": kaiming_normal_,
    "kaiming_normal": kaiming_normal_,
    "kaiming_uniform": kaiming_uniform_,
    "lecun": lecun_normal_,
    "lecun_normal": lecun_normal_,
    "textbook_xavier": lecun_normal_,
    "orthogonal": orthogonal_,
    "trunc_normal": trunc_normal_,
    "zeros": lambda t, *, rng=None: zeros_(t),
    "ones": lambda t, *, rng=None: ones_(t),
}
_PARAMETRISED = ("std:<s>", "uniform:<a>", "constant:<c>")


def names() -> list[str]:
    """Every name :func:`get` accepts (``<s>`` etc. stand for a number)."""
    return [*_NAMED, *_PARAMETRISED]


def get(name: str) -> Initializer:
    """The initialiser called ``name``, as ``fn(tensor, *, rng=None) -> tensor``.

    Names: ``"default"`` (PyTorch's Linear default), ``"xavier"``/``"glorot"`` (Glorot
    uniform), ``"xavier_normal"``, ``"he"``/``"kaiming"`` (He normal), ``"he_uniform"``,
    ``"lecun"``/``"textbook_xavier"`` (:math:`N(0, 1/fan_{in})`), ``"zeros"``, ``"ones"``,
    ``"std:0.01"`` (:math:`N(0, 0.01^2)`), ``"uniform:0.05"`` (:math:`U(-0.05, 0.05)`),
    ``"constant:0.1"``.

    Raises
    ------
    ValueError
        For an unknown name, listing the valid ones.

    Examples
    --------
    >>> import numpy as np
    >>> from kobai.nn import init
    >>> w = init.get("std:0.01")(np.empty((256, 784), dtype=np.float32), rng=0)
    >>> round(float(w.std()), 3)
    0.01
    """
    check_str("initialiser name", name, empty=True)
    key = name.strip().lower()
    if key in _NAMED:
        return _NAMED[key]
    kind, _, number = key.partition(":")
    if number and kind in ("std", "uniform", "constant"):
        value = _number(number, name, signed=kind == "constant")
        if kind == "std":
            return lambda t, *, rng=None: normal_(t, 0.0, value, rng=rng)
        if kind == "uniform":
            return lambda t, *, rng=None: uniform_(t, -value, value, rng=rng)
        return lambda t, *, rng=None: constant_(t, value)
    raise ValueError(f"unknown initialiser {name!r}; valid names: {', '.join(names())}")


def _number(text: str, name: str, *, signed: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"initialiser {name!r} needs a number after ':', got {text!r}") from None
    if not math.isfinite(value) or (value < 0 and not signed):
        bound = "a finite number" if signed else "a finite number >= 0"
        raise ValueError(f"initialiser {name!r} needs {bound}, got {text!r}")
    return value


def initialize_(
    module: Any, weight: str = "default", bias: str = "zeros", *, rng: RNG = None
) -> Any:
    """Re-initialise every weight (a parameter named ``weight`` with 2 or more dimensions)
    and bias (a parameter named ``bias`` of such a layer) of ``module`` by name (see
    :func:`get`), in the order of ``named_modules()``, from one generator. Returns ``module``.

    Parameters of other layers (the scale and shift of the normalisation layers, even
    LayerNorm's 2-d ones, PReLU's slope) are left alone.
    """
    weight_init, bias_init = get(weight), get(bias)
    generator = as_rng(rng)
    for layer in module.modules():
        w = layer._parameters.get("weight")
        if w is None or w.data.ndim < 2 or getattr(layer, "scale_and_shift", False):
            continue
        weight_init(w, rng=generator)
        b = layer._parameters.get("bias")
        if b is not None:
            bias_init(b, rng=generator)
    return module
