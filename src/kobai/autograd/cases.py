"""Gradient-check cases of every autograd op (shapes with scalars, size-1 axes, broadcasting)."""

from __future__ import annotations

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.registry import GradCase, normal, positive, register


def _add(name: str, fn: object, make: object) -> None:
    register(GradCase(name, fn, make, kind="op"))  # type: ignore[arg-type]


def _nonzero(*shapes: tuple[int, ...], low: float = 0.2) -> object:
    def make(rng: np.random.Generator) -> list[np.ndarray]:
        out = []
        for s in shapes:
            x = rng.standard_normal(s)
            out.append(np.where(x >= 0, x + low, x - low))
        return out

    return make


def _distinct(*shapes: tuple[int, ...]) -> object:
    """Values with no ties and gaps of at least 0.1 (max, min, maximum: no switch in reach)."""

    def make(rng: np.random.Generator) -> list[np.ndarray]:
        out, start = [], 0
        total = sum(int(np.prod(s)) for s in shapes)
        values = rng.permutation(total) * 0.1 - total * 0.05
        for s in shapes:
            n = int(np.prod(s))
            out.append(values[start : start + n].reshape(s))
            start += n
        return out

    return make


# element-wise binary ops, with broadcasting of every kind
BROADCASTS = {
    "same": ((3, 4), (3, 4)),
    "scalar": ((3, 4), ()),
    "row": ((3, 4), (4,)),
    "column": ((3, 1), (1, 4)),
    "size1-axes": ((2, 1, 3), (1, 4, 1)),
}
for label, (sa, sb) in BROADCASTS.items():
    _add(f"add[{label}]", F.add, normal(sa, sb))
    _add(f"sub[{label}]", F.sub, normal(sa, sb))
    _add(f"mul[{label}]", F.mul, normal(sa, sb))
    _add(
        f"div[{label}]",
        F.div,
        lambda rng, sa=sa, sb=sb: [rng.standard_normal(sa), rng.uniform(0.5, 2.0, sb)],
    )
    _add(f"pow[{label}]", F.pow, positive(sa, sb))
    _add(f"maximum[{label}]", F.maximum, _distinct(sa, sb))
    _add(f"minimum[{label}]", F.minimum, _distinct(sa, sb))

_add("neg", F.neg, normal((3, 4)))
_add("neg[scalar]", F.neg, normal(()))
_add("pow[scalar-exponent]", lambda a: F.pow(a, 3), normal((2, 3)))
_add("pow[square]", lambda a: a**2, normal((2, 3)))
_add("pow[fractional-exponent]", lambda a: F.pow(a, -1.5), positive((2, 3)))
_add("pow[tensor-base-constant]", lambda b: F.pow(2.0, b), normal((4,)))
_add("exp", F.exp, normal((3, 4)))
_add("exp[scalar]", F.exp, normal(()))
_add("log", F.log, positive((3, 4)))
_add("sqrt", F.sqrt, positive((3, 4)))
_add("abs", F.abs, _nonzero((3, 4)))
_add(
    "where",
    lambda a, b: F.where(np.arange(12).reshape(3, 4) % 3 == 0, a, b),
    normal((3, 4), (3, 4)),
)
_add(
    "where[broadcast]",
    lambda a, b: F.where(np.array([True, False, True, False]), a, b),
    normal((3, 4), (1,)),
)
_add("clip", lambda a: F.clip(a, -0.5, 0.5), _nonzero((4, 5), low=0.05))
_add("clip[min-only]", lambda a: F.clip(a, min=0.1), _nonzero((4, 5), low=0.2))
_add("cast", lambda a: F.cast(a, np.float64) * 2, normal((3,)))

# matrix products
_add("matmul", F.matmul, normal((3, 4), (4, 5)))
_add("matmul[batched]", F.matmul, normal((2, 3, 4), (2, 4, 5)))
_add("matmul[broadcast-batch]", F.matmul, normal((2, 1, 3, 4), (3, 4, 2)))
_add("matmul[matrix-vector]", F.matmul, normal((3, 4), (4,)))
_add("matmul[vector-matrix]", F.matmul, normal((4,), (2, 4, 3)))
_add("matmul[vector-vector]", F.matmul, normal((4,), (4,)))
_add("matmul[size1]", F.matmul, normal((1, 4), (4, 1)))

