"""Whole-family assessment and case plan, following the Supporting Families outcomes framework (2022).

An assessment records which of the framework's ten headline outcomes the family needs help towards; a plan
sets goals against them, each with a review date and actions owned by an agency; reviews are recorded on the
plan; an achieved goal is checked again at 6 and 12 months after the case closed to see it was sustained.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from households.models import Household
from taskforce.org.models import Agency

from ..querysets import GoalRecordQuerySet, HouseholdRecordQuerySet, PlanRecordQuerySet

SOURCE = (
    "Department for Levelling Up, Housing and Communities, Supporting Families Programme Guidance 2022-25, "
    "chapter 3: the Supporting Families Outcome Framework (2022)"
)


class HeadlineOutcome(models.Model):
    """One of the ten headline outcomes of the Supporting Families outcomes framework: reference data."""

    number = models.PositiveSmallIntegerField(unique=True)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField()
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    household = models.ForeignKey(Household, models.CASCADE, related_name="assessments")
    assessed_on = models.DateField("date of the assessment")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    needs = models.ManyToManyField(
        HeadlineOutcome, related_name="+", help_text="The headline outcomes the family needs help towards."
    )
    summary = models.TextField(max_length=5000)
    history = HistoricalRecords(m2m_fields=[needs])

    objects = HouseholdRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"Assessment of {self.household} on {self.assessed_on}"


class CasePlan(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    household = models.ForeignKey(Household, models.CASCADE, related_name="plans")
    assessment = models.ForeignKey(Assessment, models.PROTECT, related_name="plans")
    lead_agency = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    agreed_on = models.DateField("date the plan was agreed")
    next_review_on = models.DateField("date of the next review")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = HouseholdRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-agreed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="open"),
                name="one_open_plan_per_household",
                violation_error_message="household: the household already has an open plan; review or close it.",
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__gte=F("agreed_on")),
                name="plan_review_after_agreement",
                violation_error_message="next_review_on: the review cannot come before the plan was agreed.",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False))
                | (Q(status="open") & Q(closed_on__isnull=True)),
                name="plan_closed_has_date",
                violation_error_message="closed_on: a closed plan needs a closing date, and an open one has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan for {self.household} agreed {self.agreed_on}"

    def clean(self) -> None:
        if self.assessment_id and self.household_id and self.assessment.household_id != self.household_id:
            raise ValidationError({"assessment": "The assessment is of another household."})
        if self.assessment_id and self.agreed_on and self.agreed_on < self.assessment.assessed_on:
            raise ValidationError({"agreed_on": "A plan cannot be agreed before the assessment it follows."})


class Goal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Working towards"
        ACHIEVED = "achieved", "Achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    plan = models.ForeignKey(CasePlan, models.CASCADE, related_name="goals")
    outcome = models.ForeignKey(HeadlineOutcome, models.PROTECT, related_name="+")
    description = models.CharField("what the family wants to achieve", max_length=300)
    review_on = models.DateField("date to review the goal")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    achieved_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = PlanRecordQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "outcome__number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="achieved") & Q(achieved_on__isnull=False))
                | (~Q(status="achieved") & Q(achieved_on__isnull=True)),
                name="goal_achieved_has_date",
                violation_error_message="achieved_on: an achieved goal needs the date, and only it has one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.description}"


class PlanAction(models.Model):
    """A step towards a goal, owned by one agency."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+", help_text="The agency that owns it.")
    due_on = models.DateField("date it is due", null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = GoalRecordQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.description} ({self.agency})"


class Review(models.Model):
    plan = models.ForeignKey(CasePlan, models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("date of the review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    summary = models.TextField("what the review found", max_length=5000)
    next_review_on = models.DateField(
        "date of the next review", null=True, blank=True, help_text="Leave empty when the plan closes."
    )
    history = HistoricalRecords()

    objects = PlanRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True) | Q(next_review_on__gt=F("reviewed_on")),
                name="review_next_after_this",
                violation_error_message="next_review_on: the next review must come after this one.",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan.household} on {self.reviewed_on}"


class SustainCheck(models.Model):
    """Whether an achieved goal held, checked 6 and 12 months after the case closed."""

    class Months(models.IntegerChoices):
        SIX = 6, "6 months"
        TWELVE = 12, "12 months"

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="sustain_checks")
    months = models.PositiveSmallIntegerField(choices=Months.choices)
    checked_on = models.DateField()
    sustained = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    objects = GoalRecordQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "months"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "months"],
                name="one_sustain_check_per_goal_and_interval",
                violation_error_message="months: this check has already been recorded for the goal.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} at {self.months} months: {'sustained' if self.sustained else 'not sustained'}"
