"""The organisation: areas, agencies and staff roles."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .validators import validate_gss_code


class Area(models.Model):
    class Type(models.TextChoices):
        WARD = "ward", "Ward"
        LSOA = "lsoa", "Lower layer super output area"
        DISTRICT = "district", "District"
        COUNTY = "county", "County"
        REGION = "region", "Region"
        COUNTRY = "country", "Country"

    gss_code = models.CharField("GSS code", max_length=9, validators=[validate_gss_code])
    vintage = models.PositiveSmallIntegerField(help_text="Year of the boundary set the code belongs to.")
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=10, choices=Type.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    is_target = models.BooleanField(
        "target ward", default=False, help_text="One of the wards the task force works in."
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Made up by the demo data set; never publish figures for it."
    )

    class Meta:
        ordering = ["type", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gss_code", "vintage"],
                name="area_code_unique_per_vintage",
                violation_error_message="gss_code: an area with this GSS code and vintage already exists.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="area_not_its_own_parent",
                violation_error_message="parent: an area cannot be its own parent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code})"


class Agency(models.Model):
    class Kind(models.TextChoices):
        PARTNER = "partner", "Task force partner"
        PLACING_AUTHORITY = "placing", "Placing authority"
        OTHER = "other", "Other organisation"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PARTNER)
    sector = models.CharField(
        max_length=40,
        blank=True,
        help_text="County council, district council, employment, health, police, fire, probation, voluntary...",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    class Role(models.TextChoices):
        CASEWORKER = "caseworker", "Caseworker"
        HOUSING_OFFICER = "housing_officer", "Housing officer"
        WARD_MANAGER = "ward_manager", "Ward manager"
        POLICY_LEAD = "policy_lead", "Policy lead"
        DATA_PROTECTION_OFFICER = "dpo", "Data protection officer"

    # Roles whose work shows them records about named people.
    PERSONAL_DATA_ROLES = frozenset({Role.CASEWORKER, Role.HOUSING_OFFICER, Role.WARD_MANAGER})

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    wards = models.ManyToManyField(
        Area, blank=True, related_name="staff", limit_choices_to={"type": Area.Type.WARD}
    )
    history = HistoricalRecords(m2m_fields=[wards])

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.get_role_display()}, {self.agency})"
