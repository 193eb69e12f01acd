"""The service catalogue, interventions (episodes of work with a household) and referrals between agencies."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from households.models import Household, Person
from taskforce.org.models import Agency, StaffProfile

from .querysets import InterventionQuerySet, ReferralQuerySet


class ServiceCategory(models.Model):
    """Reference data: employment, housing, health, mental health, substance misuse, family support..."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "service categories"

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="services")
    category = models.ForeignKey(ServiceCategory, models.PROTECT, related_name="services")
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"],
                name="service_name_unique_per_agency",
                violation_error_message="name: this agency already has a service with this name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Intervention(models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        ENTERED_WORK = "entered_work", "Entered work"
        TRAINING = "training", "Started education or training"
        TENANCY_SUSTAINED = "tenancy_sustained", "Tenancy sustained"
        DEBT_RESOLVED = "debt_resolved", "Debt or benefit issue resolved"
        HEALTH_IMPROVED = "health_improved", "Health or wellbeing improved"
        NO_CHANGE = "no_change", "No change"
        DISENGAGED = "disengaged", "Disengaged"

    household = models.ForeignKey(Household, models.PROTECT, related_name="interventions")
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="interventions")
    service = models.ForeignKey(Service, models.PROTECT, related_name="interventions")
    worker = models.ForeignKey(
        StaffProfile, models.SET_NULL, null=True, blank=True, related_name="interventions"
    )
    referred_on = models.DateField()
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REFERRED)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    cost = models.DecimalField("cost (£)", max_digits=10, decimal_places=2, default=0)
    notes = models.TextField("case notes", blank=True)
    history = HistoricalRecords()

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("referred_on")),
                name="intervention_starts_after_referral",
                violation_error_message="started_on: an intervention cannot start before it was referred.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | (Q(started_on__isnull=False) & Q(ended_on__gte=F("started_on"))),
                name="intervention_ends_after_start",
                violation_error_message="ended_on: an intervention ends after it started, and only if it started.",
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="intervention_cost_not_negative",
                violation_error_message="cost: the cost cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.name} for {self.household} from {self.referred_on}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.started_on and self.referred_on and self.started_on < self.referred_on:
            errors["started_on"] = "An intervention cannot start before it was referred."
        if self.ended_on and not self.started_on:
            errors["ended_on"] = (
                "An intervention that never started cannot have an end date: set the start date."
            )
        elif self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "An intervention cannot end before it started."
        if self.status in {self.Status.COMPLETED, self.Status.WITHDRAWN} and not self.ended_on:
            errors["ended_on"] = f"A {self.get_status_display().lower()} intervention needs an end date."
        if self.outcome and self.status != self.Status.COMPLETED:
            errors["outcome"] = "Only a completed intervention records an outcome."
        if errors:
            raise ValidationError(errors)


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        COMPLETED = "completed", "Completed"

    household = models.ForeignKey(Household, models.PROTECT, related_name="referrals")
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="referrals")
    from_agency = models.ForeignKey(Agency, models.PROTECT, related_name="referrals_sent")
    to_agency = models.ForeignKey(Agency, models.PROTECT, related_name="referrals_received")
    reason = models.CharField(max_length=200)
    sent_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    responded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    # The receiving agency's answer: the worker it allocated the referral to, or why it declined.
    allocated_to = models.ForeignKey(
        StaffProfile, models.SET_NULL, null=True, blank=True, related_name="referrals_allocated"
    )
    decline_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_agency=F("to_agency")),
                name="referral_between_two_agencies",
                violation_error_message="to_agency: a referral goes to a different agency from the one sending it.",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("sent_on")),
                name="referral_response_after_sending",
                violation_error_message="responded_on: a response cannot come before the referral was sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_agency} -> {self.to_agency} for {self.household} ({self.sent_on})"

    def clean(self) -> None:
        if self.from_agency_id and self.from_agency_id == self.to_agency_id:
            raise ValidationError(
                {"to_agency": "A referral goes to a different agency from the one sending it."}
            )
        if self.responded_on and self.sent_on and self.responded_on < self.sent_on:
            raise ValidationError({"responded_on": "A response cannot come before the referral was sent."})
        if self.status != self.Status.SENT and not self.responded_on:
            raise ValidationError({"responded_on": "An answered referral needs the date of the response."})

    def days_waiting(self, today: date) -> int:
        """Days from sending to the answer, or to `today` while it waits."""
        return ((self.responded_on or today) - self.sent_on).days
