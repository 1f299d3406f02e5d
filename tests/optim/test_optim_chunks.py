"""Large parameters are updated in cache-sized chunks: the result is the same, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from kobai.optim import _functional as K
from kobai.optim._workspace import CHUNK, Workspace, chunks


def arrays(rng: np.random.Generator, shape: tuple[int, int], order: str) -> list[np.ndarray]:
    """param, grad and two state arrays (float64, the state positive), in memory ``order``."""
    p, g, m, v = (rng.standard_normal(shape) for _ in range(4))
    return [np.asarray(a, order=order).copy(order=order) for a in (p, g, m, np.abs(v))]


@pytest.mark.parametrize(
    "hyper",
    [
        {},
        {"weight_decay": 0.1, "maximize": True},
        {"amsgrad": True},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
    ],
    ids=str,
)
def test_adam_chunked_equals_whole(hyper: dict) -> None:
    rng = np.random.default_rng(0)
    shape = (3, CHUNK + 1000)  # more than two chunks, the last one short
    chunked = arrays(rng, shape, "C")
    whole = [np.asfortranarray(a) for a in chunked]  # not C-contiguous: updated whole
    for state in (chunked, whole):
        peak = state[3].copy(order="K") if hyper.get("amsgrad") else None
        work = Workspace(state[0])
        for step in (1, 2, 3):
            K.adam(*state, peak, step=step, lr=1e-2, work=work, **hyper)
        state.append(peak)
    for a, b in zip(chunked, whole, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "hyper",
    [
        {},
        {"momentum": 0.9},
        {"momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1},
        {"momentum": 0.9, "nesterov": True, "maximize": True},
    ],
    ids=str,
)
def test_sgd_chunked_equals_whole(hyper: dict) -> None:
    rng = np.random.default_rng(1)
    chunked = arrays(rng, (2, CHUNK + 7), "C")[:3]
    whole = [np.asfortranarray(a) for a in chunked]
    for p, g, buf in (chunked, whole):
        work = Workspace(p)
        for step in range(3):
            K.sgd(p, g, buf, lr=0.1, first_step=step == 0, work=work, **hyper)
    for a, b in zip(chunked, whole, strict=True):
        np.testing.assert_array_equal(a, b)


def test_chunks_cover_every_element_once_with_small_scratch() -> None:
    a = np.arange(2 * CHUNK + 5, dtype=np.float32)
    work = Workspace(a)
    pieces = list(chunks(work, (True, False), a, None))
    assert [len(p[0]) for p in pieces] == [CHUNK, CHUNK, 5]
    assert all(p[1] is None and p[3] is None for p in pieces)
    assert all(p[2].base is work.piece(0) and len(p[2]) == len(p[0]) for p in pieces)
    np.testing.assert_array_equal(np.concatenate([p[0] for p in pieces]), a)
    assert not np.shares_memory(pieces[0][2], a)


def test_small_or_strided_arrays_come_whole() -> None:
    small = np.zeros(10)
    work = Workspace(small)
    (piece,) = chunks(work, (True,), small)
    assert piece[0] is small and piece[1] is work[0]
    strided = np.zeros((CHUNK, 4))[:, ::2]
    (piece,) = chunks(Workspace(strided), (False,), strided)
    assert piece[0] is strided and piece[1] is None