# reductions
for axis_label, axis, keep in [
    ("all", None, False),
    ("axis0", 0, False),
    ("axis-1-keepdims", -1, True),
    ("axes01", (0, 1), False),
]:
    _add(f"sum[{axis_label}]", lambda a, ax=axis, k=keep: F.sum(a, ax, k), normal((2, 3, 4)))
    _add(f"mean[{axis_label}]", lambda a, ax=axis, k=keep: F.mean(a, ax, k), normal((2, 3, 4)))
    _add(f"max[{axis_label}]", lambda a, ax=axis, k=keep: F.max(a, ax, k), _distinct((2, 3, 4)))
    _add(f"min[{axis_label}]", lambda a, ax=axis, k=keep: F.min(a, ax, k), _distinct((2, 3, 4)))
    _add(f"var[{axis_label}]", lambda a, ax=axis, k=keep: F.var(a, ax, k), normal((2, 3, 4)))
    _add(
        f"logsumexp[{axis_label}]",
        lambda a, ax=axis, k=keep: F.logsumexp(a, ax, k),
        normal((2, 3, 4)),
    )
_add("sum[scalar]", F.sum, normal(()))
_add("var[ddof1]", lambda a: F.var(a, 1, ddof=1), normal((3, 5)))
_add("max[size1-axis]", lambda a: F.max(a, axis=1), normal((3, 1)))

# shapes and indexing
_add("reshape", lambda a: F.reshape(a, (4, -1)), normal((2, 3, 2)))
_add("transpose", F.transpose, normal((2, 3, 4)))
_add("permute", lambda a: F.permute(a, (1, 2, 0)), normal((2, 3, 4)))
_add("broadcast_to", lambda a: F.broadcast_to(a, (2, 3, 4)), normal((3, 1)))
_add("expand_dims", lambda a: F.expand_dims(a, 1), normal((3, 4)))
_add("squeeze", lambda a: F.squeeze(a, 1), normal((3, 1, 4)))
_add("getitem[slice]", lambda a: a[1:, ::2], normal((3, 5)))
_add("getitem[int]", lambda a: a[1], normal((3, 5)))
_add("getitem[int-array-repeats]", lambda a: a[np.array([0, 2, 0, 1])], normal((3, 5)))
_add("getitem[mixed]", lambda a: a[np.array([1, 1]), 2:], normal((3, 5)))
_add("getitem[bool-mask]", lambda a: a[np.array([True, False, True])], normal((3, 5)))
_add("concatenate", lambda a, b: F.concatenate([a, b], axis=1), normal((2, 3), (2, 1)))
_add("stack", lambda a, b: F.stack([a, b], axis=-1), normal((2, 3), (2, 3)))
_add("pad", lambda a: F.pad(a, ((1, 0), (2, 1)), value=0.5), normal((2, 3)))

# activations
_add("sigmoid", F.sigmoid, normal((3, 4), scale=3.0))
_add("tanh", F.tanh, normal((3, 4)))
_add("relu", F.relu, _nonzero((3, 4)))
_add("leaky_relu", lambda a: F.leaky_relu(a, 0.1), _nonzero((3, 4)))
_add("softplus", F.softplus, normal((3, 4), scale=3.0))
_add(
    "softplus[beta-threshold]",
    lambda a: F.softplus(a, beta=2.0, threshold=3.0),
    lambda rng: [np.array([-3.0, -0.5, 0.4, 1.0, 2.5, 4.0])],
)
_add("softmax", F.softmax, normal((3, 4)))
_add("softmax[axis0]", lambda a: F.softmax(a, axis=0), normal((3, 4)))
_add("log_softmax", F.log_softmax, normal((3, 4)))
_add("log_softmax[axis0]", lambda a: F.log_softmax(a, axis=0), normal((3, 1)))
