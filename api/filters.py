"""Query filters for the list endpoints (django-filter).

Relations are filtered by id with plain number filters: a filter never confirms that an out-of-scope record
exists, and costs no query to validate.
"""

from typing import Any

import django_filters
from django import forms
from django.db import models
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.settings import api_settings

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A record by id. A whole number too large for an id column names no record, like any other id that
    does not exist: the list is empty, never a 400 for a well-formed id (nor an overflow in the driver)."""

    field_class = forms.IntegerField

    def filter(self, qs: Any, value: Any) -> Any:
        if value is not None and not -MAX_ID <= value <= MAX_ID:
            return qs.none()
        return super().filter(qs, value)


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


def accepted_parameters(view: Any) -> set[str]:
    """The query parameters a list takes, as its schema documents them: its filters, search and ordering
    when it has them, its page and page size when it is paged."""
    names: set[str] = set()
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names |= set(filterset_class.base_filters)
    if getattr(view, "search_fields", None):
        names.add(api_settings.SEARCH_PARAM)
    if getattr(view, "ordering_fields", None):
        names.add(api_settings.ORDERING_PARAM)
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names |= {paginator.page_query_param, paginator.page_size_query_param} - {None}
    return names


def refuse_unknown(request: Request, accepted: set[str]) -> None:
    """400 naming each query parameter the endpoint does not take: a misspelt filter (`?ward_id=`) must be
    an error, not a list of everything."""
    unknown = sorted(set(request.query_params) - accepted)
    if unknown:
        takes = ", ".join(sorted(accepted)) or "none"
        raise ValidationError(
            {name: [f"Unknown query parameter. This endpoint takes: {takes}."] for name in unknown}
        )


class KnownParameters(BaseFilterBackend):
    """The first filter of every list (and its CSV export): refuses the parameters it does not take."""

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        if getattr(view, "action", None) in {"list", "export"}:
            refuse_unknown(request, accepted_parameters(view))
        return queryset
