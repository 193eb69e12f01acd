"""Fast bulk writes of already-validated rows: PostgreSQL COPY, or executemany on SQLite.

Django's bulk_create builds a model instance per row and is several times slower on millions of rows;
libraries such as django-postgres-copy cover PostgreSQL only, and the embedded default is SQLite.
Callers validate rows first: these writes bypass model validation but not database constraints.
"""

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

CHUNK = 20_000


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert rows (tuples in `columns` order, column names as in the database) into model's table."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            while chunk := list(islice(iterator, CHUNK)):
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
                written += len(chunk)
                if progress:
                    progress(len(chunk))
        else:
            # The driver's own cursor: dates are adapted by the adapters Django registers with sqlite3.
            raw = cursor.cursor
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['?'] * len(columns))})"  # noqa: S608
            while chunk := list(islice(iterator, CHUNK)):
                raw.executemany(sql, chunk)
                written += len(chunk)
                if progress:
                    progress(len(chunk))
    return written


def next_id(model: type[models.Model]) -> int:
    """The first free primary key, so rows written with explicit ids never collide with existing ones."""
    last = model.objects.aggregate(last=models.Max("pk"))["last"]
    return (last or 0) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """After writing explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
