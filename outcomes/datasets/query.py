"""Rows from the database driver straight into a frame."""

import pandas as pd
from django.db import connection
from django.db.models import QuerySet


def values_frame(rows: QuerySet, columns: list[str]) -> pd.DataFrame:
    """Run a `values_list` query straight through the driver: Django's per-value converters (Decimal, date
    parsing) cost more than the query itself on a million rows. Dates may come back as text (SQLite)."""
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def sql_frame(sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    """Run raw SQL (the housing benefit sums) into a frame."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
