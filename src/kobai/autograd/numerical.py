"""Numerical differentiation and gradient checks against it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kobai.autograd.grad_mode import enable_grad, no_grad
from kobai.autograd.gradients import grad
from kobai.autograd.ops import concatenate
from kobai.autograd.tensor import Tensor
from kobai.validation import check_real

METHODS = ("forward", "backward", "central")


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` (and :func:`gradgradcheck`) when backpropagation and finite
    differences disagree."""


def _scalar(value: Any) -> float:
    data = value.data if isinstance(value, Tensor) else np.asarray(value)
    if data.size != 1:
        raise ValueError(f"f must return a scalar, got a value of shape {data.shape}")
    return float(data.reshape(()))


def _check_step(name: str, h: Any) -> float:
    return check_real(name, h, low=0, low_open=True)


def numerical_grad(
    f: Callable[[Any], Any], x: Any, h: float = 1e-4, method: str = "central"
) -> Any:
    """Gradient of a scalar function by finite differences.

    .. math::

        \\text{forward: } \\frac{f(x + h) - f(x)}{h} \\qquad
        \\text{backward: } \\frac{f(x) - f(x - h)}{h} \\qquad
        \\text{central: } \\frac{f(x + h) - f(x - h)}{2h}

    The forward and backward differences have an error of order ``h``; the central
    difference, of order ``h**2``. Each element of ``x`` costs one or two calls of ``f``: this
    is exact but slow, which is why networks are trained by backpropagation.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar (Python number, 0-d or 1-element array or Tensor). It receives
        ``x`` in the type it was given: a float, an ndarray or a Tensor.
    x : float, ndarray or Tensor
        The point; computed in float64.
    h : float, default 1e-4
        The step.
    method : {"central", "forward", "backward"}

    Returns
    -------
    float or ndarray of the shape of ``x``

    Examples
    --------
    >>> import kobai as kb
    >>> round(kb.numerical_grad(lambda x: x**2 / 2, 2.0, h=1e-3, method="forward"), 10)
    2.0005
    """
    h = _check_step("h", h)
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    is_tensor = isinstance(x, Tensor)
    is_scalar = np.ndim(x.data if is_tensor else x) == 0 and not isinstance(x, np.ndarray)
    point = np.array(x.data if is_tensor else x, dtype=np.float64)

    def at(values: np.ndarray) -> float:
        if is_tensor:
            return _scalar(f(Tensor(values.copy())))
        return _scalar(f(float(values) if is_scalar else values.copy()))

    grad = np.zeros_like(point)
    flat, out = point.reshape(-1), grad.reshape(-1)
    with no_grad():
        center = at(point) if method != "central" else 0.0
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + h
            upper = at(point) if method != "backward" else center
            flat[i] = original - h
            lower = at(point) if method != "forward" else center
            flat[i] = original
            out[i] = (upper - lower) / (2 * h if method == "central" else h)
    return float(grad) if is_scalar else grad


def _prepare(inputs: Sequence[Any]) -> list[Tensor | Any]:
    """Floating inputs as fresh float64 tensors (floating arrays and numbers require grad;
    tensors keep their flag); anything else (integer targets, masks) is passed as it is."""
    prepared = []
    for x in inputs:
        data = x.data if isinstance(x, Tensor) else x
        if (
            isinstance(data, (np.ndarray, float, np.floating))
            and np.asarray(data).dtype.kind == "f"
        ):
            wants = x.requires_grad if isinstance(x, Tensor) else True
            prepared.append(Tensor(np.array(data, dtype=np.float64), requires_grad=wants))
        else:
            prepared.append(x)
    return prepared


def _as_output(value: Any) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"fn must return a Tensor, got {type(value).__name__}")
    return value


