"""The one state machine of long work: a Job's state, progress, result and errors."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Job(models.Model):
    """Progress of a long task, recorded the same way whether it runs eagerly or in a worker."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    kind = models.SlugField(max_length=40)
    parameters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True, help_text="What the job is doing now.")
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="Host and process that ran it.")
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Made when jobs lived in outcomes; the name stays so existing foreign keys keep pointing at it.
        db_table = "outcomes_job"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(started_at__isnull=False),
                name="job_finishes_after_start",
                violation_error_message="finished_at: a job cannot finish before it started.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED}
