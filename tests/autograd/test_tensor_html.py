"""A Tensor in Jupyter: shape, dtype, gradient state and NumPy-summarised values as HTML."""

import xml.etree.ElementTree as ET

import numpy as np

import kobai as kb
from kobai._html import MAX_VALUE_CHARS


def facts(html: str) -> dict[str, str]:
    root = ET.fromstring(html)  # well-formed, or this raises
    assert root.tag == "div" and root.get("class") == "kobai-tensor"
    names = [th.text for th in root.iter("th")]
    values = [td.text for td in root.iter("td")]
    return dict(zip(names, values, strict=True)) | {"values": root.find("pre").text}


def test_a_leaf_shows_its_shape_dtype_and_values():
    x = kb.tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    shown = facts(x._repr_html_())
    assert shown == {
        "shape": "(2, 3)",
        "dtype": "float32",
        "requires_grad": "True",
        "grad_fn": "None",
        "grad": "None",
        "values": "[[0., 1., 2.],\n [3., 4., 5.]]",
    }


def test_a_computed_tensor_names_its_op_escaped_and_a_leaf_its_gradient():
    x = kb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    html = y._repr_html_()
    assert "<td>&lt;Sum&gt;</td>" in html  # the op's angle brackets are text, not a tag
    assert facts(html)["grad_fn"] == "<Sum>" and facts(html)["shape"] == "()"
    y.backward()
    assert facts(x._repr_html_())["grad"] == "shape (3,)"
    assert facts(x._repr_html_())["shape"] == "(3,)"
    assert facts(kb.tensor(np.zeros(3, dtype=np.int64))._repr_html_())["dtype"] == "int64"


def test_a_large_tensor_is_summarised_as_numpy_prints_it():
    x = kb.tensor(np.arange(100_000, dtype=np.float32))
    shown = facts(x._repr_html_())["values"]
    assert shown == (
        "[0.0000e+00, 1.0000e+00, 2.0000e+00, ..., 9.9997e+04, 9.9998e+04,\n 9.9999e+04]"
    )
    with np.printoptions(edgeitems=1):
        assert facts(x._repr_html_())["values"].count(",") == 2
    assert len(x._repr_html_()) < 1_000


def test_values_numpy_would_print_in_full_are_cut_to_a_bounded_length():
    # 2**16 elements on axes of length 2: NumPy summarises no axis and prints them all.
    x = kb.tensor(np.ones((2,) * 16, dtype=np.float32))
    html = x._repr_html_()
    values = facts(html)["values"]
    assert len(values) < MAX_VALUE_CHARS + 40
    assert values.endswith("more characters)") and values[MAX_VALUE_CHARS] == "\u2026"
    assert len(html) < MAX_VALUE_CHARS + 1_000
