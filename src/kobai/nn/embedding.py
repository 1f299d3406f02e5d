"""Embedding: a learned vector per integer index (PyTorch's ``torch.nn.Embedding``).

The lookup is kobai's indexing op (repeated indices accumulate their gradients); the row of
``padding_idx`` is read through a constant, so it never receives a gradient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.autograd import ops as F
from kobai.autograd.tensor import Tensor
from kobai.backend import as_rng
from kobai.nn import init
from kobai.nn._validation import boolean, float_dtype, number, positive_int
from kobai.nn.module import Module
from kobai.nn.parameter import Parameter
from kobai.validation import check_int

if TYPE_CHECKING:
    from kobai.backend import RNG


def _indices(input: Any, rows: int) -> np.ndarray:
    idx = np.asarray(input.data if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise IndexError(f"embedding: index {bad} is out of range for {rows} embeddings")
    return idx


def _padding_idx(padding_idx: Any, rows: int) -> int | None:
    if padding_idx is None:
        return None
    check_int("padding_idx", padding_idx)
    if not -rows <= padding_idx < rows:
        raise ValueError(f"padding_idx must be within num_embeddings ({rows}), got {padding_idx}")
    return int(padding_idx) % rows


def _renorm_(weight: np.ndarray, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: rows looked up whose norm exceeds ``max_norm`` are
    scaled, in place and outside the graph, to ``max_norm / (norm + 1e-7)`` of themselves."""
    rows = np.unique(idx)
    norms = np.linalg.norm(weight[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    scale = max_norm / (norms[over] + 1e-7)
    weight[rows[over]] *= scale[:, None].astype(weight.dtype)


def embedding(
    input: Any,
    weight: Any,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Look up the rows of ``weight`` at the integer ``input`` (PyTorch's ``F.embedding``).

    Parameters
    ----------
    input : int array or Tensor of any shape
        Indices in ``[0, num_embeddings)``.
    weight : Tensor of shape (num_embeddings, embedding_dim)
    padding_idx : int, optional
        Lookups of this row get no gradient (negative counts from the end).
    max_norm : float, optional
        Rows looked up whose ``norm_type``-norm exceeds it are first rescaled to it, in place.
    norm_type : float, default 2.0
    scale_grad_by_freq : bool, default False
        Divide the gradient of each row by the number of times ``input`` holds it.
    sparse : bool, default False
        Sparse gradients are not supported: only False.

    Returns
    -------
    Tensor of shape ``input.shape + (embedding_dim,)``.
    """
    if boolean("sparse", sparse):
        raise ValueError("embedding: sparse gradients are not supported, got sparse=True")
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-d (num_embeddings, dim), got {w.shape}")
    idx = _indices(input, w.shape[0])
    pad = _padding_idx(padding_idx, w.shape[0])
    if max_norm is not None:
        _renorm_(w, idx, number("max_norm", max_norm, low=0.0), number("norm_type", norm_type))
    out = F.getitem(weight, idx)
    if not (isinstance(weight, Tensor) and weight.requires_grad):
        return out
    if pad is not None:
        padded = (idx == pad)[..., None]
        if padded.any():
            out = F.where(padded, w[idx], out)
    if boolean("scale_grad_by_freq", scale_grad_by_freq):
        # rows + s (out - rows) equals out exactly (out - rows is 0) and passes s times the
        # gradient: each lookup's share, 1 / (times its index occurs).
        _, inverse, counts = np.unique(idx, return_inverse=True, return_counts=True)
        share = (1.0 / counts[inverse.reshape(idx.shape)])[..., None].astype(w.dtype)
        rows = w[idx]
        out = F.add(rows, F.mul(F.sub(out, rows), share))
    return out


class Embedding(Module):
    """A table of ``num_embeddings`` learned vectors of size ``embedding_dim``, looked up by
    index (PyTorch's ``torch.nn.Embedding``).

    Parameters
    ----------
    num_embeddings : int
    embedding_dim : int
    padding_idx : int, optional
        This row starts at zero and never receives a gradient (e.g. for padding tokens).
    max_norm : float, optional
        Rescale looked-up rows whose norm exceeds it (in place, at every forward).
    norm_type : float, default 2.0
    scale_grad_by_freq : bool, default False
        Divide each row's gradient by how often the batch looks it up.
    sparse : bool, default False
        Only False (sparse gradients are not supported).
    rng : np.random.Generator, int or None, keyword-only
        The weight starts :math:`N(0, 1)`, as in PyTorch.
    dtype : dtype, default float32, keyword-only

    Attributes
    ----------
    weight : Parameter of shape (num_embeddings, embedding_dim)

    Examples
    --------
    >>> import numpy as np
    >>> from kobai import nn
    >>> table = nn.Embedding(10, 3, padding_idx=0, rng=0)
    >>> table(np.array([[0, 2], [4, 0]])).shape
    (2, 2, 3)
    >>> table(np.array([0])).numpy()
    array([[0., 0., 0.]], dtype=float32)
    """

    weight: Parameter

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        *,
        rng: RNG = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        if boolean("sparse", sparse):
            raise ValueError("Embedding: sparse gradients are not supported, got sparse=True")
        self.scale_grad_by_freq = boolean("scale_grad_by_freq", scale_grad_by_freq)
        self.num_embeddings = positive_int("num_embeddings", num_embeddings)
        self.embedding_dim = positive_int("embedding_dim", embedding_dim)
        self.padding_idx = _padding_idx(padding_idx, self.num_embeddings)
        self.max_norm = None if max_norm is None else number("max_norm", max_norm, low=0.0)
        self.norm_type = number("norm_type", norm_type)
        shape = (self.num_embeddings, self.embedding_dim)
        self.weight = Parameter(np.empty(shape, dtype=float_dtype(dtype)))
        self.reset_parameters(rng=rng)

    def reset_parameters(self, *, rng: RNG = None) -> None:
        """Draw the weight from :math:`N(0, 1)` again; the padding row is set to zero."""
        init.normal_(self.weight, rng=as_rng(rng))
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
    ) -> Embedding:
        """An Embedding holding a copy of ``embeddings`` (num_embeddings, embedding_dim);
        with ``freeze`` its weight does not require gradients."""
        data = np.array(embeddings.data if isinstance(embeddings, Tensor) else embeddings)
        if data.ndim != 2 or data.dtype.kind != "f":
            raise ValueError(
                f"embeddings must be a 2-d float array, got shape {data.shape} ({data.dtype})"
            )
        rows, dim = data.shape
        layer = cls(rows, dim, padding_idx, max_norm, norm_type, rng=0, dtype=data.dtype)
        layer.weight.data[...] = data
        layer.weight.requires_grad_(not freeze)
        return layer

    def forward(self, input: Any) -> Tensor:
        return embedding(
            input,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        return s
