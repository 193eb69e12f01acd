"""Place endpoints: the placing authority register, the Margate Agreement register with its published
figures, ward and LSOA boundaries, and an s208 notice opening a case."""

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from households.intake import IntakeAddress, IntakeMember, placement_intake
from households.models import AgreementSignatory, Boundary, PlacingAuthority
from outcomes.dashboards.access import dashboard_access
from outcomes.place.agreement import agreement_register, register_rows
from taskforce.org import audit, scoping

from .. import place_serializers as s
from ..filters import char, filterset
from ..permissions import RoleAllowed
from .base import ReferenceViewSet


class PlacingAuthorityViewSet(ReferenceViewSet):
    """Local authorities that place households into the wards, in Kent or not, with their ONS codes."""

    queryset = PlacingAuthority.objects.select_related("signatory")
    serializer_class = s.PlacingAuthoritySerializer
    filterset_class = filterset(PlacingAuthority, exact=("in_kent", "kind", "gss_code"))
    search_fields = ["name", "gss_code"]
    ordering_fields = ["name", "gss_code"]


class AgreementSignatoryViewSet(ReferenceViewSet):
    """The Margate Agreement's signatories: who signed, when, and what they committed to."""

    queryset = AgreementSignatory.objects.select_related("authority__signatory")
    serializer_class = s.AgreementSignatorySerializer
    ordering_fields = ["signed_on"]

    @extend_schema(responses=s.AgreementFiguresSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def register(self, request: Request) -> Response:
        """Each signatory's placements into the wards before and after signing and the share of its notices
        on time, published (ward managers: their wards; policy leads: the target wards)."""
        access = dashboard_access(request.user)
        if access is None:
            raise PermissionDenied("The Agreement's figures are for ward managers and policy leads.")
        label = " and ".join(w.name for w in access.wards)
        register = agreement_register(tuple(w.gss_code for w in access.wards), label)
        return Response(s.AgreementFiguresSerializer(register_rows(register), many=True).data)


class BoundaryViewSet(ReferenceViewSet):
    """Ward and LSOA boundaries as GeoJSON in British National Grid, from the ONS."""

    queryset = Boundary.objects.select_related("area").order_by("area__gss_code")
    serializer_class = s.BoundarySerializer
    filterset_class = filterset(
        Boundary,
        type=char("area__type", "ward or lsoa."),
        gss_code=char("area__gss_code", "The area's GSS code."),
    )


class S208NoticeViewSet(viewsets.GenericViewSet):
    """An s208 notice received: opens the case with its members, home and placement, all or nothing."""

    serializer_class = s.S208NoticeSerializer
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles: frozenset[str] = frozenset()
    writes = "case"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with audit.route("api"):
            return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        responses={
            201: inline_serializer(
                "S208NoticeOpened",
                {
                    "household": serializers.IntegerField(),
                    "case_reference": serializers.CharField(),
                    "placement": serializers.IntegerField(),
                    "accommodation": serializers.IntegerField(),
                    "notification_due_on": serializers.DateField(allow_null=True),
                    "deadline_met": serializers.BooleanField(allow_null=True),
                },
            ),
            400: OpenApiResponse(description="Field errors, e.g. members.2.nino or address.postcode."),
        }
    )
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data["ward"] not in scoping.profile_of(request.user).wards.all():  # type: ignore[union-attr]
            raise PermissionDenied("You can open cases only in your wards.")
        address = data.pop("address")
        with transaction.atomic():
            placement = placement_intake(
                case_reference=data["case_reference"].upper(),
                ward=data["ward"],
                placing_authority=data["placing_authority"],
                type=data["type"],
                legal_basis=data["legal_basis"],
                placed_on=data["placed_on"],
                notification_received_on=data["notification_received_on"],
                agencies=data["agencies"],
                members=[IntakeMember(**m) for m in data["members"]],
                recorded_by=scoping.signed_in(request.user),
                accommodation=data["accommodation"],
                address=IntakeAddress(area=data["ward"], **address) if address else None,
            )
        return Response(serializer.to_representation(placement), status=status.HTTP_201_CREATED)
