"""Data sets by name, as the command line names them."""

from pathlib import Path

import numpy as np
import pytest

from kobai.data import load_dataset


def test_mnist_is_the_bundled_split() -> None:
    d = load_dataset("mnist")
    assert d.x_train.shape == (8000, 784) and d.x_test.shape == (2000, 784)
    assert d.task == "classification" and d.n_outputs == 10 and d.n_features == 784


@pytest.mark.parametrize(
    ("name", "outputs"), [("moons", 2), ("circles", 2), ("spiral", 3), ("xor", 2), ("blobs", 3)]
)
def test_synthetic_classification_sets(name: str, outputs: int) -> None:
    d = load_dataset(name, samples=100, rng=0)
    assert len(d.x_train) == 80 and len(d.x_test) == 20
    assert d.task == "classification" and d.n_outputs == outputs
    again = load_dataset(name, samples=100, rng=0)
    np.testing.assert_array_equal(d.x_train, again.x_train)


def test_regression_set_has_column_targets() -> None:
    d = load_dataset("sine", samples=50, rng=0)
    assert d.task == "regression" and d.y_train.shape == (40, 1) and d.n_outputs == 1


def test_csv_set(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a,b,y\n" + "".join(f"{i},{i * 2},{i % 2}\n" for i in range(10)))
    d = load_dataset(f"csv:{table}", target="y", rng=0)
    assert d.n_features == 2 and d.task == "classification" and len(d.x_train) == 8
    with pytest.raises(ValueError, match="needs --target"):
        load_dataset(f"csv:{table}")


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(
        ValueError, match="unknown data set 'imagenet'; valid: mnist, digits, moons"
    ):
        load_dataset("imagenet")
