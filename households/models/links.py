"""Two records of one person, linked and never merged: each keeps its own memberships, benefits and history.

A link says either that the records are the same person, or that a caseworker looked and found them to be
different people (so the review queue stops offering the pair). Undoing a link keeps its row, with who undid
it and when, so the decision and its reversal both stay on record.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ..querysets import PersonLinkQuerySet
from .cases import Person


class PersonLink(models.Model):
    class Kind(models.TextChoices):
        SAME = "same", "The same person"
        DISTINCT = "distinct", "Different people"

    # The pair is stored lower id first, so one pair has one row however it was chosen.
    person = models.ForeignKey(Person, models.CASCADE, related_name="links_as_first")
    other = models.ForeignKey(Person, models.CASCADE, related_name="links_as_second")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=200, blank=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_on = models.DateField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undo_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = PersonLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__lt=F("other")),
                name="person_link_lower_id_first",
                violation_error_message="other: a link joins two different records, the lower id first.",
            ),
            models.UniqueConstraint(
                fields=["person", "other"],
                condition=Q(undone_on__isnull=True),
                name="one_current_link_per_pair",
                violation_error_message="other: these two records are already linked; undo that link first.",
            ),
            models.CheckConstraint(
                condition=Q(undone_on__isnull=True) | Q(undone_on__gte=F("recorded_on")),
                name="person_link_undone_after_recorded",
                violation_error_message="undone_on: a link cannot be undone before it was recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} and {self.other}: {self.get_kind_display().lower()}"

    def clean(self) -> None:
        if self.person_id and self.person_id == self.other_id:
            raise ValidationError({"other": "A record cannot be linked to itself."})

    @property
    def is_current(self) -> bool:
        return self.undone_on is None
