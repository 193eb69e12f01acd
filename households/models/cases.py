"""Cases: households, the people in them and when, the homes they lived in, and the basis on which their
data is shared."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from taskforce.org.models import Agency, Area, StaffProfile
from taskforce.org.validators import normalise_nino, validate_nino

from ..querysets import DataSharingBasisQuerySet, HouseholdQuerySet, HouseholdRecordQuerySet, PersonQuerySet
from .housing import Property

CASE_REFERENCE_RE = r"^MTF-\d{6}$"


class Household(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class ClosureReason(models.TextChoices):
        OUTCOMES_ACHIEVED = "outcomes_achieved", "Outcomes achieved"
        STEPPED_DOWN = "stepped_down", "Stepped down to universal services"
        STEPPED_UP = "stepped_up", "Stepped up to statutory social care"
        MOVED_AWAY = "moved_away", "Moved out of the area"
        DECLINED = "declined", "Family declined or stopped engaging"
        TRANSFERRED = "transferred", "Transferred to another team"
        OTHER = "other", "Other"

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
    closure_reason = models.CharField(
        "reason for closing", max_length=20, choices=ClosureReason.choices, blank=True
    )
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
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closure_reason=""),
                name="household_open_has_no_closure_reason",
                violation_error_message="closure_reason: an open case has no reason for closing.",
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
    agreed_by = models.CharField(
        max_length=160,
        blank=True,
        help_text="Who agreed to the sharing (the person consenting, or the officer deciding on a gateway).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[agencies])

    objects = DataSharingBasisQuerySet.as_manager()

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

    def describe(self) -> str:
        """The basis, its dates and the agencies it covers, for a message that names it."""
        names = ", ".join(a.name for a in self.agencies.all())
        return f"{self.get_basis_display()} from {self.starts_on:%-d %B %Y}, covering {names}"

    def is_in_force(self, on: date) -> bool:
        return (
            self.starts_on <= on
            and (self.expires_on is None or on < self.expires_on)
            and (self.withdrawn_on is None or on < self.withdrawn_on)
        )
