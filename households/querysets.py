"""Named reads of households, hazards and placements."""

from datetime import date

from django.db import models
from django.db.models import Q

from .hhsrs import CATEGORY_1_THRESHOLD


class HouseholdQuerySet(models.QuerySet):
    def open(self) -> "HouseholdQuerySet":
        return self.filter(status="open")

    def in_wards(self, wards) -> "HouseholdQuerySet":
        return self.filter(ward__in=wards)

    def placed(self) -> "HouseholdQuerySet":
        return self.filter(placements__isnull=False).distinct()


class HazardFindingQuerySet(models.QuerySet):
    def open(self) -> "HazardFindingQuerySet":
        return self.filter(status="open")

    def category_1(self) -> "HazardFindingQuerySet":
        return self.filter(score__gte=CATEGORY_1_THRESHOLD)

    def open_on(self, day: date) -> "HazardFindingQuerySet":
        """Found on or before `day` and not remedied by then."""
        return self.filter(inspection__inspected_on__lte=day).filter(
            Q(remedied_on__isnull=True) | Q(remedied_on__gt=day)
        )


class PlacementQuerySet(models.QuerySet):
    def current(self, on: date) -> "PlacementQuerySet":
        return self.filter(placed_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
