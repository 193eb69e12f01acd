"""Small tables made straight from their columns, typed as pandas would type them.

A dashboard view publishes a few hundred tables of a few rows each (`disclosure.publish`, the panels).
`pd.DataFrame(dict_of_columns)` infers and checks each column again, about 150 microseconds for a table of
two: more than the rest of publishing it. `frame` types each column once, as the constructor would from the
same values, then builds the table from the typed arrays without the constructor's checks (pandas'
`DataFrame._from_arrays`, stable since pandas 1), after checking the one thing those checks would catch
here: every column is as long as the index. Pure: pandas and numpy only.
"""

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

# Python values whose list pandas types as one column of objects, when text (the "[c]" of a hidden cell)
# is among numbers: the values are kept as they are.
_MIXED = frozenset({int, float, str})


@cache
def _text_dtype() -> Any:
    """The dtype pandas infers for a list of text (its string dtype, Arrow-backed where pyarrow is installed,
    as configured)."""
    return pd.Series(["text"]).dtype


def typed(values: Sequence[Any] | np.ndarray | ExtensionArray | pd.Series) -> np.ndarray | ExtensionArray:
    """The array a column of `values` would be in `pd.DataFrame({name: values})`.

    Arrays and series are taken as they are, by position (a series is not aligned on its index: pass the
    table's own); a NumPy array of numbers or objects, or pandas' own extension array, is kept; a list is typed directly where its values are all Python whole numbers (int64), all floats
    (float64) or text among numbers (objects), which covers nearly every published column, and otherwise by
    pandas itself (text alone, booleans, missing values, dates: whatever the installed pandas infers)."""
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        return values.to_numpy()
    if isinstance(values, np.ndarray | ExtensionArray):
        return values
    kinds = set(map(type, values))
    if kinds == {int}:
        return np.array(values, dtype=np.int64)
    if kinds == {float}:
        return np.array(values, dtype=np.float64)
    if str in kinds and len(kinds) > 1 and kinds <= _MIXED:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    if kinds == {str}:  # text alone: the string array pandas infers for text, made as such
        return _text_dtype().construct_array_type()._from_sequence(values, dtype=_text_dtype())
    inferred = pd.Series(list(values), dtype=None).array
    return inferred.to_numpy() if isinstance(inferred, pd.arrays.NumpyExtensionArray) else inferred


def frame(columns: Mapping[Any, Any], index: pd.Index, *, labels: pd.Index | None = None) -> pd.DataFrame:
    """A table of `columns` (name: values, in order) on `index`, as `pd.DataFrame(columns, index=index)`
    types it. `labels`, if given, are the column labels instead of the mapping's keys (a table whose labels
    repeat, keyed here by position)."""
    arrays = [typed(values) for values in columns.values()]
    for name, array in zip(columns, arrays, strict=True):
        if array.ndim != 1 or len(array) != len(index):
            raise ValueError(f"frame: column {name!r} has {len(array)} values for {len(index)} rows")
    names = labels if labels is not None else pd.Index(list(columns))
    if len(names) != len(arrays):
        raise ValueError(f"frame: {len(names)} column labels for {len(arrays)} columns")
    return pd.DataFrame._from_arrays(arrays, columns=names, index=index, verify_integrity=False)


def dtypes_of(table: pd.DataFrame) -> list[Any]:
    """The kinds of a table's columns in order, as `table.dtypes.tolist()` gives them, read from the table's
    blocks (pandas' `_mgr.get_dtypes`) without making a series of them: `publish` asks this of every table,
    and the series cost more than the rest of the question."""
    return table._mgr.get_dtypes().tolist()


def columns_of(table: pd.DataFrame) -> Iterable[np.ndarray | ExtensionArray]:
    """A table's columns by position, as arrays `frame` takes."""
    return (typed(table.iloc[:, i]) for i in range(table.shape[1]))
