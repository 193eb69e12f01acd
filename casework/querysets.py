"""Who may read case work records, each deriving from the household scope in taskforce.org.scoping.

- Assessments, plans, goals, actions, reviews and sustain checks are visible exactly when their household is.
- A case note is visible when its household is, except a sensitive note, which only its author's agency reads.
- A task is visible to the person it is assigned to, or, when it is assigned to a team, to that agency's staff;
  and then only when its subject is visible to them too: its household, or its property for the housing
  roles. A retention review names no household and is for the data protection officer alone.
"""

from datetime import date, timedelta

from django.apps import apps
from django.db import models
from django.db.models import Q

from households.querysets import HouseholdRecordQuerySet
from taskforce.org import scoping

__all__ = [
    "CaseNoteQuerySet",
    "GoalRecordQuerySet",
    "HouseholdRecordQuerySet",
    "PlanRecordQuerySet",
    "TaskQuerySet",
]


def _visible_households(user: scoping.User | None) -> models.QuerySet:
    return apps.get_model("households", "Household").objects.visible_to(user).values("pk")


class PlanRecordQuerySet(models.QuerySet):
    """Rows of a case plan (goals, reviews): visible exactly when the plan's household is."""

    def visible_to(self, user: scoping.User | None) -> "PlanRecordQuerySet":
        if not scoping.sees_cases(user):
            return self.none()
        return self.filter(plan__household__in=_visible_households(user))


class GoalRecordQuerySet(models.QuerySet):
    """Rows of a goal (actions, sustain checks): visible exactly when the goal's household is."""

    def visible_to(self, user: scoping.User | None) -> "GoalRecordQuerySet":
        if not scoping.sees_cases(user):
            return self.none()
        return self.filter(goal__plan__household__in=_visible_households(user))


class CaseNoteQuerySet(HouseholdRecordQuerySet):
    def visible_to(self, user: scoping.User | None) -> "CaseNoteQuerySet":
        return super().visible_to(user).filter(_sensitivity(user))  # type: ignore[return-value]

    def of_household(self, household: models.Model, user: scoping.User | None) -> "CaseNoteQuerySet":
        return super().of_household(household, user).filter(_sensitivity(user))  # type: ignore[return-value]


def _sensitivity(user: scoping.User | None) -> Q:
    profile = scoping.profile_of(user)
    if profile is None:
        return scoping.NOTHING
    return Q(sensitive=False) | Q(agency=profile.agency_id)


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "TaskQuerySet":
        profile = scoping.profile_of(user)
        if profile is None:
            return self.none()
        mine = Q(assignee=profile.user_id) | Q(assignee__isnull=True, team=profile.agency_id)
        subject = Q(household__isnull=True, property__isnull=True) & ~Q(kind="retention_review")
        if scoping.sees_cases(user):
            subject |= Q(household__in=_visible_households(user))
        if scoping.sees_housing_records(user):
            subject |= Q(
                property__in=apps.get_model("households", "Property").objects.visible_to(user).values("pk")
            )
        if profile.role == scoping.Role.DATA_PROTECTION_OFFICER:
            subject |= Q(kind="retention_review")
        return self.filter(mine & subject)

    def open(self) -> "TaskQuerySet":
        return self.filter(status="open")

    def overdue(self, on: date) -> "TaskQuerySet":
        return self.open().filter(due_on__lt=on)

    def due_within(self, on: date, *, days: int) -> "TaskQuerySet":
        return self.open().filter(due_on__gte=on, due_on__lt=on + timedelta(days=days))
