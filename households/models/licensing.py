"""Licensing designations: the areas where the council requires additional HMO or selective licences
(Housing Act 2004 s56 and s80). Mandatory HMO licensing is national (s55 and SI 2018/221) and needs no
designation: it is a rule in households/licensing.py."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from taskforce.org.dates import years_after
from taskforce.org.models import Area

from ..querysets import DesignationQuerySet

MAX_DESIGNATION_YEARS = 5


class LicensingDesignation(models.Model):
    class Scheme(models.TextChoices):
        ADDITIONAL = "additional", "Additional HMO licensing (Housing Act 2004 s56)"
        SELECTIVE = "selective", "Selective licensing (Housing Act 2004 s80)"

    name = models.CharField(max_length=160, unique=True)
    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    wards = models.ManyToManyField(
        Area, related_name="licensing_designations", help_text="The wards the designation covers."
    )
    starts_on = models.DateField(help_text="The day the designation comes into force.")
    ends_on = models.DateField(help_text="The last day it has effect: at most five years after it starts.")
    description = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[wards])

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="designation_ends_after_start",
                violation_error_message="ends_on: a designation must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def clean(self) -> None:
        if self.starts_on and self.ends_on:
            if self.ends_on <= self.starts_on:
                raise ValidationError({"ends_on": "The end date must be after the start date."})
            latest = years_after(self.starts_on, MAX_DESIGNATION_YEARS)
            if self.ends_on > latest:
                raise ValidationError(
                    {
                        "ends_on": f"A designation lasts at most {MAX_DESIGNATION_YEARS} years (Housing Act "
                        f"2004 s60(2), s84(2)): it must end by {latest:%-d %B %Y}."
                    }
                )
