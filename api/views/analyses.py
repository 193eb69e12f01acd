"""Analyses for the evidence pack, run as jobs, and the progress of every job the user started."""

from typing import Any

import django_filters
from django.db import models
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from jobs.models import Job
from outcomes.models import AnalysisRun
from outcomes.services import analysis_request
from taskforce.org import scoping
from taskforce.org.models import StaffProfile

from .. import serializers as s
from ..filters import filterset
from ..permissions import RoleAllowed
from .base import ID_IN_PATH

Role = StaffProfile.Role


class AnalysisRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Analyses for the evidence pack: request one (it runs as a job), poll its status, read its result.
    Results are aggregates computed by outcomes.analyses; no run holds a person-level record."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = frozenset({Role.POLICY_LEAD, Role.WARD_MANAGER})
    writes = "analysis_run"
    serializer_class = s.AnalysisRunSerializer
    queryset = AnalysisRun.objects.select_related("job").order_by("-created_at", "-id")
    filterset_class = filterset(
        AnalysisRun,
        exact=("kind",),
        dates=("created_at",),
        status=django_filters.ChoiceFilter(
            field_name="job__state", choices=Job.State.choices, help_text="State of the run's job."
        ),
    )
    ordering_fields = ["created_at"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = analysis_request(
            kind=serializer.validated_data["kind"],
            parameters=serializer.validated_data.get("parameters") or {},
            requested_by=scoping.signed_in(request.user),
        )
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Progress of long tasks the user started."""

    lookup_value_regex = ID_IN_PATH
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.JobSerializer
    filterset_class = filterset(Job, exact=("kind", "state"))
    ordering_fields = ["created_at"]

    def get_queryset(self) -> models.QuerySet:
        return Job.objects.filter(requested_by=self.request.user.pk)
