"""Rows from the database driver straight into a frame."""

import gc
import io
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import QuerySet


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while rows are fetched and transposed: each fetched row is a new
    tuple, and tens of thousands of them set off collections over every object the process holds (on the
    dashboards' figures, 85 ms of a 175 ms query). The rows hold only numbers, strings and None, so they
    make no cycles; the collector runs as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The fields whose values SQLite gives back unchanged through JSON (integers and text), and booleans,
# which the driver turns into True or False by the column's declared type and `values_frame` turns alike.
_SQLITE_KINDS = {
    **dict.fromkeys(
        [
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "ForeignKey",
            "OneToOneField",
        ],
        "integer",
    ),
    **dict.fromkeys(["CharField", "TextField", "SlugField", "EmailField"], "text"),
    "BooleanField": "bool",
}


def values_frame(rows: QuerySet, columns: list[str], *, text_as_objects: bool = False) -> pd.DataFrame:
    """Run a `values_list` query straight through the driver: Django's per-value converters (Decimal, date
    parsing) cost more than the query itself on a million rows. Dates may come back as text (SQLite).

    On SQLite, where every field selected is of a kind in `_SQLITE_KINDS`, the rows come by column
    (`_sqlite_columns`); others (dates, times and numbers with decimals, which the driver converts or which
    would lose digits) come as rows. With `text_as_objects`, text fields are columns of Python strings
    (object dtype, None where missing) rather than pandas' inferred Arrow-backed strings: the dashboards'
    figures, whose every reader takes them as Python objects (`dashboards.panel.values_of`), and which
    cost a fifth less to read so."""
    sql, params, found, kinds, _read = _by_column(rows, len(columns))
    objects = [text_as_objects and kind == "text" for kind in kinds]
    if found is not None:  # no rows: the rows' path makes the empty frame
        # The frame `from_records` makes of the same rows: the same dtypes, column by column.
        return _frame(columns, found, objects)
    with connection.cursor() as cursor, _collector_paused():
        cursor.execute(sql, params)
        if not any(objects):
            return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
        fetched = cursor.fetchall()
    return _frame(
        columns, [list(c) for c in zip(*fetched, strict=True)] if fetched else [[] for _ in columns], objects
    )


def _by_column(rows: QuerySet, width: int) -> tuple[str, Any, list[list] | None, list[str | None], bool]:
    """A `values_list` query's SQL and parameters, its fields' kinds (`_SQLITE_KINDS`, None for others),
    its columns as `_sqlite_columns` reads them (booleans as the driver gives them; None where there are no
    rows), and whether they were read so: on SQLite, where every field is of a known kind."""
    compiler = rows.order_by().query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    kinds = [
        _SQLITE_KINDS.get(expression.output_field.get_internal_type()) for expression, _, _ in compiler.select
    ]
    if connection.vendor != "sqlite" or None in kinds:
        return sql, params, None, kinds, False
    found = _sqlite_columns(sql, params, width)
    if found is not None:
        for i, kind in enumerate(kinds):
            if kind == "bool":  # as the driver's converter for a column declared bool: b"1".__eq__
                found[i] = [None if v is None else v == 1 for v in found[i]]
    return sql, params, found, kinds, True


def _frame(columns: list[str], values: list[list], objects: list[bool]) -> pd.DataFrame:
    """A frame of the columns' values, each typed as pandas infers it, or of Python objects where asked."""
    return pd.DataFrame(
        {
            name: pd.Series(column, dtype=object) if as_objects else column
            for name, column, as_objects in zip(columns, values, objects, strict=True)
        }
    )


def _sqlite_columns(sql: str, params: list | tuple, width: int) -> list[list] | None:
    """The rows of a query as one list per column, SQLite building each column as one JSON array
    (`json_group_array`, in the order the rows come) and the JSON parser reading it: no Python tuple per
    row, and the values come back as the driver gives them (integers, text, None), at about two thirds of
    the CPU of fetching the rows (on the dashboards' residences, 25 ms against 40). None when there are no
    rows (the caller's usual path then makes the empty frame). SQLite writes REAL values in JSON with 15
    significant digits, so queries with such values must not come this way."""
    names = [f"c{i}" for i in range(width)]
    arrays = ", ".join(f"json_group_array({name})" for name in names)
    # The query stays as it is, named as a common table expression, which SQLite flattens into the
    # aggregate: it runs with the same plan (EXPLAIN QUERY PLAN shows the same steps for each of the
    # dashboards' readers) and gives its rows in the same order.
    wrapped = f"WITH t({', '.join(names)}) AS ({sql}) SELECT COUNT(*), {arrays} FROM t"  # noqa: S608 -- no input
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        count, *texts = cursor.fetchone()
    if not count:
        return None
    with _collector_paused():
        return [json.loads(text) for text in texts]


def sql_frame(sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    """Run raw SQL (the housing benefit sums) into a frame."""
    with connection.cursor() as cursor, _collector_paused():
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def columns_frame(sql: str, params: list, columns: dict[str, str]) -> pd.DataFrame:
    """Run an aggregating query and read its result by column, typed as ``columns`` ({name: numpy dtype}).

    On PostgreSQL the result leaves the server as ``COPY (query) TO STDOUT`` CSV and is parsed by pandas'
    C reader in one pass, with no Python object per value; the parameters are bound by the driver on the
    client (COPY takes none). Elsewhere (SQLite) the rows are fetched and transposed into one typed array
    per column. The query's numbers must be integers or floats (cast sums of decimals to float in SQL).
    """
    names = list(columns)
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        raw = connection.connection
        statement = psycopg.ClientCursor(raw).mogrify(sql, params)
        buffer = io.BytesIO()
        copy_sql = f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)"
        started = time.monotonic()
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for block in copy:
                buffer.write(block)
        if connection.queries_logged:  # counted and shown like any query (debug, query-count tests)
            connection.queries_log.append({"sql": copy_sql, "time": f"{time.monotonic() - started:.3f}"})
        buffer.seek(0)
        if not buffer.getbuffer().nbytes:
            return pd.DataFrame({n: np.array([], dtype=t) for n, t in columns.items()})
        # An empty field is NULL in COPY's CSV (an empty string would be quoted).
        return pd.read_csv(
            buffer, header=None, names=names, dtype=columns, keep_default_na=False, na_values=[""]
        )
    with connection.cursor() as cursor, _collector_paused():
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        arrays = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        return pd.DataFrame(
            {n: np.array(values, dtype=t) for (n, t), values in zip(columns.items(), arrays, strict=True)}
        )


def values_columns(rows: QuerySet, width: int) -> list[tuple] | list[list]:
    """Run a `values_list` query of `width` fields straight through the driver, as one sequence per field
    (the rows transposed), for work in numpy with no frame between: a frame of text columns costs a
    conversion to pandas' string type that the callers do not need. On SQLite, where every field is of a
    kind in `_SQLITE_KINDS`, the columns come as `_sqlite_columns` reads them (no tuple per row)."""
    sql, params, found, _kinds, read = _by_column(rows, width)
    if read:
        return found if found is not None else [[] for _ in range(width)]
    with connection.cursor() as cursor, _collector_paused():
        cursor.execute(sql, params)
        rows_read = cursor.fetchall()
        return list(zip(*rows_read, strict=True)) if rows_read else [() for _ in range(width)]


def lookup(keys: np.ndarray, rows: QuerySet) -> tuple[np.ndarray, np.ndarray]:
    """For each of `keys` (ids of a parent table's rows), the value `rows` gives for it: `rows` is a
    `values_list("pk", field)` query of that table, read after the keys (children before parents: a parent
    a child names is still there, unless deleted with its children in between). The values as an array of
    objects, and which keys were found (a key not found has None).

    SQLite joins a row of a large table (homes, households) to each row read at a lookup per row, more than
    reading both tables alone and looking the ids up here (residences with their homes' wards: 13 ms joined,
    7 ms read apart)."""
    ids, values = values_columns(rows, 2)
    parents = np.array(ids, dtype=np.int64)
    at, found = positions(parents, keys)
    found_values = np.empty(len(parents) + 1, dtype=object)  # the last: None, for keys not found
    found_values[:-1] = np.array(values, dtype=object) if len(parents) else []
    return found_values[np.where(found, at, len(parents))], found


def positions(ids: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `keys` is among `ids` (unique, in any order), and whether it is there at all (a key
    not there has position 0): a join by id, in numpy."""
    if not len(ids):
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    order = np.argsort(ids)
    at = np.minimum(np.searchsorted(ids[order], keys), len(ids) - 1)
    found = ids[order][at] == keys
    return np.where(found, order[at], 0), found


def iso_days(values: Sequence[str | None]) -> np.ndarray:
    """ISO dates (text, or None when missing) as datetime64[D], None as NaT. Read as bytes first: numpy
    parses those a few times faster than Python strings, and pandas its own strings."""
    return np.array([value or "NaT" for value in values], dtype="S10").astype("datetime64[D]")
