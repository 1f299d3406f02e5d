"""load_csv: a user's own table with a header row."""

import numpy as np
import pytest

from kobai.data import CSVInfo, load_csv


def _write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_string_labels_become_sorted_class_indices(tmp_path):
    path = _write(
        tmp_path,
        "sepal,species,petal\n5.1,setosa,1.4\n7.0,versicolor,4.7\n6.3,virginica,6.0\n4.9,setosa,1.5\n",
    )
    X, y, info = load_csv(path, target="species", return_info=True)
    assert X.dtype == np.float32 and X.shape == (4, 2)
    np.testing.assert_array_equal(
        X, np.array([[5.1, 1.4], [7.0, 4.7], [6.3, 6.0], [4.9, 1.5]], np.float32)
    )
    assert y.dtype == np.int64 and y.tolist() == [0, 1, 2, 0]
    assert info == CSVInfo(("sepal", "petal"), "species", ("setosa", "versicolor", "virginica"))


def test_integer_labels_are_kept_as_written(tmp_path):
    path = _write(tmp_path, "a,b,label\n1,2,3\n4,5,0\n")
    X, y = load_csv(path, target="label")
    assert y.dtype == np.int64 and y.shape == (2,) and y.tolist() == [3, 0]
    np.testing.assert_array_equal(X, [[1, 2], [4, 5]])


def test_real_targets_are_regression_columns(tmp_path):
    path = _write(tmp_path, "x;price\n1;2.5\n2;-1e-3\n", name="r.csv")
    X, y, info = load_csv(path, target="price", delimiter=";", dtype=np.float64, return_info=True)
    assert X.dtype == np.float64 and y.dtype == np.float64 and y.shape == (2, 1)
    np.testing.assert_array_equal(y[:, 0], [2.5, -1e-3])
    assert info.classes is None


def test_numeric_classes_sort_numerically(tmp_path):
    path = _write(tmp_path, "x,grade\n0,10\n1,2\n2,10\n3,9\n")
    _, y, info = load_csv(path, target="grade", target_type="class", return_info=True)
    assert info.classes == ("2", "9", "10") and y.tolist() == [2, 0, 2, 1]


def test_value_target_forced_from_integers(tmp_path):
    path = _write(tmp_path, "x,t\n0,1\n1,2\n")
    _, y = load_csv(path, target="t", target_type="value")
    assert y.dtype == np.float32 and y.tolist() == [[1.0], [2.0]]


def test_blank_lines_whitespace_and_bom_are_tolerated(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff x , y \n 1 , a \n\n2,b\n".encode())
    X, y = load_csv(path, target="y")
    assert X.tolist() == [[1.0], [2.0]] and y.tolist() == [0, 1]


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="CSV file not found: .*nope.csv"):
        load_csv(tmp_path / "nope.csv", target="y")


def test_missing_target_lists_the_columns(tmp_path):
    path = _write(tmp_path, "a,b,c\n1,2,3\n")
    with pytest.raises(
        ValueError, match="target column 'label' not in the header of .*; columns: 'a', 'b', 'c'"
    ):
        load_csv(path, target="label")


def test_non_numeric_cell_names_line_and_column(tmp_path):
    path = _write(tmp_path, "a,b,y\n1,2,0\n3,x4,1\n")
    with pytest.raises(ValueError, match=r"line 3, column 'b': 'x4' is not a number"):
        load_csv(path, target="y")
    path = _write(tmp_path, "a,b,y\n1,,0\n")
    with pytest.raises(ValueError, match=r"line 2, column 'b': an empty cell is not a number"):
        load_csv(path, target="y")


def test_non_numeric_regression_target(tmp_path):
    path = _write(tmp_path, "a,y\n1,2.5\n3,high\n")
    with pytest.raises(ValueError, match=r"line 3, column 'y': 'high' is not a number"):
        load_csv(path, target="y", target_type="value")


def test_ragged_row_empty_file_no_rows_duplicates_and_no_features(tmp_path):
    with pytest.raises(ValueError, match="line 3: expected 3 fields like the header, got 2"):
        load_csv(_write(tmp_path, "a,b,y\n1,2,3\n4,5\n"), target="y")
    with pytest.raises(ValueError, match="is empty: a header row"):
        load_csv(_write(tmp_path, ""), target="y")
    with pytest.raises(ValueError, match="has a header but no data rows"):
        load_csv(_write(tmp_path, "a,y\n\n"), target="y")
    with pytest.raises(ValueError, match=r"duplicate column names in the header: \['a'\]"):
        load_csv(_write(tmp_path, "a,a,y\n1,2,3\n"), target="y")
    with pytest.raises(ValueError, match="no feature columns besides the target 'y'"):
        load_csv(_write(tmp_path, "y\n1\n"), target="y")


def test_bad_options(tmp_path):
    path = _write(tmp_path, "a,y\n1,2\n")
    with pytest.raises(
        ValueError, match="target_type must be one of 'auto', 'class', 'value', got 'label'"
    ):
        load_csv(path, target="y", target_type="label")
    with pytest.raises(ValueError, match="dtype must be a floating dtype"):
        load_csv(path, target="y", dtype=np.int64)
