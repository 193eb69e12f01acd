"""Named reads of benefit records, including who may see them (rules in taskforce.scoping)."""

from django.db import models

from households.models import Person
from taskforce import scoping

from .models import BenefitRecord


class BenefitRecordQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "BenefitRecordQuerySet":
        """Records of people the user may see; never to housing officers, policy leads or the DPO."""
        if not scoping.sees_cases(user):
            return self.none()
        return self.filter(person__in=Person.objects.visible_to(user).values("pk"))


def benefit_records() -> BenefitRecordQuerySet:
    """All benefit records, with the named reads above (BenefitRecord's own manager is a plain one)."""
    return BenefitRecordQuerySet(BenefitRecord)
