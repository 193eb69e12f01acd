"""Reference data: areas, agencies, the service catalogue, and staff (administrators only)."""

from rest_framework import permissions, viewsets

from interventions.models import Service
from taskforce.org.models import Agency, Area, StaffProfile

from .. import serializers as s
from ..filters import char, filterset
from .base import ID_IN_PATH, ReferenceViewSet


class AreaViewSet(ReferenceViewSet):
    """Areas: wards, LSOAs, districts, the county."""

    queryset = Area.objects.all()
    serializer_class = s.AreaSerializer
    filterset_class = filterset(
        Area, ids={"parent": "parent"}, exact=("type", "is_target", "gss_code", "vintage")
    )
    search_fields = ["name", "gss_code"]
    ordering_fields = ["name", "gss_code", "type"]


class AgencyViewSet(ReferenceViewSet):
    """Partner agencies (placing authorities are their own register: /api/v1/placing-authorities/)."""

    queryset = Agency.objects.all()
    serializer_class = s.AgencySerializer
    filterset_class = filterset(Agency, exact=("kind", "code"))
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]


class ServiceViewSet(ReferenceViewSet):
    """The service catalogue of the partner agencies."""

    queryset = Service.objects.select_related("category")
    serializer_class = s.ServiceSerializer
    filterset_class = filterset(
        Service,
        ids={"agency": "agency"},
        exact=("is_active",),
        category=char("category__code", "Service category code, e.g. employment."),
    )
    search_fields = ["name"]
    ordering_fields = ["name"]


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    """Staff accounts and roles: administrators only."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAdminUser]
    queryset = StaffProfile.objects.select_related("user").prefetch_related("wards")
    serializer_class = s.StaffSerializer
    filterset_class = filterset(StaffProfile, ids={"agency": "agency", "ward": "wards"}, exact=("role",))
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["user__username"]
