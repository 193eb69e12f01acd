"""Fast bulk writes of already-validated rows: PostgreSQL COPY, or executemany on SQLite.

Django's bulk_create builds a model instance per row and is several times slower on millions of rows;
libraries such as django-postgres-copy cover PostgreSQL only, and the embedded default is SQLite.
Callers validate rows first: these writes bypass model validation but not database constraints.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import IntegrityError, connection, models

CHUNK = 20_000


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
    references_checked: bool = False,
) -> int:
    """Insert rows (tuples in `columns` order, column names as in the database) into model's table.

    `references_checked`: the caller vouches that every foreign key in the rows points at a row that exists
    and cannot be deleted before the transaction ends (written earlier in the same transaction, or locked by
    `lock_referenced`). On PostgreSQL the per-row foreign-key triggers are then skipped where this connection
    may (`may_skip_row_triggers`); elsewhere, or without the privilege, they run as usual.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            skip = references_checked and may_skip_row_triggers(cursor, model._meta.db_table)
            while chunk := list(islice(iterator, CHUNK)):

                def copy_chunk(chunk: list[Sequence[Any]] = chunk) -> None:
                    with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row(row)

                if skip:
                    without_row_triggers(cursor, copy_chunk)
                else:
                    copy_chunk()
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
    last = model._default_manager.aggregate(last=models.Max("pk"))["last"]
    return (last or 0) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """After writing explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def lock_referenced(cursor: Any, model: type[models.Model], ids: Sequence[int]) -> None:
    """Lock, FOR KEY SHARE, the rows of `model` that a bulk write refers to, as PostgreSQL's foreign-key
    triggers would: none of them can be deleted before the transaction ends. Raises IntegrityError naming
    the first missing one (checked beforehand, so only a deletion racing the write gets here)."""
    table = connection.ops.quote_name(model._meta.db_table)
    cursor.execute(
        f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE",  # noqa: S608
        [list(ids)],
    )
    missing = set(ids) - {pk for (pk,) in cursor.fetchall()}
    if missing:
        raise IntegrityError(f"{model._meta.verbose_name} {min(missing)} no longer exists")


def may_skip_row_triggers(cursor: Any, table: str) -> bool:
    """True when this connection may switch off per-row triggers for a statement on `table`, and the
    table has no triggers but those PostgreSQL makes for its foreign keys.

    Foreign-key checks cost a trigger call per row: seconds on a million-row load. A bulk write that has
    checked its references and locked them (`lock_referenced`) loses nothing by skipping them. Needs
    superuser, or on PostgreSQL 15+ `GRANT SET ON PARAMETER session_replication_role TO <role>`;
    without either, the triggers run as usual.
    """
    cursor.execute(
        """
        SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            OR (current_setting('server_version_num')::int >= 150000
                AND has_parameter_privilege('session_replication_role', 'SET')),
            NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal)
        """,
        [table],
    )
    allowed, only_foreign_key_triggers = cursor.fetchone()
    return bool(allowed and only_foreign_key_triggers)


def without_row_triggers(cursor: Any, statement: Callable[[], Any]) -> Any:
    """Run `statement` with per-row triggers off, then put the setting back (see may_skip_row_triggers)."""
    with local_settings(cursor, {"session_replication_role": "replica"}):
        return statement()


@contextmanager
def local_settings(cursor: Any, settings: Mapping[str, str]) -> Iterator[None]:
    """PostgreSQL settings for the statements run inside, each put back as it was afterwards (in this
    transaction; outside one, SET LOCAL lasts a single statement)."""
    before = {}
    for name, value in settings.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        before[name] = cursor.fetchone()[0]
    try:
        yield
    finally:
        for name, value in before.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
