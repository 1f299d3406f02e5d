"""Derivatives of functions of tensors, as PyTorch's ``torch.autograd.functional``.

``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp`` and ``vhp`` take a function ``func`` of one
tensor or a tuple of tensors, returning one tensor or a tuple of tensors, and give its
derivatives built from :func:`kobai.grad`. The results mirror the structure of the inputs and
outputs (a tensor for a tensor, a tuple for a tuple), are cut from the graph unless
``create_graph=True``, and are zero for an input that an output does not depend on (an error
with ``strict=True``). ``jvp`` uses the double-vjp trick: :math:`J v` is the gradient of
:math:`u \\mapsto J^\\top u` with respect to :math:`u`.

(The lowercase ops that ``kobai.functional`` re-exports live in :mod:`kobai.autograd.ops`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kobai.autograd import ops
from kobai.autograd.grad_mode import enable_grad
from kobai.autograd.gradients import grad
from kobai.autograd.tensor import Tensor

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]

Func = Callable[..., Any]


def _as_tuple(value: Any, name: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """``(was_tuple, tensors)``; a single tensor becomes a 1-tuple."""
    if isinstance(value, Tensor):
        return False, (value,)
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, Tensor) for v in value):
        return True, tuple(value)
    raise TypeError(
        f"{fn_name}: {name} must be a Tensor or a non-empty tuple of Tensors, got "
        f"{type(value).__name__}"
    )


def _prepare_inputs(inputs: Any, create_graph: bool, fn_name: str) -> tuple[bool, list[Tensor]]:
    """The inputs as tensors that require grad: the given ones (their graph kept) under
    ``create_graph``, else fresh leaves sharing their data."""
    is_tuple, tensors = _as_tuple(inputs, "inputs", fn_name)
    prepared = []
    for i, x in enumerate(tensors):
        if x.dtype.kind != "f":
            raise TypeError(f"{fn_name}: inputs[{i}] must be floating-point, got dtype {x.dtype}")
        keep = create_graph and x.requires_grad
        prepared.append(x if keep else Tensor(x.data, requires_grad=True))
    return is_tuple, prepared


def _call(func: Func, inputs: list[Tensor], fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    with enable_grad():
        out = func(*inputs)
    return _as_tuple(out, "the output of func", fn_name)


def _vectors(v: Any, like: tuple[Tensor, ...], name: str, fn_name: str) -> list[Tensor]:
    """``v`` (one per tensor of ``like``, of its shape) as tensors; None for single elements."""
    if v is None:
        if any(t.data.size != 1 for t in like):
            raise ValueError(
                f"{fn_name}: v can be None only when every {name} has a single element, got "
                f"shapes {[t.shape for t in like]}"
            )
        return [Tensor._from_op(np.ones_like(t.data), None) for t in like]
    items = v if isinstance(v, (tuple, list)) else (v,)
    if len(items) != len(like):
        raise ValueError(
            f"{fn_name}: v must give one tensor per {name} ({len(like)}), got {len(items)}"
        )
    out = []
    for i, (vi, t) in enumerate(zip(items, like, strict=True)):
        vt = vi if isinstance(vi, Tensor) else Tensor._from_op(np.asarray(vi, dtype=t.dtype), None)
        if vt.shape != t.shape:
            raise ValueError(
                f"{fn_name}: v[{i}] must have the shape {t.shape} of {name} {i}, got {vt.shape}"
            )
        out.append(vt)
    return out


def _grads(
    outputs: tuple[Tensor, ...],
    inputs: list[Tensor],
    seeds: list[Tensor] | None,
    create_graph: bool,
    strict: bool,
    fn_name: str,
) -> list[Tensor]:
    """``kobai.grad`` with zeros for unused inputs (errors in strict mode)."""
    used = [o for o in outputs if o.requires_grad]
    if len(used) != len(outputs) and strict:
        raise RuntimeError(
            f"{fn_name}: an output of func does not require grad (it does not depend on the "
            "inputs), which strict=True forbids"
        )
    found: list[Tensor | None] = [None] * len(inputs)
    if used:
        given: list[Any] = list(seeds) if seeds is not None else [None] * len(outputs)
        kept = [s for o, s in zip(outputs, given, strict=True) if o.requires_grad]
        found = list(grad(used, inputs, kept, retain_graph=True, create_graph=create_graph,
                          allow_unused=True))  # fmt: skip
    result = []
    for i, (g, x) in enumerate(zip(found, inputs, strict=True)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"{fn_name}: the output of func is independent of input {i}, which "
                    "strict=True forbids"
                )
            g = Tensor._from_op(np.zeros_like(x.data), None)
        result.append(g)
    return result


def _post(tensors: Any, create_graph: bool) -> Any:
    """Cut results from the graph unless ``create_graph``; keep tuples nested as given."""
    if isinstance(tensors, Tensor):
        return tensors if create_graph else tensors.detach()
    return tuple(_post(t, create_graph) for t in tensors)


def _shape(is_tuple: bool, tensors: Any) -> Any:
    return tuple(tensors) if is_tuple else tensors[0]


def vjp(
    func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """Vector-Jacobian product :math:`v^\\top J` of ``func`` at ``inputs``.

    Parameters
    ----------
    func : callable
        Takes the input tensors, returns a Tensor or a tuple of Tensors.
    inputs : Tensor or tuple of Tensor
    v : array_like, Tensor or tuple, optional
        One vector per output, of its shape; may be omitted for a single-element output.
    create_graph : bool, default False
        Keep the results in the graph (differentiable again).
    strict : bool, default False
        Raise if an output does not depend on an input (otherwise its part is zero).

    Returns
    -------
    (func_output, vjp)
        ``vjp`` has the structure and shapes of ``inputs``.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.autograd.functional import vjp
    >>> x = kb.tensor([1.0, 2.0], dtype="float64")
    >>> vjp(lambda a: a**2, x, kb.tensor([1.0, 1.0], dtype="float64"))[1]
    tensor([2., 4.], dtype=float64)
    """
    is_in, xs = _prepare_inputs(inputs, create_graph, "vjp")
    is_out, outs = _call(func, xs, "vjp")
    seeds = _vectors(v, outs, "output", "vjp")
    grads = _grads(outs, xs, seeds, create_graph, strict, "vjp")
    return _post(_shape(is_out, outs), create_graph), _post(_shape(is_in, grads), create_graph)


def jvp(
    func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """Jacobian-vector product :math:`J v` of ``func`` at ``inputs`` (double-vjp trick).

    ``v`` has one vector per input, of its shape (may be omitted for single-element inputs);
    the result has the structure and shapes of the outputs. Other arguments as :func:`vjp`.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.autograd.functional import jvp
    >>> x = kb.tensor([1.0, 2.0], dtype="float64")
    >>> jvp(lambda a: a**2, x, kb.tensor([1.0, 0.5], dtype="float64"))[1]
    tensor([2., 2.], dtype=float64)
    """
    is_in, xs = _prepare_inputs(inputs, create_graph, "jvp")
    is_out, outs = _call(func, xs, "jvp")
    directions = _vectors(v, tuple(xs), "input", "jvp")
    # J^T u is linear in the dummy u; its gradient with respect to u along v is J v.
    dummies = [Tensor(np.zeros_like(o.data), requires_grad=True) for o in outs]
    with enable_grad():
        transposed = _grads(outs, xs, dummies, True, strict, "jvp")
    live = [(t, d) for t, d in zip(transposed, directions, strict=True) if t.requires_grad]
    if live:
        found = grad([t for t, _ in live], dummies, [d for _, d in live],
                     create_graph=create_graph, allow_unused=True)  # fmt: skip
    else:
        found = tuple([None] * len(dummies))
    products = [g if g is not None else Tensor._from_op(np.zeros_like(o.data), None)
                for g, o in zip(found, outs, strict=True)]  # fmt: skip
    return _post(_shape(is_out, outs), create_graph), _post(_shape(is_out, products), create_graph)


def jacobian(func: Func, inputs: Any, create_graph: bool = False, strict: bool = False) -> Any:
    """The Jacobian of ``func`` at ``inputs``, one reverse pass per output element.

    Returns
    -------
    Tensor of shape ``output.shape + input.shape`` for one input and one output; a tuple over
    the inputs (or over the outputs) when either is a tuple; a tuple (outputs) of tuples
    (inputs) when both are.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.autograd.functional import jacobian
    >>> jacobian(lambda a: a**2, kb.tensor([1.0, 3.0], dtype="float64"))
    tensor([[2., 0.],
            [0., 6.]], dtype=float64)
    """
    is_in, xs = _prepare_inputs(inputs, create_graph, "jacobian")
    is_out, outs = _call(func, xs, "jacobian")
    blocks = [_jacobian_rows(out, xs, create_graph, strict) for out in outs]
    per_output = [_shape(is_in, block) for block in blocks]
    return _post(_shape(is_out, per_output), create_graph)


def _jacobian_rows(out: Tensor, xs: list[Tensor], create_graph: bool, strict: bool) -> list[Any]:
    """d out / d x for each input, of shape ``out.shape + x.shape``."""
    rows: list[list[Tensor]] = [[] for _ in xs]
    for k in range(out.data.size):
        seed = np.zeros(out.shape, dtype=out.dtype)
        seed.reshape(-1)[k] = 1
        grads = _grads((out,), xs, [Tensor(seed)], create_graph, strict, "jacobian")
        for i, g in enumerate(grads):
            rows[i].append(g)
    blocks = []
    for x, parts in zip(xs, rows, strict=True):
        shape = out.shape + x.shape
        if not parts:
            blocks.append(Tensor._from_op(np.zeros(shape, dtype=x.dtype), None))
        elif create_graph:
            blocks.append(ops.reshape(ops.stack(parts), shape))
        else:
            blocks.append(Tensor._from_op(np.stack([p.data for p in parts]).reshape(shape), None))
    return blocks


def _scalar_function(func: Func, fn_name: str) -> Func:
    def checked(*xs: Tensor) -> Tensor:
        out = func(*xs)
        if not isinstance(out, Tensor):
            raise TypeError(
                f"{fn_name}: func must return a single Tensor, got {type(out).__name__}"
            )
        if out.data.size != 1:
            raise ValueError(
                f"{fn_name}: func must return a single-element Tensor, got shape {out.shape}"
            )
        return out

    return checked


def hessian(func: Func, inputs: Any, create_graph: bool = False, strict: bool = False) -> Any:
    """The Hessian of a scalar function ``func`` at ``inputs``: the Jacobian of its gradient.

    Returns
    -------
    Tensor of shape ``input.shape + input.shape`` for one input; for a tuple of inputs, a
    tuple of tuples ``H[i][j] = d^2 f / (d x_i d x_j)`` of shape
    ``x_i.shape + x_j.shape``.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.autograd.functional import hessian
    >>> hessian(lambda a: (a**3).sum(), kb.tensor([1.0, 2.0], dtype="float64"))
    tensor([[ 6.,  0.],
            [ 0., 12.]], dtype=float64)
    """
    scalar = _scalar_function(func, "hessian")
    is_in, xs = _prepare_inputs(inputs, create_graph, "hessian")

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        (out,) = _call(scalar, list(args), "hessian")[1]
        return tuple(_grads((out,), list(args), None, True, strict, "hessian"))

    result = jacobian(gradient, tuple(xs), create_graph=create_graph, strict=strict)
    return result if is_in else result[0][0]


def vhp(
    func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """Vector-Hessian product :math:`v^\\top H` of a scalar ``func`` at ``inputs``.

    Returns ``(func_output, vhp)``; ``vhp`` has the structure and shapes of ``inputs``.
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(
    func: Func, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False
) -> tuple[Any, Any]:
    """Hessian-vector product :math:`H v` of a scalar ``func`` at ``inputs``.

    Computed as the gradient of :math:`\\nabla f \\cdot v` (the Hessian of a twice
    differentiable function is symmetric, so :math:`H v = (v^\\top H)^\\top`): two reverse
    passes, never the whole Hessian.

    Returns ``(func_output, hvp)``; ``hvp`` has the structure and shapes of ``inputs``.

    Examples
    --------
    >>> import kobai as kb
    >>> from kobai.autograd.functional import hvp
    >>> x = kb.tensor([1.0, 2.0], dtype="float64")
    >>> hvp(lambda a: (a**3).sum(), x, kb.tensor([1.0, 1.0], dtype="float64"))[1]
    tensor([ 6., 12.], dtype=float64)
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(
    func: Func, inputs: Any, v: Any, create_graph: bool, strict: bool, fn_name: str
) -> tuple[Any, Any]:
    scalar = _scalar_function(func, fn_name)
    is_in, xs = _prepare_inputs(inputs, create_graph, fn_name)
    (out,) = _call(scalar, xs, fn_name)[1]
    directions = _vectors(v, tuple(xs), "input", fn_name)
    with enable_grad():
        first = _grads((out,), xs, None, True, strict, fn_name)
        live = [(g, d) for g, d in zip(first, directions, strict=True) if g.requires_grad]
    if live:
        products = _grads(tuple(g for g, _ in live), xs, [d for _, d in live], create_graph,
                          strict, fn_name)  # fmt: skip
    else:
        if strict:
            raise RuntimeError(f"{fn_name}: the gradient of func does not depend on the inputs")
        products = [Tensor._from_op(np.zeros_like(x.data), None) for x in xs]
    return _post(out, create_graph), _post(_shape(is_in, products), create_graph)
