"""Licensing designations (staff), and the Housing Act 2004 s232 public register (open to anyone)."""

from typing import Any, NoReturn, cast

from django.db import models
from django.utils import timezone
from django_ratelimit.core import is_ratelimited
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from households import services as household_services
from households.models import Licence, LicensingDesignation
from households.views.register import PUBLIC_REGISTER_RATE, client_key

from .. import serializers as s
from ..concurrency import etag_of
from ..filters import filterset
from ..permissions import RoleAllowed
from .base import ID_IN_PATH, Updates

# The public register's limit per client address, shared with its web page.
PUBLIC_RATE = PUBLIC_REGISTER_RATE


class DesignationViewSet(Updates, viewsets.ReadOnlyModelViewSet):
    """Additional and selective licensing designations: the wards each covers and its dates. Any member
    of staff may read them; housing officers record them."""

    lookup_value_regex = ID_IN_PATH
    http_method_names = ["get", "post", "patch", "head", "options"]
    writes = "housing"
    queryset = LicensingDesignation.objects.prefetch_related("wards").order_by("-starts_on", "name", "pk")
    serializer_class = s.LicensingDesignationSerializer
    filterset_class = filterset(LicensingDesignation, exact=("scheme",), dates=("starts_on", "ends_on"))
    search_fields = ["name"]
    ordering_fields = ["starts_on", "ends_on", "name"]

    def get_permissions(self) -> list[permissions.BasePermission]:
        # Reads are public facts, like the reference data; writes are the housing officers'.
        if self.request.method in permissions.SAFE_METHODS:
            return [permissions.IsAuthenticated()]
        return [permissions.IsAuthenticated(), RoleAllowed()]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_of(instance)})

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return household_services.designation_record(**data)

    def update_record(self, instance: models.Model, changes: dict[str, Any]) -> models.Model:
        return household_services.designation_update(
            designation=cast(LicensingDesignation, instance), **changes
        )


class PublicRate(BaseThrottle):
    """At most PUBLIC_RATE requests a minute from one address (django-ratelimit's counter in the cache)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        return not is_ratelimited(
            request._request, group="public-register", key=client_key, rate=PUBLIC_RATE, increment=True
        )

    def wait(self) -> float:
        return 60.0


class PublicRegisterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The public register of licences (Housing Act 2004 s232): every licence in force today, with its
    holder, manager, address, conditions, dates and permitted occupancy. Open without signing in, limited
    to 60 requests a minute from one address. It carries no case data and no one else's name."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [PublicRate]
    serializer_class = s.PublicRegisterSerializer
    filterset_class = None
    search_fields = ["number", "property__postcode", "property__address_line_1", "holder"]
    ordering_fields = ["number", "expires_on"]

    def get_queryset(self) -> models.QuerySet:
        return (
            Licence.objects.public_register(timezone.localdate())
            .select_related("property__area")
            .order_by("property__postcode", "property__address_line_1", "number", "pk")
        )

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise Throttled(wait, detail="Too many requests: the register allows 60 a minute. Try again shortly.")
