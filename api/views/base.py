"""What every endpoint shares: logged reads of personal data, CSV export, writes through services with
If-Match, and the parameters and path rules they document."""

from collections.abc import Sequence
from typing import Any, cast

from django.db import models, transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog

from ..concurrency import etag_of, require_current
from ..permissions import RoleAllowed
from ..renderers import CSVRenderer, csv_text

EXPORT_LIMIT = 10_000
# Ids in paths: digits that fit a database id column; anything else is a JSON 404 from api.urls.
ID_IN_PATH = r"[0-9]{1,18}"

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag returned when the record was read. A stale one is refused with 412.",
)
PURPOSE = OpenApiParameter(
    "X-Purpose",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Why the record is read; kept in the access log.",
)


def client_address(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data any signed-in member of staff may read."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated]


class AuditedReads(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reads of personal data: list, detail, search and CSV export, each logged in its own transaction."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    model: type[models.Model]
    read_roles: frozenset[str] = scoping.CASE_ROLES
    # Who may create and update these records: a key of scoping.WRITES; None for records only read here.
    writes: str | None = None
    related: Sequence[str] = ()

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with audit.route("api"):
            return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> models.QuerySet:
        queryset = self.model.objects.visible_to(self.request.user)  # type: ignore[attr-defined]
        # The primary key last: pages are stable even where the model's own ordering has ties.
        queryset = queryset.order_by(*self.model._meta.ordering, "pk")
        return queryset.select_related(*self.related) if self.related else queryset

    def get_object(self) -> Any:
        """The record the path names, from those the user may see; a miss is noted for the access log."""
        queryset = self.filter_queryset(self.get_queryset())
        instance = audit.visible_or_404(self.request, queryset, pk=self.kwargs[self.lookup_field])
        self.check_object_permissions(self.request, instance)
        return instance

    def log_read(self, action: str, records: Sequence[models.Model]) -> None:
        ids = [record.pk for record in records]
        audit.access_record(
            user=self.request.user,
            route=AccessLog.Route.API,
            action=action,
            resource=self.model._meta.label_lower,
            object_ids=ids,
            person_ids=audit.people_exposed_by(self.model, ids),
            query=self.request.META.get("QUERY_STRING", ""),
            purpose=self.request.headers.get("X-Purpose", ""),
            client_address=client_address(self.request),
        )

    @extend_schema(parameters=[PURPOSE])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            data = self.get_serializer(page, many=True).data
            searched = bool(request.query_params.get("search"))
            self.log_read(AccessLog.Action.SEARCH if searched else AccessLog.Action.LIST, page or [])
            return self.get_paginated_response(data)

    @extend_schema(parameters=[PURPOSE])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self.get_object()
            data = self.get_serializer(instance).data
            self.log_read(AccessLog.Action.DETAIL, [instance])
        return Response(data, headers={"ETag": etag_of(instance)})

    @extend_schema(
        parameters=[PURPOSE],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description=f"The matching records as CSV (at most {EXPORT_LIMIT:,}), safe to open in a spreadsheet.",
    )
    # JSON first: errors are answered in JSON; the export itself is always CSV.
    @action(
        detail=False, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer], pagination_class=None
    )
    def export(self, request: Request) -> HttpResponse:
        with transaction.atomic():
            records = list(self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT])
            data = self.get_serializer(records, many=True).data
            self.log_read(AccessLog.Action.EXPORT, records)
        filename = f"{str(self.model._meta.verbose_name_plural).replace(' ', '-')}.csv"
        fields = list(cast(Serializer, self.get_serializer()).fields)
        return HttpResponse(
            csv_text(data, fields),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


class Updates(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Writes through services. An update needs If-Match with the record's current ETag."""

    def create_record(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def written(self, instance: models.Model, status_code: int) -> Response:
        fresh = self.get_queryset().get(pk=instance.pk)  # type: ignore[attr-defined]
        data = self.get_serializer(fresh).data  # type: ignore[attr-defined]
        return Response(data, status=status_code, headers={"ETag": etag_of(fresh)})

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.create_record(dict(serializer.validated_data))
            return self.written(instance, status.HTTP_201_CREATED)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self.locked(self.get_object())  # type: ignore[attr-defined]
            require_current(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=True)  # type: ignore[attr-defined]
            serializer.is_valid(raise_exception=True)
            instance = self.update_record(instance, dict(serializer.validated_data))
            return self.written(instance, status.HTTP_200_OK)

    @staticmethod
    def locked(instance: models.Model) -> models.Model:
        """The row again, locked until the transaction ends, so two updates cannot both pass If-Match."""
        return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


class RecordViewSet(Updates, AuditedReads):
    http_method_names = ["get", "post", "patch", "head", "options"]
