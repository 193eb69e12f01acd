"""Rows straight into frames: on SQLite, `values_frame` reads integer, text and boolean fields by column
(one JSON array each) and must give the very frame the rows would (values, order, dtypes)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from households.models import Household, Property, Residence
from outcomes.datasets import query
from outcomes.datasets.query import values_frame
from tests.factories import HouseholdFactory, PropertyFactory, ResidenceFactory

pytestmark = pytest.mark.django_db


def _by_rows(rows: QuerySet, columns: list[str]) -> pd.DataFrame:
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def _same(rows: QuerySet, columns: list[str]) -> pd.DataFrame:
    frame = values_frame(rows, columns)
    expected = _by_rows(rows, columns)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert list(frame.dtypes) == list(expected.dtypes)
    return frame


def test_integers_text_booleans_and_missing_values_as_the_rows_give_them(monkeypatch):
    read_by_column = []
    monkeypatch.setattr(query, "_sqlite_columns", _spy(query._sqlite_columns, read_by_column))
    homes = [
        PropertyFactory(is_hmo=True, address_line_1='1 "Quoted", Road\\ \u00e9'),
        PropertyFactory(is_hmo=False),
    ]
    household = HouseholdFactory()
    ResidenceFactory(household=household, property=homes[0], moved_out=date(2011, 3, 4))
    ResidenceFactory(household=household, property=homes[1], moved_in=date(2011, 3, 4))

    frame = _same(
        Property.objects.values_list("pk", "area__gss_code", "is_hmo", "address_line_1"),
        ["property", "area", "is_hmo", "address"],
    )
    assert frame["is_hmo"].tolist().count(True) >= 1
    assert '1 "Quoted", Road\\ \u00e9' in frame["address"].tolist()
    moves = _same(
        Residence.objects.annotate(
            moved_in_on=Cast("moved_in", CharField()), moved_out_on=Cast("moved_out", CharField())
        ).values_list("household_id", "moved_in_on", "moved_out_on"),
        ["household", "moved_in", "moved_out"],
    )
    assert moves["moved_out"].isna().any()
    _same(Household.objects.values_list("pk", "key_worker_id"), ["household", "key_worker"])
    if connection.vendor == "sqlite":
        assert len(read_by_column) == 3


def test_no_rows_and_converted_fields_take_the_rows_path(monkeypatch):
    read_by_column = []
    monkeypatch.setattr(query, "_sqlite_columns", _spy(query._sqlite_columns, read_by_column))
    empty = _same(Property.objects.filter(pk__lt=0).values_list("pk", "is_hmo"), ["property", "is_hmo"])
    assert empty.empty
    # A date field: the driver turns its text into a date by the column's declared type.
    ResidenceFactory()
    dates = _same(Residence.objects.values_list("pk", "moved_in"), ["residence", "moved_in"])
    assert not isinstance(dates["moved_in"].iloc[0], str)
    if connection.vendor == "sqlite":
        assert len(read_by_column) == 1  # only the empty query tried (and found no rows)


def _spy(function, calls: list):
    def spied(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return spied


@pytest.mark.parametrize("with_a_date", [False, True], ids=["by column", "by rows"])
def test_text_as_objects_gives_python_strings_and_none_where_the_rows_have_them(with_a_date: bool) -> None:
    household = HouseholdFactory()
    ResidenceFactory(household=household, moved_in=date(2010, 1, 2), moved_out=date(2011, 3, 4))
    ResidenceFactory(household=household, moved_in=date(2011, 3, 4), moved_out=None)
    fields = [
        "household_id",
        "property__area__gss_code",
        "moved_out_on",
        *(["moved_in"] if with_a_date else []),
    ]
    rows = Residence.objects.annotate(moved_out_on=Cast("moved_out", CharField())).values_list(*fields)
    columns = ["household", "area", "moved_out", *(["moved_in"] if with_a_date else [])]

    frame = values_frame(rows, columns, text_as_objects=True)
    inferred = values_frame(rows, columns)

    assert frame["area"].dtype == object
    assert frame["moved_out"].dtype == object
    assert sorted(frame["moved_out"].tolist(), key=lambda v: (v is None, v)) == ["2011-03-04", None]
    assert frame["household"].dtype == inferred["household"].dtype
    # The same values as the inferred frame, missing ones None rather than NaN.
    for name in ("area", "moved_out"):
        assert (
            frame[name].tolist() == inferred[name].astype(object).where(inferred[name].notna(), None).tolist()
        )


def test_values_columns_by_column_and_by_rows_give_the_same_values(monkeypatch):
    homes = [PropertyFactory(is_hmo=True), PropertyFactory(is_hmo=False)]
    ResidenceFactory(property=homes[0], moved_out=date(2011, 3, 4))
    rows = Property.objects.values_list("pk", "area__gss_code", "is_hmo").order_by("pk")
    by_column = query.values_columns(rows, 3)
    monkeypatch.setattr(connection, "vendor", "other")  # the drivers' rows, as on PostgreSQL
    by_rows = query.values_columns(rows, 3)
    assert [list(c) for c in by_column] == [list(c) for c in by_rows]
    assert [type(v) for v in by_column[2]] == [bool, bool]
    empty = query.values_columns(Property.objects.filter(pk__lt=0).values_list("pk", "is_hmo"), 2)
    assert [list(column) for column in empty] == [[], []]


def test_lookup_finds_each_parent_and_marks_the_missing():
    homes = [PropertyFactory(), PropertyFactory()]
    keys = np.array([homes[1].pk, homes[0].pk, homes[1].pk, max(h.pk for h in homes) + 100, -1])
    values, found = query.lookup(keys, Property.objects.values_list("pk", "area__gss_code"))
    assert found.tolist() == [True, True, True, False, False]
    assert values.tolist() == [
        homes[1].area.gss_code,
        homes[0].area.gss_code,
        homes[1].area.gss_code,
        None,
        None,
    ]
    none, found = query.lookup(keys, Property.objects.filter(pk__lt=0).values_list("pk", "area__gss_code"))
    assert not found.any()
    assert none.tolist() == [None] * 5
    at, found = query.positions(np.array([30, 10, 20]), np.array([20, 5, 30, 10, 99]))
    assert found.tolist() == [True, False, True, True, False]
    assert at[found].tolist() == [2, 0, 1]
