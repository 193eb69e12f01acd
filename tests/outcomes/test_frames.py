"""Tables made straight from their columns (`outcomes.frames`) are the tables pandas' constructor makes."""

import numpy as np
import pandas as pd
import pytest

from outcomes.frames import dtypes_of, frame

COLUMNS = {
    "whole": [10, 0, 15],
    "floats": [0.5, float("nan"), 2.0],
    "hidden among counts": [10, "[c]", 0],
    "hidden among rates": [12.5, "[c]", float("nan")],
    "all hidden": ["[c]", "[c]", "[c]"],
    "text": ["a", "b", None],
    "text alone": ["a", "b", "c"],
    "booleans": [True, False, True],
    "missing among numbers": [None, 1, 2],
    "whole and floats": [1, 2.5, 3],
    "numpy whole": np.array([1, 2, 3], dtype=np.int64),
    "dates": pd.array(pd.to_datetime(["2010-01-01", "2011-06-30", None])),
    "series": pd.Series([1.0, 2.0, 3.0], index=["x", "y", "z"]),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_each_column_is_typed_as_the_constructor_types_it(name):
    index = pd.Index(["x", "y", "z"], dtype=object, name="ward")
    made = frame({name: COLUMNS[name], "n": [1, 2, 3]}, index)
    expected = pd.DataFrame({name: COLUMNS[name], "n": [1, 2, 3]}, index=index)
    pd.testing.assert_frame_equal(made, expected)
    assert made.index is index


def test_repeated_labels_by_position_and_wrong_lengths_refused():
    index = pd.Index(["x", "y"], dtype=object)
    labels = pd.Index(["n", "n"])
    made = frame({0: [1, 2], 1: ["[c]", 10]}, index, labels=labels)
    assert made.columns.tolist() == ["n", "n"]
    assert made.iloc[:, 1].tolist() == ["[c]", 10]
    with pytest.raises(ValueError, match="column 'n' has 3 values for 2 rows"):
        frame({"n": [1, 2, 3]}, index)
    with pytest.raises(ValueError, match="1 column labels for 2 columns"):
        frame({0: [1, 2], 1: [3, 4]}, index, labels=pd.Index(["n"]))


def test_the_kinds_of_a_tables_columns_are_those_pandas_gives():
    index = pd.Index(["x", "y", "z"], dtype=object)
    table = pd.DataFrame(dict(COLUMNS), index=index)
    # Columns of one kind side by side share a block, in no particular order of the table's columns.
    table.insert(1, "more whole", [4, 5, 6])
    assert dtypes_of(table) == table.dtypes.tolist()
    assert dtypes_of(table.iloc[:, ::-1]) == table.iloc[:, ::-1].dtypes.tolist()
    assert dtypes_of(pd.DataFrame(index=index)) == []
