"""Homes and the council's housing records on them: properties, HMO and selective licences, inspections,
HHSRS hazards found at them and enforcement action."""

import builtins
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from taskforce.org.dates import years_after
from taskforce.org.models import Area, StaffProfile
from taskforce.org.validators import normalise_postcode, validate_postcode, validate_uprn

from .. import hhsrs, statutory
from ..querysets import (
    EnforcementActionQuerySet,
    HazardFindingQuerySet,
    LicenceQuerySet,
    PropertyQuerySet,
    PropertyRecordQuerySet,
)

MAX_LICENCE_YEARS = 5
MAX_CIVIL_PENALTY = 30_000


class Hazard(models.Model):
    """One of the 29 HHSRS hazards (reference data, loaded by migration)."""

    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(29)]
    )
    group = models.CharField(max_length=60)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Property(models.Model):
    class Tenure(models.TextChoices):
        OWNER_OCCUPIED = "owner", "Owner-occupied"
        SOCIAL_RENT = "social", "Social rent"
        PRIVATE_RENT = "private", "Private rent"
        TEMPORARY = "temporary", "Temporary accommodation"
        SUPPORTED = "supported", "Supported housing"

    uprn = models.PositiveBigIntegerField(
        "UPRN", null=True, blank=True, unique=True, validators=[validate_uprn]
    )
    address_line_1 = models.CharField(max_length=120)
    address_line_2 = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=60, default="Margate")
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    area = models.ForeignKey(
        Area, models.PROTECT, related_name="properties", help_text="The ward it stands in."
    )
    tenure = models.CharField(max_length=10, choices=Tenure.choices)
    is_hmo = models.BooleanField("house in multiple occupation", default=False)
    landlord = models.CharField(max_length=160, blank=True)
    history = HistoricalRecords()

    objects = PropertyQuerySet.as_manager()

    class Meta:
        ordering = ["postcode", "address_line_1"]
        verbose_name_plural = "properties"

    def __str__(self) -> str:
        return f"{self.address_line_1}, {self.postcode}"

    def clean(self) -> None:
        if self.postcode:
            self.postcode = normalise_postcode(self.postcode)