def jacobians(
    fn: Callable[..., Any], inputs: Sequence[Any], eps: float
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """``(index, analytical, numerical)`` Jacobians of ``fn`` w.r.t. each differentiable input.

    Each Jacobian has shape ``(output.size, input.size)``; the analytical one is built row by
    row with ``backward``, the numerical one column by column with central differences.
    """
    tensors = [x for x in inputs]
    output = _as_output(fn(*tensors))
    results = []
    for index, x in enumerate(tensors):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        analytical = np.zeros((output.data.size, x.data.size))
        for row in range(output.data.size):
            for t in tensors:
                if isinstance(t, Tensor):
                    t.grad = None
            seed = np.zeros(output.data.size)
            seed[row] = 1.0
            if output.requires_grad:
                output.backward(seed.reshape(output.shape), retain_graph=True)
            if x.grad is not None:
                analytical[row] = x.grad.reshape(-1)
        numerical = np.zeros_like(analytical)
        flat = x.data.reshape(-1)
        with no_grad():
            for col in range(flat.size):
                original = flat[col]
                flat[col] = original + eps
                upper = _as_output(fn(*tensors)).data.astype(np.float64).reshape(-1)
                flat[col] = original - eps
                lower = _as_output(fn(*tensors)).data.astype(np.float64).reshape(-1)
                flat[col] = original
                numerical[:, col] = (upper - lower) / (2 * eps)
        results.append((index, analytical, numerical))
    for t in tensors:
        if isinstance(t, Tensor):
            t.grad = None
    return results


def gradcheck(
    fn: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check ``fn``'s backpropagated gradients against central finite differences.

    As ``torch.autograd.gradcheck``: the inputs are converted to float64; for every input that
    requires grad (every floating ndarray or number counts as requiring it), the Jacobian of
    ``fn``'s output computed by ``backward`` must match the numerical Jacobian element-wise:
    ``|analytical - numerical| <= atol + rtol * |numerical|``.

    Parameters
    ----------
    fn : callable
        Takes the inputs (as float64 tensors) and returns a Tensor of any shape.
    *inputs : Tensor, ndarray or number
    eps : float, default 1e-6
        Finite-difference step.
    atol, rtol : float
        Tolerances.
    raise_exception : bool, default True
        Raise :class:`GradcheckError` on failure (otherwise return False).

    Returns
    -------
    bool
        True when every gradient agrees.

    Raises
    ------
    GradcheckError
        Showing both gradients of the first input that disagrees.
    """
    eps = _check_step("eps", eps)
    atol, rtol = _check_tolerance("atol", atol), _check_tolerance("rtol", rtol)
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    for index, analytical, numerical in jacobians(fn, _prepare(inputs), eps):
        if not np.allclose(analytical, numerical, rtol=rtol, atol=atol, equal_nan=False):
            if not raise_exception:
                return False
            worst = float(np.max(np.abs(analytical - numerical)))
            with np.printoptions(precision=6, suppress=True, threshold=200):
                raise GradcheckError(
                    f"gradient of input {index} does not match (max abs error {worst:.3e}, "
                    f"atol={atol}, rtol={rtol})\nbackprop (analytical):\n{analytical}\n"
                    f"finite differences (numerical):\n{numerical}"
                )
    return True


def _check_tolerance(name: str, value: Any) -> float:
    return check_real(name, value, low=0)


def compare_case(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> tuple[float, float, bool]:
    """Largest absolute and relative Jacobian errors of ``fn`` at ``inputs``, and the verdict.

    The verdict is :func:`gradcheck`'s (element-wise ``|a - n| <= atol + rtol |n|``); the
    relative error reported is the largest absolute error over the largest numerical entry.
    """
    max_abs = max_rel = 0.0
    ok = True
    for _, analytical, numerical in jacobians(fn, _prepare(inputs), eps):
        error = float(np.max(np.abs(analytical - numerical), initial=0.0))
        scale = float(np.max(np.abs(numerical), initial=0.0))
        max_abs = max(max_abs, error)
        max_rel = max(max_rel, error / scale if scale > 0 else error)
        ok = ok and bool(np.allclose(analytical, numerical, rtol=rtol, atol=atol))
    return max_abs, max_rel, ok


def first_derivative(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    rng: np.random.Generator | int,
    grad_outputs: Any = None,
) -> tuple[Callable[..., Tensor], list[Any]]:
    """The vector-Jacobian product of ``fn`` as a function to gradient-check, and its inputs.

    Returns ``vjp`` and ``inputs + [v]``: ``vjp(*inputs, v)`` is the gradient of ``fn``'s output
    with respect to every differentiable input, with ``v`` (``grad_outputs`` if given, else
    standard normal drawn from ``rng``, of the output's shape) as ``grad_outputs``, computed
    with ``create_graph=True`` and flattened into one vector. Its backward pass is ``fn``'s
    second derivative.
    """
    prepared = _prepare(inputs)
    wrt = [i for i, x in enumerate(prepared) if isinstance(x, Tensor) and x.requires_grad]
    with enable_grad():
        shape = _as_output(fn(*prepared)).shape
    if grad_outputs is None:
        direction = np.random.default_rng(rng).standard_normal(shape)
    else:
        direction = np.array(getattr(grad_outputs, "data", grad_outputs), dtype=np.float64)
        if direction.shape != shape:
            raise ValueError(
                f"grad_outputs must have the output's shape {shape}, got {direction.shape}"
            )
    v = Tensor(direction, requires_grad=True)
    count = len(prepared)

    def vjp(*args: Any) -> Tensor:
        xs, direction = args[:count], args[count]
        with enable_grad():
            y = _as_output(fn(*xs))
            grads = grad(y, [xs[i] for i in wrt], direction, create_graph=True, allow_unused=True)
        parts = [
            g.reshape(-1) if g is not None else Tensor(np.zeros(xs[i].data.size))
            for g, i in zip(grads, wrt, strict=True)
        ]
        return concatenate(parts) if len(parts) > 1 else parts[0]

    return vjp, [*prepared, v]


def gradgradcheck(
    fn: Callable[..., Any],
    *inputs: Any,
    grad_outputs: Any = None,
    rng: np.random.Generator | int = 0,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check ``fn``'s second derivatives against finite differences of its first derivatives.

    As ``torch.autograd.gradgradcheck``: with random ``grad_outputs`` :math:`v` (from ``rng``),
    the vector-Jacobian product :math:`g(x, v) = J_f(x)^\top v` is computed with
    ``create_graph=True``, and :func:`gradcheck` compares the Jacobian of :math:`g` with
    respect to :math:`x` and :math:`v` obtained by backpropagating through that graph (second
    derivatives of ``fn``) with central differences of :math:`g` (first derivatives only).
    Inputs are converted to float64.

    Parameters
    ----------
    fn : callable
        Takes the inputs (as float64 tensors) and returns a Tensor of any shape.
    *inputs : Tensor, ndarray or number
    grad_outputs : array_like or Tensor, optional
        :math:`v`, of the output's shape (default: standard normal from ``rng``).
    rng : np.random.Generator or int, default 0
        Generator (or seed) of the random ``grad_outputs``.
    eps, atol, rtol, raise_exception
        As in :func:`gradcheck`.

    Returns
    -------
    bool
        True when every second derivative agrees.

    Examples
    --------
    >>> import numpy as np
    >>> import kobai as kb
    >>> kb.gradgradcheck(lambda x: (x**3).sum(), np.array([0.5, -1.0]))
    True
    """
    vjp, extended = first_derivative(fn, inputs, rng, grad_outputs)
    return gradcheck(vjp, *extended, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
