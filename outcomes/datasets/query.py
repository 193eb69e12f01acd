"""Rows from the database driver straight into a frame."""

import gc
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager

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


def values_frame(rows: QuerySet, columns: list[str]) -> pd.DataFrame:
    """Run a `values_list` query straight through the driver: Django's per-value converters (Decimal, date
    parsing) cost more than the query itself on a million rows. Dates may come back as text (SQLite)."""
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor, _collector_paused():
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


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


def values_columns(rows: QuerySet, width: int) -> list[tuple]:
    """Run a `values_list` query of `width` fields straight through the driver, as one tuple per field
    (the rows transposed), for work in numpy with no frame between: a frame of text columns costs a
    conversion to pandas' string type that the callers do not need."""
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor, _collector_paused():
        cursor.execute(sql, params)
        rows_read = cursor.fetchall()
        return list(zip(*rows_read, strict=True)) if rows_read else [() for _ in range(width)]
