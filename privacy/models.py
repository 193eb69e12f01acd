"""The data protection officer's records: subject access requests and their gathered items, reviews of
break-glass grants, erasure and anonymisation of cases past retention, and information-sharing agreements."""

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from taskforce.org import scoping
from taskforce.org.models import Agency, BreakGlassGrant, StaffProfile

# Keep in step with households' data-sharing bases, plus the gateways an agreement between agencies cites.
GATEWAYS = [
    ("consent", "Consent"),
    ("public_task", "Public task (UK GDPR Art 6(1)(e))"),
    ("dea_s35", "Digital Economy Act 2017 s35 (multiple disadvantages)"),
    ("ca_s17", "Children Act 1989 s17 (child in need)"),
    ("ca_s47", "Children Act 1989 s47 (child protection)"),
    ("ha_s213b", "Housing Act 1996 s213B (duty to refer)"),
    ("cda_s115", "Crime and Disorder Act 1998 s115"),
    ("hsca_s251b", "Health and Social Care Act 2012 s251B (duty to share for care)"),
]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month when it has no such day (31 January plus
    one month is 28 or 29 February), as the ICO counts a month for subject access."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class WorkspaceQuerySet(models.QuerySet):
    """The workspace's records are the data protection officer's alone (taskforce.org.scoping)."""

    def visible_to(self, user: scoping.User | None) -> "WorkspaceQuerySet":
        if scoping.role_of(user) != StaffProfile.Role.DATA_PROTECTION_OFFICER:
            return self.none()
        return self


class SubjectAccessRequest(models.Model):
    """A person's request for their data (UK GDPR Art 15), from receipt to release.

    Due one month after receipt (Art 12(3)); extendable by two further months, with a reason, where the
    request is complex or one of many.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        GATHERED = "gathered", "Gathered"
        REVIEWED = "reviewed", "Reviewed and redacted"
        RELEASED = "released", "Released"

    reference = models.CharField(max_length=20, unique=True)
    requester = models.CharField(max_length=160, help_text="Who made the request, as they gave their name.")
    # SET_NULL: a released request outlives the person's record when retention removes it.
    person = models.ForeignKey(
        "households.Person", models.SET_NULL, null=True, blank=True, related_name="subject_access_requests"
    )
    received_on = models.DateField()
    identity_checked = models.BooleanField(default=False)
    identity_evidence = models.CharField(max_length=200, blank=True)
    extended = models.BooleanField(default=False)
    extension_reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    gathered_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    history = HistoricalRecords()

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended=False) | ~Q(extension_reason=""),
                name="sar_extension_has_reason",
                violation_error_message="extension_reason: give the reason for extending the deadline.",
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(released_on__gte=F("received_on")),
                name="sar_released_after_received",
                violation_error_message="released_on: a request cannot be released before it was received.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.requester})"

    @property
    def due_on(self) -> date:
        return add_months(self.received_on, 3 if self.extended else 1)

    def is_overdue(self, today: date) -> bool:
        return self.released_on is None and today > self.due_on

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


class SubjectAccessItem(models.Model):
    """One row of the export gathered for a request; the reviewer marks a row redacted (it names a third
    party, say) and a redacted row is left out of the release."""

    request = models.ForeignKey(SubjectAccessRequest, models.CASCADE, related_name="items")
    table = models.CharField(max_length=40)
    position = models.PositiveIntegerField()
    data = models.JSONField()
    redacted = models.BooleanField(default=False)
    redaction_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["request", "table", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "table", "position"], name="sar_item_once"),
            models.CheckConstraint(
                condition=Q(redacted=False) | ~Q(redaction_reason=""),
                name="sar_redaction_has_reason",
                violation_error_message="redaction_reason: say why the item is withheld.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.table} #{self.position}"


class BreakGlassReview(models.Model):
    """The data protection officer's finding on one break-glass grant, after reading what it opened."""

    class Finding(models.TextChoices):
        JUSTIFIED = "justified", "Justified"
        NOT_JUSTIFIED = "not_justified", "Not justified"

    grant = models.OneToOneField(BreakGlassGrant, models.PROTECT, related_name="review")
    finding = models.CharField(max_length=14, choices=Finding.choices)
    note = models.TextField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.get_finding_display()}: {self.grant}"

    def clean(self) -> None:
        if len((self.note or "").strip()) < 10:
            raise ValidationError({"note": "Give the finding's reasons in at least 10 characters."})


class RetentionAction(models.Model):
    """Erasure or anonymisation of one closed case past retention: proposed, then approved and carried out
    all or nothing (privacy.retention). The case reference and the counts of what went are kept."""

    class Method(models.TextChoices):
        ANONYMISE = "anonymise", "Anonymise"
        ERASE = "erase", "Erase"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        DONE = "done", "Carried out"
        WITHDRAWN = "withdrawn", "Withdrawn"

    household = models.ForeignKey(
        "households.Household", models.SET_NULL, null=True, blank=True, related_name="retention_actions"
    )
    case_reference = models.CharField(max_length=10)
    method = models.CharField(max_length=10, choices=Method.choices)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="What was removed or changed, by table.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="proposed"),
                name="one_open_retention_proposal_per_case",
                violation_error_message="household: this case already has a proposal waiting for approval.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.case_reference} ({self.get_status_display().lower()})"


class SharingAgreement(models.Model):
    """An information-sharing agreement: which partner shares with whom, why, under which gateway, when."""

    title = models.CharField(max_length=160)
    partner = models.ForeignKey(Agency, models.PROTECT, related_name="sharing_agreements")
    parties = models.ManyToManyField(Agency, related_name="+", help_text="Every party to the agreement.")
    purpose = models.TextField()
    gateway = models.CharField("lawful gateway", max_length=12, choices=GATEWAYS)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    review_on = models.DateField()
    history = HistoricalRecords(m2m_fields=[parties])

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="agreement_ends_after_it_starts",
                violation_error_message="ends_on: an agreement must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(review_on__gt=F("starts_on")),
                name="agreement_reviewed_after_it_starts",
                violation_error_message="review_on: the review must fall after the start.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.partner})"

    def in_force(self, today: date) -> bool:
        return self.starts_on <= today and (self.ends_on is None or self.ends_on > today)

    def review_overdue(self, today: date) -> bool:
        return self.in_force(today) and self.review_on < today
