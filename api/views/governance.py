"""Governance: API tokens, the access log, break glass, subject access and the retention report."""

from typing import Any, cast

from django.db import models, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from households import services as household_services
from households.models import Household, Person
from privacy.retention import RETENTION_YEARS
from taskforce.org import audit, scoping
from taskforce.org import services as taskforce_services
from taskforce.org.models import AccessLog, ApiToken, BreakGlassGrant, StaffProfile

from .. import serializers as s
from .. import subject_access
from ..authentication import proved_second_factor
from ..filters import KnownParameters, filterset
from ..permissions import RoleAllowed
from .base import ID_IN_PATH, PURPOSE, AuditedReads, client_address

Role = StaffProfile.Role


@extend_schema_view(create=extend_schema(responses={201: s.NewApiTokenSerializer}))
class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your API tokens: create one (its key is shown once) and revoke it (DELETE)."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.ApiTokenSerializer
    pagination_class = None
    filter_backends: list[Any] = [KnownParameters]

    def get_queryset(self) -> models.QuerySet:
        return ApiToken.objects.filter(user=self.request.user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = taskforce_services.api_token_create(
            user=scoping.signed_in(request.user),
            name=serializer.validated_data["name"],
            two_factor=proved_second_factor(request),
        )
        data = s.NewApiTokenSerializer(token).data | {"key": key}
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: models.Model) -> None:
        taskforce_services.api_token_revoke(token=cast(ApiToken, instance))


class AccessLogViewSet(viewsets.ReadOnlyModelViewSet):
    """The access log, for the data protection officer: who read whose data, when, why, from where."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.DATA_PROTECTION_OFFICER})
    serializer_class = s.AccessLogSerializer
    queryset = AccessLog.objects.prefetch_related("subjects").order_by("-at", "-id")
    filterset_class = filterset(
        AccessLog,
        ids={"user": "user", "person": "subjects__person_id"},
        exact=("action", "outcome", "resource", "role", "username"),
        dates=("at",),
    )
    ordering_fields = ["at"]


class BreakGlassViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Break glass: a ward manager opens one household outside their wards, for a stated reason, for a
    limited time. The grant and the reason are in the access log for the data protection officer."""

    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.WARD_MANAGER, Role.DATA_PROTECTION_OFFICER})
    writes = "break_glass"
    serializer_class = s.BreakGlassGrantSerializer
    filterset_class = filterset(BreakGlassGrant, ids={"user": "user"}, dates=("granted_at",))
    ordering_fields = ["granted_at"]

    def get_queryset(self) -> models.QuerySet:
        grants = BreakGlassGrant.objects.select_related("user", "household").order_by("-granted_at", "-id")
        if scoping.role_of(self.request.user) == Role.DATA_PROTECTION_OFFICER:
            return grants
        return grants.filter(user=self.request.user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = household_services.break_glass_open(
            user=scoping.signed_in(request.user),
            household=serializer.validated_data["household"],
            reason=serializer.validated_data["reason"],
            client_address=client_address(request),
        )
        return Response(self.get_serializer(grant).data, status=status.HTTP_201_CREATED)


class SubjectAccessViewSet(viewsets.GenericViewSet):
    """Subject access requests, for the data protection officer: everything held about one person,
    including the access log of who read their data."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.DATA_PROTECTION_OFFICER})
    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def export_for(self, request: Request) -> dict[str, list[dict[str, Any]]]:
        person = self.get_object()
        with transaction.atomic():
            tables = subject_access.everything_about(person)
            audit.access_record(
                user=request.user,
                route=AccessLog.Route.API,
                action=AccessLog.Action.SUBJECT_ACCESS,
                resource="households.person",
                # The person's record and every record linked to it as the same person.
                object_ids=[row["id"] for row in tables["person"]],
                person_ids=[row["id"] for row in tables["person"]],
                purpose=request.headers.get("X-Purpose", "") or "Subject access request",
                client_address=client_address(request),
            )
        return tables

    @extend_schema(
        parameters=[PURPOSE],
        responses={200: OpenApiTypes.OBJECT},
        description="Every record held about the person, by table, as JSON.",
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.export_for(request))

    @extend_schema(
        parameters=[PURPOSE],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
        description="The same, as a zip of CSV files (one per table), safe to open in a spreadsheet.",
    )
    @action(detail=True, methods=["get"], url_path="csv")
    def csv(self, request: Request, pk: str) -> HttpResponse:
        archive = subject_access.as_csv_zip(self.export_for(request))
        return HttpResponse(
            archive,
            content_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="subject-access-{pk}.zip"'},
        )


class RetentionViewSet(AuditedReads):
    """Retention report, for the data protection officer: closed cases kept past the retention period
    (RETENTION_YEARS after closing), due for review and deletion."""

    model = Household
    read_roles = frozenset({Role.DATA_PROTECTION_OFFICER})
    serializer_class = s.RetentionSerializer
    filterset_class = filterset(Household, ids={"ward": "ward"}, dates=("closed_on",))
    ordering_fields = ["closed_on", "case_reference"]

    def get_queryset(self) -> models.QuerySet:
        due = Household.objects.past_retention(timezone.localdate(), years=RETENTION_YEARS)
        return due.annotate(members=Count("memberships__person", distinct=True)).order_by("closed_on", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "years": RETENTION_YEARS}
