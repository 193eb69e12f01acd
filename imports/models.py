"""Import batches: one uploaded file of one kind, its validation report and, once committed, its counts.

A batch stores only what became of its file (its status); while a job writes it, and when that job failed,
the job's state is the batch's (`ImportBatch.state`): one state machine per long piece of work.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jobs.models import Job

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
        S208_NOTICES = "s208-notices", "s208 notices opening cases (household, members, home and placement)"
        BOUNDARIES = "boundaries", "Ward and LSOA boundaries (ONS GeoJSON)"
        PROPERTY_LOCATIONS = "property-locations", "Where homes stand (OS Open UPRN-style CSV)"

    class Status(models.TextChoices):
        """What became of the file."""

        UPLOADED = "uploaded", "Uploaded, not yet checked"
        VALID = "valid", "Checked: every row is good"
        INVALID = "invalid", "Checked: some rows are bad"
        COMMITTED = "committed", "Written"
        ALREADY_IMPORTED = "already_imported", "The same file was already written"

    class State(models.TextChoices):
        """What a batch shows: its status, or where the job writing a file not yet written is."""

        UPLOADED = "uploaded", "Uploaded, not yet checked"
        VALID = "valid", "Checked: every row is good"
        INVALID = "invalid", "Checked: some rows are bad"
        QUEUED = "queued", "Waiting to be written"
        RUNNING = "running", "Being written"
        COMMITTED = "committed", "Written"
        ALREADY_IMPORTED = "already_imported", "The same file was already written"
        FAILED = "failed", "Failed"

    # A file not yet written (and not refused) shows where the job writing it is. A failed job wrote
    # nothing (its transaction rolled back) and says why; the batch may be committed again.
    NOT_WRITTEN = (Status.UPLOADED, Status.VALID)
    STATE_OF_JOB: dict[str, str] = {
        Job.State.PENDING: State.QUEUED,
        Job.State.RUNNING: State.RUNNING,
        Job.State.FAILED: State.FAILED,
    }
    WRITTEN = (Status.COMMITTED, Status.ALREADY_IMPORTED)

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
        return f"{self.get_kind_display()} import #{self.pk} ({self.file_name}, {self.get_state_display()})"

    @property
    def state(self) -> str:
        """The status, or, for a file not yet written that a job has in hand or failed to write, the job's
        state (one of State)."""
        if self.status not in self.NOT_WRITTEN or self.job is None:
            return self.status
        return self.STATE_OF_JOB.get(self.job.state, self.status)

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_in_progress(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING}

    @property
    def has_failed(self) -> bool:
        return self.state == self.State.FAILED
