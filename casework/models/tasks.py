"""Tasks: raised from the data's own dates by the daily job (each from one source record, once) or made by
hand, assigned to a person or to a team (an agency)."""

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from households.models import Household, Property
from taskforce.org.models import Agency

from ..querysets import TaskQuerySet


class Task(models.Model):
    class Kind(models.TextChoices):
        S208_NOTICE = "s208_notice", "s208 notice due"
        LAC_NOTICE = "lac_notice", "Looked-after child notice due"
        CONSENT_EXPIRY = "consent_expiry", "Consent expiring"
        LICENCE_EXPIRY = "licence_expiry", "Licence expiring"
        NOTICE_COMPLIANCE = "notice_compliance", "Notice compliance date"
        PLAN_REVIEW = "plan_review", "Plan review due"
        SUSTAIN_CHECK = "sustain_check", "Sustained-outcome check"
        RETENTION_REVIEW = "retention_review", "Retention review"
        MANUAL = "manual", "Task"

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MANUAL)
    title = models.CharField(max_length=200)
    due_on = models.DateField("date it is due")
    household = models.ForeignKey(Household, models.CASCADE, null=True, blank=True, related_name="tasks")
    property = models.ForeignKey(Property, models.CASCADE, null=True, blank=True, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    team = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="tasks", help_text="The agency's team."
    )
    # What raised it, e.g. "placement:12:notice": the same source never raises a second task.
    source_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee__isnull=False) | Q(team__isnull=False),
                name="task_assigned_to_someone",
                violation_error_message="assignee: assign the task to a person or a team.",
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (Q(status="open") & Q(done_on__isnull=True)),
                name="task_done_has_date",
                violation_error_message="done_on: a done task has the date it was done, an open one none.",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=True) | Q(property__isnull=True),
                name="task_one_subject",
                violation_error_message="household: a task is about a household or a property, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @builtins.property  # the class's own `property` is the home a task is about
    def assigned_to(self) -> str:
        if self.assignee is not None:
            return self.assignee.get_full_name() or self.assignee.get_username()
        return str(self.team)
