"""Import batches: one uploaded file of one kind, its validation report and, once committed, its counts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .querysets import ImportBatchQuerySet


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", "Households and people"
        BENEFIT_RECORDS = "benefit-records", "Benefit records"
        INTERVENTIONS = "interventions", "Interventions"
        PLACEMENTS = "placements", "Placements (including s208 notifications)"
        PROPERTIES = "properties", "Properties"
        LICENCES = "licences", "Licences"
        INSPECTIONS = "inspections", "Inspections and hazards"
        AREA_STATISTICS = "area-statistics", "Area statistics"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded, not yet checked"
        VALID = "valid", "Checked: every row is good"
        INVALID = "invalid", "Checked: some rows are bad"
        QUEUED = "queued", "Waiting to be written"
        RUNNING = "running", "Being written"
        COMMITTED = "committed", "Written"
        ALREADY_IMPORTED = "already_imported", "The same file was already written"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    options = models.JSONField(default=dict, blank=True, help_text="Kind-specific options, e.g. a source.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True, help_text="Every bad row: row, column, value, rule.")
    job = models.OneToOneField(
        "jobs.Job", models.SET_NULL, null=True, blank=True, related_name="import_batch"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name_plural = "import batches"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=Q(status="committed"),
                name="import_file_committed_once_per_kind",
                violation_error_message="sha256: this file has already been imported.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import #{self.pk} ({self.file_name}, {self.get_status_display()})"
