"""Households, people and their homes: properties, licences, inspections, hazards, enforcement,
residence history, placements into the wards and the basis on which their data is shared."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from taskforce.org.models import Agency, Area, StaffProfile
from taskforce.org.validators import (
    normalise_nino,
    normalise_postcode,
    validate_nino,
    validate_postcode,
    validate_uprn,
)

from . import hhsrs
from .deadlines import NoticeRule, notification_due_on
from .querysets import (
    HazardFindingQuerySet,
    HouseholdQuerySet,
    HouseholdRecordQuerySet,
    PersonQuerySet,
    PlacementQuerySet,
    PropertyQuerySet,
    PropertyRecordQuerySet,
)

CASE_REFERENCE_RE = r"^MTF-\d{6}$"
MAX_LICENCE_YEARS = 5
MAX_CIVIL_PENALTY = 30_000


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


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

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    property = models.ForeignKey(Property, models.PROTECT, related_name="licences")
    scheme = models.CharField(max_length=15, choices=Scheme.choices)
    number = models.CharField(max_length=30, unique=True)
    holder = models.CharField(max_length=160)
    starts_on = models.DateField()
    expires_on = models.DateField()
    max_occupiers = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    max_households = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.GRANTED)
    history = HistoricalRecords()

    objects = PropertyRecordQuerySet.as_manager()

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
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} licence {self.number}"

    def clean(self) -> None:
        errors = {}
        if (
            self.starts_on
            and self.expires_on
            and self.expires_on > _add_years(self.starts_on, MAX_LICENCE_YEARS)
        ):
            errors["expires_on"] = (
                f"A licence lasts at most {MAX_LICENCE_YEARS} years: it must expire by "
                + (f"{_add_years(self.starts_on, MAX_LICENCE_YEARS):%d %B %Y}.")
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
    complied_on = models.DateField(null=True, blank=True)
    penalty_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    objects = PropertyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-served_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(complied_on__isnull=True) | Q(complied_on__gte=F("served_on")),
                name="enforcement_complied_after_served",
                violation_error_message="complied_on: compliance cannot come before the action was served.",
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
        if self.complied_on and self.served_on and self.complied_on < self.served_on:
            raise ValidationError({"complied_on": "Compliance cannot come before the action was served."})


class Household(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    case_reference = models.CharField(
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(CASE_REFERENCE_RE, "A case reference is MTF- and six digits, e.g. MTF-000123.")
        ],
    )
    ward = models.ForeignKey(
        Area,
        models.PROTECT,
        related_name="households",
        limit_choices_to={"type": Area.Type.WARD},
        help_text="The ward team that holds the case.",
    )
    key_worker = models.ForeignKey(
        StaffProfile, models.SET_NULL, null=True, blank=True, related_name="caseload"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["case_reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="household_closed_after_opened",
                violation_error_message="closed_on: a case cannot close before it opened.",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False))
                | (Q(status="open") & Q(closed_on__isnull=True)),
                name="household_closed_has_date",
                violation_error_message="closed_on: a closed case needs a closing date, and an open case has none.",
            ),
        ]

    def __str__(self) -> str:
        return self.case_reference

    def clean(self) -> None:
        if self.status == self.Status.CLOSED and not self.closed_on:
            raise ValidationError({"closed_on": "A closed case needs the date it was closed."})
        if self.status == self.Status.OPEN and self.closed_on:
            raise ValidationError(
                {"closed_on": "An open case has no closing date: set the status to closed."}
            )


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    nino = models.CharField(
        "National Insurance number",
        max_length=9,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_nino],
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=~Q(nino=""),
                name="person_nino_null_not_blank",
                violation_error_message="nino: leave the National Insurance number empty rather than blank.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def clean(self) -> None:
        self.nino = normalise_nino(self.nino) if self.nino else None
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Membership(models.Model):
    class Relationship(models.TextChoices):
        HEAD = "head", "Head of household"
        PARTNER = "partner", "Partner"
        CHILD = "child", "Child"
        RELATIVE = "relative", "Other relative"
        OTHER = "other", "Other adult"

    household = models.ForeignKey(Household, models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, models.CASCADE, related_name="memberships")
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = HouseholdRecordQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_left_after_joining",
                violation_error_message="left_on: a member cannot leave before joining.",
            ),
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_person_per_household",
                violation_error_message="person: this person is already a current member of this household.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household} from {self.joined_on}"


class Residence(models.Model):
    household = models.ForeignKey(Household, models.PROTECT, related_name="residences")
    property = models.ForeignKey(Property, models.PROTECT, related_name="residences")
    moved_in = models.DateField()
    moved_out = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = HouseholdRecordQuerySet.as_manager()

    class Meta:
        ordering = ["moved_in"]
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=F("moved_in")),
                name="residence_moves_out_after_moving_in",
                violation_error_message="moved_out: a household cannot move out before moving in.",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(moved_out__isnull=True),
                name="one_current_home",
                violation_error_message="moved_out: a household has one current home; record the move out of the current one first.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} at {self.property} from {self.moved_in}"


class DataSharingBasis(models.Model):
    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Consent"
        PUBLIC_TASK = "public_task", "Public task"
        DEA_S35 = "dea_s35", "Digital Economy Act 2017 s35 (multiple disadvantages)"
        CA_S17 = "ca_s17", "Children Act 1989 s17 (child in need)"
        CA_S47 = "ca_s47", "Children Act 1989 s47 (child protection)"
        HA_S213B = "ha_s213b", "Housing Act 1996 s213B (duty to refer)"

    household = models.ForeignKey(Household, models.CASCADE, related_name="sharing_bases")
    basis = models.CharField(max_length=12, choices=LawfulBasis.choices)
    agencies = models.ManyToManyField(Agency, related_name="sharing_bases")
    starts_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[agencies])

    objects = HouseholdRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name_plural = "data-sharing bases"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("starts_on")),
                name="sharing_expires_after_start",
                violation_error_message="expires_on: a data-sharing basis must expire after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("starts_on")),
                name="sharing_withdrawn_after_start",
                violation_error_message="withdrawn_on: a data-sharing basis cannot be withdrawn before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} for {self.household} from {self.starts_on}"

    def is_in_force(self, on: date) -> bool:
        return (
            self.starts_on <= on
            and (self.expires_on is None or on < self.expires_on)
            and (self.withdrawn_on is None or on < self.withdrawn_on)
        )


class PlacementType(models.Model):
    """Reference data: how another authority placed a household into the wards."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=80, unique=True)
    notice_rule = models.CharField(max_length=20, choices=NoticeRule.CHOICES)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    class LegalBasis(models.TextChoices):
        HA_S188 = "ha_s188", "Housing Act 1996 s188 (interim duty)"
        HA_S193 = "ha_s193", "Housing Act 1996 s193 (main duty)"
        HA_S193_PRSO = "ha_s193_7aa", "Housing Act 1996 s193(7AA) (private rented sector offer)"
        CA_S20 = "ca_s20", "Children Act 1989 s20 (accommodated)"
        CA_S31 = "ca_s31", "Children Act 1989 s31 (care order)"
        CA_S23C = "ca_s23c", "Children Act 1989 s23C (care leaver)"
        CJA_S13 = "cja_s13", "Offender Management Act 2007 s13 (approved premises)"
        IAA_S95 = "iaa_s95", "Immigration and Asylum Act 1999 s95"
        OTHER = "other", "Other"

    household = models.ForeignKey(Household, models.PROTECT, related_name="placements")
    placing_authority = models.ForeignKey(Agency, models.PROTECT, related_name="placements")
    type = models.ForeignKey(PlacementType, models.PROTECT, related_name="placements")
    legal_basis = models.CharField(max_length=12, choices=LegalBasis.choices)
    placed_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    accommodation = models.ForeignKey(
        Property,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        help_text="Where it placed them.",
    )
    notification_received_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("placed_on")),
                name="placement_ends_after_start",
                violation_error_message="ended_on: a placement cannot end before it started.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} placed by {self.placing_authority} on {self.placed_on}"

    @property
    def notification_due_on(self) -> date | None:
        return notification_due_on(self.type.notice_rule, self.placed_on)

    def deadline_met(self, today: date | None = None) -> bool | None:
        """True/False once it can be judged; None where no rule applies or the deadline has not yet passed."""
        due = self.notification_due_on
        if due is None:
            return None
        if self.notification_received_on is not None:
            return self.notification_received_on <= due
        today = today or timezone.localdate()
        return False if today > due else None