class Licence(models.Model):
    class Scheme(models.TextChoices):
        MANDATORY_HMO = "mandatory_hmo", "Mandatory HMO"
        ADDITIONAL = "additional", "Additional HMO"
        SELECTIVE = "selective", "Selective"

    class Decision(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    class Status(models.TextChoices):
        """Derived from the decision and the dates on a day (`status_on`), never stored."""

        PENDING = "pending", "Pending"
        IN_FORCE = "in_force", "In force"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        REFUSED = "refused", "Refused"

    property = models.ForeignKey(Property, models.PROTECT, related_name="licences")
    scheme = models.CharField(max_length=15, choices=Scheme.choices)
    number = models.CharField(max_length=30, unique=True)
    holder = models.CharField(max_length=160)
    manager = models.CharField(
        max_length=160, blank=True, help_text="The person managing the house, where not the holder."
    )
    starts_on = models.DateField()
    expires_on = models.DateField(help_text="The last day the licence is in force.")
    max_occupiers = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    max_households = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    conditions = models.TextField(blank=True, help_text="The licence's conditions, as granted.")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.GRANTED)
    revoked_on = models.DateField(
        null=True, blank=True, help_text="The day a granted licence was revoked (Housing Act 2004 s70, s93)."
    )
    history = HistoricalRecords()

    objects = LicenceQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("starts_on")),
                name="licence_expires_after_start",
                violation_error_message="expires_on: a licence must expire after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(max_households__lte=F("max_occupiers")),
                name="licence_households_within_occupiers",
                violation_error_message="max_households: cannot exceed max_occupiers.",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True)
                | (
                    Q(decision="granted")
                    & Q(revoked_on__gte=F("starts_on"))
                    & Q(revoked_on__lte=F("expires_on"))
                ),
                name="licence_revoked_within_its_term",
                violation_error_message="revoked_on: only a granted licence is revoked, between its start and expiry.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} licence {self.number}"

    def status_on(self, day: date) -> str:
        """Pending, in force, expired, revoked or refused on `day`, from the decision and the dates (the
        same rule as LicenceQuerySet.with_status)."""
        if self.decision == self.Decision.REFUSED:
            return self.Status.REFUSED
        if self.decision == self.Decision.PENDING:
            return self.Status.PENDING
        if self.revoked_on is not None and self.revoked_on <= day:
            return self.Status.REVOKED
        if day < self.starts_on:
            return self.Status.PENDING
        if day > self.expires_on:
            return self.Status.EXPIRED
        return self.Status.IN_FORCE

    @builtins.property  # `property` is a field here
    def status(self) -> str:
        """The status today."""
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def clean(self) -> None:
        errors = {}
        if self.revoked_on is not None and self.decision != self.Decision.GRANTED:
            errors["revoked_on"] = "Only a granted licence can be revoked."
        elif (
            self.revoked_on
            and self.starts_on
            and self.expires_on
            and not (self.starts_on <= self.revoked_on <= self.expires_on)
        ):
            errors["revoked_on"] = "A licence is revoked between its start date and its expiry date."
        if (
            self.starts_on
            and self.expires_on
            and self.expires_on > years_after(self.starts_on, MAX_LICENCE_YEARS)
        ):
            errors["expires_on"] = (
                f"A licence lasts at most {MAX_LICENCE_YEARS} years: it must expire by "
                + (f"{years_after(self.starts_on, MAX_LICENCE_YEARS):%d %B %Y}.")
            )
        if self.starts_on and self.expires_on and self.expires_on <= self.starts_on:
            errors["expires_on"] = "The expiry date must be after the start date."
        if (
            self.scheme == self.Scheme.MANDATORY_HMO
            and self.max_occupiers is not None
            and self.max_occupiers < 5
        ):
            errors["max_occupiers"] = (
                "A mandatory HMO licence is for 5 or more people (Housing Act 2004 s55)."
            )
        if (
            self.scheme == self.Scheme.MANDATORY_HMO
            and self.max_households is not None
            and self.max_households < 2
        ):
            errors["max_households"] = "A mandatory HMO licence is for 2 or more households."
        if errors:
            raise ValidationError(errors)


