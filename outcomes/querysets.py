"""Named reads of benefit records and analysis runs, including who may see benefit records (the rules are
in taskforce.org.scoping)."""

from django.db import models

from households.models import Person
from jobs.models import Job
from taskforce.org import scoping


class BenefitRecordQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "BenefitRecordQuerySet":
        """Records of people the user may see; never to housing officers, policy leads or the DPO."""
        if not scoping.sees_cases(user):
            return self.none()
        return self.filter(person__in=Person.objects.visible_to(user).values("pk"))


class AnalysisRunQuerySet(models.QuerySet):
    def succeeded(self) -> "AnalysisRunQuerySet":
        """Runs whose job finished without error: the only ones whose result may be read."""
        return self.filter(job__state=Job.State.SUCCEEDED)

    def latest_first(self) -> "AnalysisRunQuerySet":
        return self.order_by("-job__finished_at", "-pk")


class AnalysisPlanQuerySet(models.QuerySet):
    def locked(self) -> "AnalysisPlanQuerySet":
        return self.filter(locked_at__isnull=False)

    def latest_locked_first(self) -> "AnalysisPlanQuerySet":
        return self.locked().order_by("-locked_at", "-pk")
