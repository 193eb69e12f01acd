"""Case notes: one dated contact with the family (a visit, call, meeting or letter), by its author for their
agency. A sensitive note is read only within its author's agency."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from households.models import Household
from taskforce.org.models import Agency

from ..querysets import CaseNoteQuerySet


class CaseNote(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", "Home visit"
        CALL = "call", "Phone call"
        MEETING = "meeting", "Meeting"
        LETTER = "letter", "Letter"

    household = models.ForeignKey(Household, models.CASCADE, related_name="case_notes")
    contact_on = models.DateField("date of the contact")
    kind = models.CharField("type of contact", max_length=10, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    sensitive = models.BooleanField(
        default=False, help_text="Only staff of the author's agency can read a sensitive note."
    )
    text = models.TextField("note", max_length=10000)
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_on", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.household} on {self.contact_on}"