class Inspection(models.Model):
    class Reason(models.TextChoices):
        COMPLAINT = "complaint", "Tenant complaint"
        LICENCE = "licence", "Licence application"
        PROACTIVE = "proactive", "Proactive"
        REVISIT = "revisit", "Revisit"

    property = models.ForeignKey(Property, models.PROTECT, related_name="inspections")
    inspected_on = models.DateField()
    officer = models.ForeignKey(
        StaffProfile, models.SET_NULL, null=True, blank=True, related_name="inspections"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = PropertyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on"]

    def __str__(self) -> str:
        return f"Inspection of {self.property} on {self.inspected_on}"


class HazardFinding(models.Model):
    """A hazard found at an inspection. Band and category follow from the score and are never entered."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REMEDIED = "remedied", "Remedied"

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="findings")
    hazard = models.ForeignKey(Hazard, models.PROTECT, related_name="findings")
    score = models.PositiveIntegerField(help_text="The HHSRS score from the inspector's assessment.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    remedied_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = HazardFindingQuerySet.as_manager()

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "hazard"],
                name="one_finding_per_hazard_per_inspection",
                violation_error_message="hazard: this inspection already records a finding for this hazard.",
            ),
            models.CheckConstraint(
                condition=(Q(status="remedied") & Q(remedied_on__isnull=False))
                | (Q(status="open") & Q(remedied_on__isnull=True)),
                name="hazard_remedied_has_date",
                violation_error_message="remedied_on: a remedied hazard needs a remedied date, and an open one has none.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hazard.name}: band {self.band} (Category {self.category})"

    @property
    def band(self) -> str | None:
        return None if self.score is None else hhsrs.band_for_score(self.score)

    @property
    def category(self) -> int | None:
        return None if self.score is None else hhsrs.category_for_score(self.score)

    def clean(self) -> None:
        if self.status == self.Status.REMEDIED and not self.remedied_on:
            raise ValidationError({"remedied_on": "A remedied hazard needs the date it was remedied."})
        if self.status == self.Status.OPEN and self.remedied_on:
            raise ValidationError(
                {"remedied_on": "An open hazard has no remedied date: set the status to remedied."}
            )
        if self.remedied_on and self.inspection_id and self.remedied_on < self.inspection.inspected_on:
            raise ValidationError(
                {"remedied_on": "A hazard cannot be remedied before the inspection that found it."}
            )


class EnforcementAction(models.Model):
    class Type(models.TextChoices):
        IMPROVEMENT_NOTICE = "improvement_notice", "Improvement notice"
        PROHIBITION_ORDER = "prohibition_order", "Prohibition order"
        EMERGENCY_REMEDIAL = "emergency_remedial", "Emergency remedial action"
        CIVIL_PENALTY = "civil_penalty", "Civil penalty"
        PROSECUTION = "prosecution", "Prosecution"
        RENT_REPAYMENT = "rent_repayment", "Rent repayment order"

    class Status(models.TextChoices):
        SERVED = "served", "Served"
        COMPLIED = "complied", "Complied with"
        APPEALED = "appealed", "Appealed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    property = models.ForeignKey(Property, models.PROTECT, related_name="enforcement_actions")
    finding = models.ForeignKey(
        HazardFinding, models.SET_NULL, null=True, blank=True, related_name="enforcement_actions"
    )
    type = models.CharField(max_length=20, choices=Type.choices)
    served_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SERVED)
    comply_by = models.DateField(
        null=True, blank=True, help_text="The date the notice or order requires the work to be done by."
    )
    complied_on = models.DateField(null=True, blank=True)
    penalty_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    objects = EnforcementActionQuerySet.as_manager()

    class Meta:
        ordering = ["-served_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(complied_on__isnull=True) | Q(complied_on__gte=F("served_on")),
                name="enforcement_complied_after_served",
                violation_error_message="complied_on: compliance cannot come before the action was served.",
            ),
            models.CheckConstraint(
                condition=Q(comply_by__isnull=True) | Q(comply_by__gte=F("served_on")),
                name="enforcement_comply_by_after_served",
                violation_error_message="comply_by: the compliance date cannot come before the action was served.",
            ),
            models.CheckConstraint(
                condition=Q(penalty_amount__isnull=True)
                | (Q(penalty_amount__gt=0) & Q(penalty_amount__lte=MAX_CIVIL_PENALTY)),
                name="civil_penalty_at_most_30000",
                violation_error_message="penalty_amount: a civil penalty is more than £0 and at most £30,000.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} on {self.property} ({self.served_on})"

    @builtins.property  # `property` is a field here
    def appeal_by(self) -> date | None:
        """The last day to appeal, from the statutory period for its type (households/data/reference)."""
        return None if self.served_on is None else statutory.appeal_by(self.type, self.served_on)

    def overdue_on(self, day: date) -> bool:
        """Served, not complied with, and past the date it had to be complied with by."""
        return self.status == self.Status.SERVED and self.comply_by is not None and self.comply_by < day

    def clean(self) -> None:
        if self.penalty_amount is not None and self.type != self.Type.CIVIL_PENALTY:
            raise ValidationError({"penalty_amount": "Only a civil penalty carries a penalty amount."})
        if self.penalty_amount is None and self.type == self.Type.CIVIL_PENALTY:
            raise ValidationError(
                {"penalty_amount": "A civil penalty needs its amount, more than £0 and at most £30,000."}
            )
        if (
            self.finding_id
            and self.property_id
            and self.finding is not None
            and self.finding.inspection.property_id != self.property_id
        ):
            raise ValidationError({"finding": "The hazard was found at another property."})
        if self.penalty_amount is not None and not 0 < self.penalty_amount <= MAX_CIVIL_PENALTY:
            raise ValidationError(
                {"penalty_amount": f"A civil penalty is more than £0 and at most £{MAX_CIVIL_PENALTY:,}."}
            )
        if self.comply_by and self.served_on and self.comply_by < self.served_on:
            raise ValidationError(
                {"comply_by": "The compliance date cannot come before the action was served."}
            )
        if self.complied_on and self.served_on and self.complied_on < self.served_on:
            raise ValidationError({"complied_on": "Compliance cannot come before the action was served."})
