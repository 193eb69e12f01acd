"""Figures recorded by imports: people's monthly benefit records (personal, logged) and area statistics."""

from django.db import models

from outcomes.models import AreaStatistic, BenefitRecord

from .. import serializers as s
from ..filters import char, filterset
from .base import AuditedReads, ReferenceViewSet


class BenefitRecordViewSet(AuditedReads):
    """Monthly benefit records of people you may see (written by imports)."""

    model = BenefitRecord
    serializer_class = s.BenefitRecordSerializer
    related = ("benefit",)
    filterset_class = filterset(
        BenefitRecord,
        ids={"person": "person"},
        dates=("month",),
        benefit=char("benefit__code", "Benefit code, e.g. jsa."),
    )
    ordering_fields = ["month", "amount"]

    def get_queryset(self) -> models.QuerySet:
        queryset = BenefitRecord.objects.visible_to(self.request.user).select_related("benefit")
        return queryset.order_by("person", "month", "benefit", "pk")


class AreaStatisticViewSet(ReferenceViewSet):
    """Published and derived figures for areas and periods."""

    queryset = AreaStatistic.objects.all()
    serializer_class = s.AreaStatisticSerializer
    filterset_class = filterset(
        AreaStatistic, ids={"area": "area"}, exact=("measure", "frequency"), dates=("period_start",)
    )
    ordering_fields = ["period_start", "measure", "value"]
