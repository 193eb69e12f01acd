"""Aggregates of the case records for ward managers and policy leads: the ward dashboards' tables as data.

The tables, who may see them and for which wards all come from `outcomes.dashboards`, so the API and the
dashboard page share one access rule (`access.dashboard_access`), one set of table builders and their cached
figures; every count in them has passed through `outcomes.disclosure.publish` before it reaches this
module. No table holds a person-level record.
Aggregates are not personal data, so their reads are not in the access log (the page does not log them
either).
"""

import io
from functools import cached_property
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outcomes import dashboards
from outcomes.dashboards.access import (
    COMBINED,
    FIRST_YEAR,
    MANAGER,
    POLICY,
    Access,
    Filters,
    dashboard_access,
)
from outcomes.dashboards.panel import Panel
from outcomes.disclosure import SUPPRESSED
from outcomes.tables import csv_rows, published_value
from taskforce.org.csvsafe import write_csv

from .filters import refuse_unknown
from .renderers import CSVRenderer

TABLES = tuple(dashboards.PANELS)


class SeesDashboards(BasePermission):
    """The dashboard page's rule: ward managers (their wards) and policy leads (the target wards)."""

    message = "Aggregates are for ward managers and policy leads."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return view.access is not None  # type: ignore[attr-defined]


class AggregateQuerySerializer(serializers.Serializer):
    """The wards and years asked for. The wards a caller may ask for are in the context (`access`)."""

    ward = serializers.CharField(required=False, default=COMBINED)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, and the last year allowed moves with the calendar.
        this_year = timezone.localdate().year
        for name in ("from", "to"):
            fields[name] = serializers.IntegerField(required=False, min_value=FIRST_YEAR, max_value=this_year)
        return fields

    def validate_ward(self, value: str) -> str:
        codes = [w.gss_code for w in self.context["access"].wards]
        if value != COMBINED and value not in codes:
            raise serializers.ValidationError(
                f"Not one of your wards: choose one of {', '.join(codes)}, or {COMBINED}."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "from" in attrs and "to" in attrs and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["The last year cannot be before the first (from)."]})
        return attrs


@extend_schema_field(
    {
        "type": "object",
        "description": "One row of the table: each column's key with its published value. "
        f'"{SUPPRESSED}" marks a suppressed figure, null one that is not available.',
        "additionalProperties": {"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True},
    }
)
class RowField(serializers.DictField):
    pass


class AggregateColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    kind = serializers.CharField(
        help_text="count (rounded to the nearest 5), rate (per cent), money (£), ratio, points "
        "(percentage points) or text."
    )


class AggregateWardSerializer(serializers.Serializer):
    gss_code = serializers.CharField()
    name = serializers.CharField()


class AggregateTableSerializer(serializers.Serializer):
    # Plain strings: a field named `slug` or `audience` with choices would become a shared enum component.
    slug = serializers.CharField(help_text=f"Which table: {', '.join(TABLES)}.")
    title = serializers.CharField()
    summary = serializers.CharField(help_text="The table in one sentence, from its published figures.")
    audience = serializers.CharField(
        help_text=f"{MANAGER}: caseloads by named worker; {POLICY}: by agency only."
    )
    ward = serializers.CharField(help_text=f"The ward's GSS code, or {COMBINED}.")
    wards = AggregateWardSerializer(many=True, help_text="The wards the figures cover.")
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The wards' names as the table's title gives them."
    )
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    columns = AggregateColumnSerializer(many=True)
    rows = serializers.ListField(child=RowField())
    notes = serializers.ListField(child=serializers.CharField())


SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, enum=TABLES, description="Which table."
)
QUERY = [
    OpenApiParameter(
        "ward",
        OpenApiTypes.STR,
        description=f"One of your wards by GSS code (e.g. E05005088), or {COMBINED} "
        f"(the default) for all of them together.",
    ),
    OpenApiParameter(
        "from",
        {"type": "integer", "minimum": FIRST_YEAR},
        description=f"First year, {FIRST_YEAR} at the earliest (the default).",
    ),
    OpenApiParameter(
        "to",
        {"type": "integer", "minimum": FIRST_YEAR},
        description="Last year, this year at the latest; the default is the latest year with area figures.",
    ),
]


class AggregateViewSet(viewsets.ViewSet):
    """The ward dashboards' tables, every figure published under the disclosure rules (small counts
    suppressed, counts rounded to 5, rates only for groups of 10 or more)."""

    permission_classes = [permissions.IsAuthenticated, SeesDashboards]
    lookup_field = "slug"
    lookup_value_regex = "[a-z0-9-]{1,40}"
    # Documents the 400 that an invalid ward or year gets (api.schema).
    validates_query = True

    @cached_property
    def access(self) -> Access | None:
        return dashboard_access(self.request.user)

    def filters(self, request: Request) -> dict[str, str]:
        refuse_unknown(request, {"ward", "from", "to"})
        query = AggregateQuerySerializer(data=request.query_params, context={"access": self.access})
        query.is_valid(raise_exception=True)
        return {name: str(value) for name, value in query.validated_data.items()}

    def table(self, request: Request, slug: str) -> tuple[Filters, Panel]:
        if slug not in TABLES:
            raise NotFound(f"No table {slug}: the tables are {', '.join(TABLES)}.")
        return dashboards.dashboard_table(self.access, self.filters(request), slug)  # type: ignore[arg-type]

    def as_data(self, filters: Filters, panel: Panel) -> dict[str, Any]:
        wards = [w for w in self.access.wards if w.gss_code in filters.codes]  # type: ignore[union-attr]
        data = {
            "slug": panel.slug,
            "title": panel.title,
            "summary": panel.summary,
            "audience": self.access.audience,  # type: ignore[union-attr]
            "ward": filters.ward,
            "wards": [{"gss_code": w.gss_code, "name": w.name} for w in wards],
            "label": filters.label,
            "first_year": filters.first_year,
            "last_year": filters.last_year,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in panel.columns],
            "rows": [
                {c.key: published_value(v, c.kind) for v, c in zip(row, panel.columns, strict=True)}
                for row in panel.rows
            ],
            "notes": list(panel.notes),
        }
        return AggregateTableSerializer(data).data

    @extend_schema(
        parameters=QUERY,
        responses=AggregateTableSerializer(many=True),
        description="Every table of the ward dashboard for the wards and years asked for.",
    )
    def list(self, request: Request) -> Response:
        # The whole dashboard, as the page builds it: the two share its cache.
        filters, panels = dashboards.dashboard_for(self.access, self.filters(request))  # type: ignore[arg-type]
        return Response([self.as_data(filters, panel) for panel in panels])

    @extend_schema(
        parameters=[SLUG, *QUERY],
        responses=AggregateTableSerializer,
        description="One table of the ward dashboard for the wards and years asked for.",
    )
    def retrieve(self, request: Request, slug: str) -> Response:
        return Response(self.as_data(*self.table(request, slug)))

    @extend_schema(
        parameters=[SLUG, *QUERY],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description="The same table as CSV: column labels as the header, suppressed figures as "
        f'"{SUPPRESSED}", safe to open in a spreadsheet.',
    )
    # JSON first: errors are answered in JSON; the table itself is always CSV.
    @action(detail=True, methods=["get"], url_path="csv", renderer_classes=[JSONRenderer, CSVRenderer])
    def csv(self, request: Request, slug: str) -> HttpResponse:
        filters, panel = self.table(request, slug)
        header, rows = csv_rows(panel.columns, panel.rows)
        out = io.StringIO()
        write_csv(out, header, rows)
        name = f"{slug}-{filters.ward}-{filters.first_year}-{filters.last_year}.csv"
        return HttpResponse(
            out.getvalue(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
