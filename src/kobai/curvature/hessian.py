r"""The Hessian of a model's loss with respect to its parameters, as a linear operator.

A Hessian-vector product costs two backward passes, never the matrix: with
:math:`g = \nabla_\theta L` computed with ``create_graph=True``,

.. math:: H v = \nabla_\theta \, (g^\top v)

(Pearlmutter 1994). Over several batches the products are averaged, each weighted by its
batch size, so that a loader gives the Hessian of the mean loss over all its samples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from kobai.curvature.estimators import Density, TraceEstimate, hutchinson_trace, slq_density
from kobai.curvature.lanczos import Eigenpairs, top_eigenpairs
from kobai.curvature.operator import check_vector
from kobai.validation import check_choice, check_real, is_integer

#: Largest parameter count :func:`hessian_matrix` builds by default (n products, n^2 floats).
MAX_MATRIX_PARAMS = 5000

Batch = tuple[np.ndarray, np.ndarray]
METHODS = ("exact", "finite-difference")


def batches_of(data: Any) -> list[Batch]:
    """The batches of ``data``: one pair ``(x, y)``, or an iterable of such pairs.

    An iterator (a generator, ``iter(loader)``) is read once and kept, so that every product
    sees the same batches.

    Raises
    ------
    ValueError
        When the iterable yields nothing, or a batch is not a pair of equal lengths >= 1.
    """
    if _is_pair(data):
        return [_batch(data, "data")]
    if not isinstance(data, Iterable):
        raise TypeError(
            f"data must be a pair (x, y) or an iterable of batches, got {type(data).__name__}"
        )
    out = [_batch(b, f"batch {i}") for i, b in enumerate(data)]
    if not out:
        raise ValueError(f"data yielded no batches (got an empty {type(data).__name__})")
    return out


def _is_pair(data: Any) -> bool:
    return (
        isinstance(data, (tuple, list))
        and len(data) == 2
        and all(hasattr(part, "shape") for part in data)
    )


def _batch(pair: Any, where: str) -> Batch:
    if not _is_pair(pair):
        raise TypeError(f"{where} must be a pair (x, y) of arrays, got {type(pair).__name__}")
    x, y = (np.asarray(getattr(part, "data", part)) for part in pair)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"{where}: x and y must have the same length >= 1, got {len(x)}, {len(y)}")
    return x, y


def select_parameters(model: Any, params: Any = None) -> list[tuple[str, Any]]:
    """The named parameters a Hessian is taken over.

    Parameters
    ----------
    model : Module
    params : None, str, Module or iterable of str / Parameter
        None: every parameter that requires grad. A str: the parameters of that layer (names
        equal to it or starting with it and a dot, e.g. ``"0"`` for ``"0.weight"`` and
        ``"0.bias"``). A sub-module: its parameters. An iterable: those names or parameters.
    """
    named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    if params is None:
        chosen = named
    elif isinstance(params, str):
        chosen = [(n, p) for n, p in named if n == params or n.startswith(params + ".")]
        if not chosen:
            raise ValueError(
                f"no parameter is named {params!r} or starts with {params + '.'!r}; "
                f"names: {', '.join(n for n, _ in named)}"
            )
    elif hasattr(params, "named_parameters"):
        ids = {id(p) for p in params.parameters()}
        chosen = [(n, p) for n, p in named if id(p) in ids]
        if not chosen:
            raise ValueError("the module given as params holds no parameter of the model")
    else:
        chosen = [_one_parameter(named, item) for item in params]
        if not chosen:
            raise ValueError("params is empty: name at least one parameter")
    return chosen


def _one_parameter(named: list[tuple[str, Any]], item: Any) -> tuple[str, Any]:
    for name, p in named:
        if (isinstance(item, str) and item == name) or item is p:
            return name, p
    what = repr(item) if isinstance(item, str) else f"a {type(item).__name__}"
    raise ValueError(
        f"params names {what}, which is not a parameter of the model that requires grad; "
        f"names: {', '.join(n for n, _ in named)}"
    )


class Hessian:
    r"""The Hessian :math:`H = \nabla^2_\theta L` of ``loss_fn(model(x), y)`` over ``data``.

    Parameters
    ----------
    model : Module
        Evaluated in eval mode (dropout off), its mode restored after each product.
    loss_fn : callable
        ``loss_fn(output, y)`` returning a scalar tensor, a mean over the batch
        (e.g. ``nn.MSELoss()``, ``nn.CrossEntropyLoss()``).
    data : (x, y) or iterable of (x, y)
        One batch, or batches (a :class:`~kobai.data.DataLoader`, a list); the Hessian is
        that of the mean loss over all samples (batch Hessians weighted by batch size).
    params : None, str, Module or iterable, optional
        The parameters :math:`\theta` (default: all); see :func:`select_parameters`.
    method : {"exact", "finite-difference"}, default "exact"
        Exact products by double backward, or central differences of two gradients (for
        checks, and for models with an op that has no double backward; use float64).
    h : float, default 1e-5
        Relative step of the finite differences.

    Attributes
    ----------
    size : int
        :math:`n`, the number of parameters the Hessian is taken over.
    names : list of str
        Their names, in the order of the flat vectors.
    dtype : dtype
        The parameters' dtype (float32 or float64): products are computed in it.
    hvp_count : int
        Products computed so far (what the estimators cost).

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> from kobai.curvature import Hessian
    >>> model = nn.Linear(2, 1).double()
    >>> x = np.array([[1.0, 0.0], [0.0, 2.0]]); y = np.zeros((2, 1))
    >>> H = Hessian(model, nn.MSELoss(), (x, y))
    >>> H.matrix()  # 2/N * [x 1]^T [x 1] for a linear model
    array([[1., 0., 1.],
           [0., 4., 2.],
           [1., 2., 2.]])
    """

    def __init__(
        self,
        model: Any,
        loss_fn: Callable[..., Any],
        data: Any,
        params: Any = None,
        *,
        method: str = "exact",
        h: float = 1e-5,
    ) -> None:
        self.model, self.loss_fn = model, loss_fn
        self.method = check_choice("method", method, METHODS)
        self.h = check_real("h", h, low=0, low_open=True)
        self.batches = batches_of(data)
        chosen = select_parameters(model, params)
        self.names = [name for name, _ in chosen]
        self.params = [p for _, p in chosen]
        dtypes = {p.data.dtype for p in self.params}
        if len(dtypes) != 1:
            raise ValueError(f"the parameters must share one dtype, got {sorted(map(str, dtypes))}")
        self.dtype = np.dtype(dtypes.pop())
        self.size = int(sum(p.data.size for p in self.params))
        self.samples = int(sum(len(x) for x, _ in self.batches))
        self.hvp_count = 0

    # -- products --------------------------------------------------------------------------
    def hvp(self, v: Any) -> np.ndarray:
        """:math:`H v` for a flat vector ``v`` of shape (size,); returns shape (size,)."""
        vec = check_vector(v, self.size).astype(self.dtype, copy=False)
        self.hvp_count += 1
        if self.method == "finite-difference":
            return self._difference_hvp(vec)
        pieces = self._split(vec)
        total = np.zeros(self.size, dtype=np.float64)
        for x, y in self.batches:
            total += len(x) / self.samples * self._batch_hvp(x, y, pieces)
        return total.astype(self.dtype)

    def gradient(self) -> np.ndarray:
        """:math:`\\nabla_\\theta L` as a flat vector of shape (size,): one ordinary backward
        per batch (the parameters' ``.grad`` are left as they were)."""
        # Backward reaches every parameter, not only the chosen ones: keep all their .grad.
        everything = list(self.model.parameters())
        kept = [p.grad for p in everything]
        total = np.zeros(self.size, dtype=np.float64)
        try:
            with _eval_mode(self.model):
                for x, y in self.batches:
                    for p in everything:
                        p.grad = None
                    self._loss(x, y).backward()
                    total += len(x) / self.samples * self._flat([p.grad for p in self.params])
        finally:
            for p, g in zip(everything, kept, strict=True):
                p.grad = g
        return total.astype(self.dtype)

    def _difference_hvp(self, vec: np.ndarray) -> np.ndarray:
        r"""Central difference of gradients,
        :math:`H v \approx [g(\theta + \epsilon v) - g(\theta - \epsilon v)] / 2\epsilon`,
        with :math:`\epsilon = h \max(1, \|\theta\|) / \|v\|`."""
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            return np.zeros(self.size, dtype=self.dtype)
        saved = [p.data.copy() for p in self.params]
        theta = float(np.sqrt(sum(float(np.vdot(a, a)) for a in saved)))
        eps = self.h * max(1.0, theta) / norm
        try:
            grads = []
            for sign in (1.0, -1.0):
                for p, a, u in zip(self.params, saved, self._split(vec), strict=True):
                    p.data[...] = a + sign * eps * u
                grads.append(self.gradient().astype(np.float64))
        finally:
            for p, a in zip(self.params, saved, strict=True):
                p.data[...] = a
        return ((grads[0] - grads[1]) / (2 * eps)).astype(self.dtype)

    def loss(self) -> float:
        """The mean loss over ``data``."""
        from kobai.autograd import no_grad

        with _eval_mode(self.model), no_grad():
            return sum(len(x) * float(self._loss(x, y).data) for x, y in self.batches) / (
                self.samples
            )

    def _batch_hvp(self, x: np.ndarray, y: np.ndarray, pieces: list[Any]) -> np.ndarray:
        from kobai.autograd import Tensor, grad

        with _eval_mode(self.model):
            grads = grad(self._loss(x, y), self.params, create_graph=True, allow_unused=True)
            terms = [
                (g * Tensor(u)).sum() for g, u in zip(grads, pieces, strict=True) if g is not None
            ]
            if not terms:
                return np.zeros(self.size)
            dot = terms[0]
            for term in terms[1:]:
                dot = dot + term
            if not dot.requires_grad:  # the loss is linear in every parameter
                return np.zeros(self.size)
            return self._flat(grad(dot, self.params, allow_unused=True))

    def _loss(self, x: np.ndarray, y: np.ndarray) -> Any:
        from kobai.autograd import Tensor, enable_grad

        xs = x.astype(self.dtype, copy=False) if x.dtype.kind == "f" else x
        ys = y.astype(self.dtype, copy=False) if y.dtype.kind == "f" else y
        with enable_grad():
            return self.loss_fn(self.model(Tensor(xs)), ys)

    def _split(self, vec: np.ndarray) -> list[np.ndarray]:
        out, start = [], 0
        for p in self.params:
            out.append(vec[start : start + p.data.size].reshape(p.data.shape))
            start += p.data.size
        return out

    def _flat(self, grads: Any) -> np.ndarray:
        parts = [
            np.zeros(p.data.size) if g is None else np.asarray(getattr(g, "data", g)).reshape(-1)
            for g, p in zip(grads, self.params, strict=True)
        ]
        return np.concatenate(parts).astype(np.float64)

    # -- spectra ---------------------------------------------------------------------------
    def eigenvalues(
        self,
        k: int = 1,
        *,
        rng: np.random.Generator | int | None = None,
        which: str = "LA",
        tol: float | None = None,
        max_iter: int | None = None,
        start: np.ndarray | None = None,
    ) -> Eigenpairs:
        """The top ``k`` eigenvalues and eigenvectors by Lanczos (:func:`top_eigenpairs`).

        ``tol`` defaults to 1e-6 for float64 parameters and 1e-3 for float32 (whose products
        carry rounding errors near 1e-7 of their size); eigenvalue errors are about
        ``tol**2`` relative. ``start``: a start vector of shape (size,) instead of a random
        one (to warm-start from an earlier eigenvector)."""
        if is_integer(k) and k > self.size:
            raise ValueError(f"k must be <= the number of parameters ({self.size}), got k = {k}")
        if tol is None:
            tol = 1e-6 if self.dtype == np.float64 else 1e-3
        return top_eigenpairs(
            self, k, rng=rng, which=which, tol=tol, max_iter=max_iter, start=start
        )

    def trace(
        self, *, rng: np.random.Generator | int | None = None, probes: int = 100
    ) -> TraceEstimate:
        """Hutchinson's estimate of :math:`\\mathrm{tr}(H)` (:func:`hutchinson_trace`)."""
        return hutchinson_trace(self, rng=rng, probes=probes)

    def density(
        self,
        *,
        rng: np.random.Generator | int | None = None,
        probes: int = 10,
        steps: int = 80,
        sigma: float | None = None,
        grid: int | np.ndarray = 2000,
    ) -> Density:
        """The eigenvalue density by stochastic Lanczos quadrature (:func:`slq_density`)."""
        return slq_density(self, rng=rng, probes=probes, steps=steps, sigma=sigma, grid=grid)

    def matrix(self, *, max_params: int = MAX_MATRIX_PARAMS) -> np.ndarray:
        """The full Hessian, column by column (``size`` products), symmetrised; float64,
        shape (size, size). Refuses more than ``max_params`` parameters."""
        if self.size > max_params:
            raise ValueError(
                f"the full Hessian of {self.size} parameters needs {self.size} products and "
                f"{self.size**2 * 8 / 1e6:.0f} MB; the limit is max_params = {max_params} "
                "(use eigenvalues, trace or density instead)"
            )
        columns = np.empty((self.size, self.size))
        unit = np.zeros(self.size, dtype=self.dtype)
        for i in range(self.size):
            unit[i] = 1
            columns[:, i] = self.hvp(unit)
            unit[i] = 0
        return 0.5 * (columns + columns.T)

    def __repr__(self) -> str:
        return (
            f"Hessian({self.size} parameters, {len(self.batches)} batches, "
            f"{self.samples} samples, {self.dtype})"
        )


def hessian_matrix(
    model: Any, loss_fn: Callable[..., Any], data: Any, params: Any = None, **kwargs: Any
) -> np.ndarray:
    """The full Hessian of ``loss_fn(model(x), y)`` over ``data``: ``Hessian(...).matrix()``.

    Returns
    -------
    ndarray of shape (n, n), float64, symmetric.
    """
    return Hessian(model, loss_fn, data, params).matrix(**kwargs)


def hvp(model: Any, loss_fn: Callable[..., Any], data: Any, v: Any, params: Any = None) -> Any:
    """One Hessian-vector product :math:`H v`: ``Hessian(...).hvp(v)``, shape (n,)."""
    return Hessian(model, loss_fn, data, params).hvp(v)


class _eval_mode:
    """Put a module in eval mode for a block and restore its mode after."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __enter__(self) -> None:
        self.was_training = bool(getattr(self.model, "training", False))
        self.model.eval()

    def __exit__(self, *exc: Any) -> None:
        self.model.train(self.was_training)
