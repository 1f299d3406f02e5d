"""kobai.nn.summary: the table and the structured result."""

import numpy as np
import pytest

from kobai import nn


def mlp():
    return nn.Sequential(
        nn.Linear(784, 256, rng=0), nn.ReLU(), nn.Dropout(0.2, rng=0),
        nn.Linear(256, 256, rng=1), nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, 10, rng=2),
    )  # fmt: skip


def test_summary_rows_shapes_and_counts(capsys):
    model = mlp()
    result = nn.summary(model, (784,))
    printed = capsys.readouterr().out
    assert [r.name for r in result.rows] == ["0", "1", "2", "3", "4", "5", "6"]
    assert [r.kind for r in result.rows][:3] == ["Linear", "ReLU", "Dropout"]
    assert [r.output_shape for r in result.rows] == [(None, 256)] * 6 + [(None, 10)]
    assert [r.params for r in result.rows] == [200960, 0, 0, 65792, 512, 0, 2570]
    assert result.total_params == 784 * 256 + 256 + 256 * 256 + 256 + 512 + 256 * 10 + 10
    assert result.trainable_params == result.total_params
    assert result.output_shape == (None, 10) and result.input_shape == (None, 784)
    assert printed.strip() == str(result)
    assert "0 (Linear)       (None, 256)   200,960" in printed.splitlines()
    assert "4 (BatchNorm1d)  (None, 256)       512" in printed.splitlines()
    assert "Total params: 269,834" in printed


def test_summary_restores_modes_removes_hooks_and_counts_frozen_parameters():
    model = mlp()
    model[0].requires_grad_(False)
    before = model[4].running_mean.copy()
    result = nn.summary(model, (784,), print_fn=None)
    assert all(m.training for m in model.modules())
    assert all(not m._forward_hooks for m in model.modules())
    np.testing.assert_array_equal(model[4].running_mean, before)  # ran in eval mode
    assert result.non_trainable_params == 200960


def test_summary_of_a_convolutional_model_and_of_a_single_layer():
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, rng=0), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4 * 14 * 14, 10, rng=0),
    )  # fmt: skip
    result = nn.summary(model, (1, 28, 28), print_fn=None)
    shapes = [r.output_shape for r in result.rows]
    assert shapes[:4] == [(None, 4, 28, 28), (None, 4, 28, 28), (None, 4, 14, 14), (None, 784)]
    assert result.rows[0].params == 4 * 9 + 4
    single = nn.summary(nn.Linear(3, 2, rng=0), (3,), print_fn=None)
    assert len(single.rows) == 1 and single.rows[0].params == 8


def test_summary_errors():
    with pytest.raises(TypeError, match="model must be a Module"):
        nn.summary(lambda x: x, (3,))
    with pytest.raises(ValueError, match="input_shape must hold sizes > 0"):
        nn.summary(nn.Linear(3, 2), (0,))
    with pytest.raises(ValueError, match=r"Linear\(3 -> 2\) expected input \(\*, 3\)"):
        nn.summary(nn.Linear(3, 2), (4,), print_fn=None)


def test_summary_shows_in_jupyter_as_an_html_table():
    import xml.etree.ElementTree as ET

    result = nn.summary(mlp(), (784,), print_fn=None)
    root = ET.fromstring(result._repr_html_())  # well-formed, or this raises
    assert root.get("class") == "kobai-summary"
    assert root.find("table/caption").text == "Model: Sequential \u00b7 input (None, 784)"
    assert [th.text for th in root.find("table/thead").iter("th")] == [
        "Layer", "Type", "Output shape", "Param #",
    ]  # fmt: skip
    rows = [[td.text for td in tr] for tr in root.find("table/tbody")]
    assert rows[0] == ["0", "Linear", "(None, 256)", "200,960"]
    assert rows[4] == ["4", "BatchNorm1d", "(None, 256)", "512"]
    assert len(rows) == 7
    foot = [[td.text for td in tr] for tr in root.find("table/tfoot")]
    assert [(r[0], r[-1]) for r in foot] == [
        ("Total params", "269,834"), ("Trainable params", "269,834"),
        ("Non-trainable params", "0"),
    ]  # fmt: skip
    assert repr(result) == "ModelSummary(Sequential: 7 layers, 269,834 params, 269,834 trainable)"


def test_summary_html_escapes_names():
    odd = type("Net<&>", (nn.Sequential,), {})
    result = nn.summary(odd(nn.Linear(2, 3, rng=0)), (2,), print_fn=None)
    html = result._repr_html_()
    assert "Model: Net&lt;&amp;&gt;" in html and "Net<&>" not in html
