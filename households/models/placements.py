"""Placements into the wards by other authorities, and the kinds of placement with their notice rules."""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from taskforce.org.validators import validate_gss_code

from ..deadlines import NoticeRule, notification_due_on
from ..querysets import PlacementQuerySet
from .cases import Household
from .housing import Property


class PlacementType(models.Model):
    """Reference data: how another authority placed a household into the wards."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=80, unique=True)
    notice_rule = models.CharField(max_length=20, choices=NoticeRule.CHOICES)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlacingAuthority(models.Model):
    """A local authority that places households into the wards (reference data, seeded by migration).

    Only local authorities place under the Housing Act 1996 and the Children Act 1989, so no other agency
    can be a placing authority. `gss_code` is empty only for a row carried over from an agency that was
    not a known local authority; such rows are kept for history and never offered for a new placement.
    """

    class Kind(models.TextChoices):
        COUNTY = "county", "County council"
        DISTRICT = "district", "District council"
        UNITARY = "unitary", "Unitary authority"
        LONDON_BOROUGH = "london", "London borough"
        METROPOLITAN = "metropolitan", "Metropolitan borough"
        OTHER = "other", "Other"

    gss_code = models.CharField(
        "GSS code", max_length=9, blank=True, validators=[validate_gss_code], help_text="ONS code."
    )
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    in_kent = models.BooleanField("in Kent", help_text="Kent County Council or one of the Kent districts.")
    is_synthetic = models.BooleanField(default=False, help_text="Made up by the demo data set.")

    class Meta:
        ordering = ["-in_kent", "name"]
        verbose_name_plural = "placing authorities"
        constraints = [
            models.UniqueConstraint(
                fields=["gss_code"],
                condition=~Q(gss_code=""),
                name="placing_authority_code_unique",
                violation_error_message="gss_code: a placing authority with this GSS code already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgreementSignatory(models.Model):
    """An authority that signed the Margate Agreement: what it committed to, and when it signed."""

    authority = models.OneToOneField(PlacingAuthority, models.PROTECT, related_name="signatory")
    signed_on = models.DateField()
    commitments = models.TextField(help_text="What the authority committed to, in its own words.")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_on", "authority__name"]
        verbose_name_plural = "agreement signatories"

    def __str__(self) -> str:
        return f"{self.authority} (signed {self.signed_on:%-d %b %Y})"


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
    placing_authority = models.ForeignKey(PlacingAuthority, models.PROTECT, related_name="placements")
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
