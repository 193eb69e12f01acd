"""Query filters for the list endpoints (django-filter).

Relations are filtered by id with plain number filters: a filter never confirms that an out-of-scope record
exists, and costs no query to validate.
"""

from typing import Any

import django_filters
from django import forms
from django.db import models

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A whole number that fits a database id column (a larger one would overflow the driver)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=-MAX_ID, max_value=MAX_ID, **kwargs)


def filterset(
    model: type[models.Model],
    *,
    ids: dict[str, str] | None = None,
    exact: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    **extra: Any,
) -> type[django_filters.FilterSet]:
    """A FilterSet: `ids` maps a parameter to a relation path (`ward` -> `household__ward`), `exact` fields
    match as given, `dates` get `<field>__gte` and `<field>__lte` bounds."""
    attrs: dict[str, Any] = {
        name: IdFilter(field_name=path, help_text=f"Id of the {name.replace('_', ' ')}.")
        for name, path in (ids or {}).items()
    }
    attrs.update(extra)
    fields = {**{name: ["exact"] for name in exact}, **{name: ["gte", "lte"] for name in dates}}
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}FilterSet", (django_filters.FilterSet,), attrs)


def current(field: str, help_text: str) -> django_filters.BooleanFilter:
    """true: `field` is empty (still current); false: it is set."""
    return django_filters.BooleanFilter(field_name=field, lookup_expr="isnull", help_text=help_text)


def char(path: str, help_text: str = "") -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name=path, help_text=help_text)


def number(path: str, lookup: str = "exact", help_text: str = "") -> django_filters.NumberFilter:
    return django_filters.NumberFilter(field_name=path, lookup_expr=lookup, help_text=help_text)
