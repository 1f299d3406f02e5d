"""Tensors hold numbers: objects, strings and bytes are refused however they arrive."""

from __future__ import annotations

import numpy as np
import pytest

import kobai as kb


@pytest.mark.parametrize(
    "make",
    [
        lambda: kb.Tensor(np.array([object()])),
        lambda: kb.Tensor(np.array(["a"])),
        lambda: kb.Tensor(np.array([b"a"])),
        lambda: kb.tensor(["a"]),
        lambda: kb.Tensor([1.0], dtype=object),
        lambda: kb.Tensor([1.0], dtype="U3"),
        lambda: kb.Tensor(np.array(["2020-01-01"], dtype="datetime64[D]")),
    ],
)
def test_non_numeric_data_is_refused(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=r"tensor"):
        make()


def test_numbers_are_kept() -> None:
    assert kb.Tensor(np.array([1, 2], dtype=np.int64)).dtype == np.int64
    assert kb.tensor([1, 2]).dtype == np.float32
    assert kb.Tensor(np.array([True])).dtype == np.bool_
    assert kb.Tensor(np.array([1 + 2j])).dtype == np.complex128
