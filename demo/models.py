"""The loaded demo data set and the truths planted in it."""

from django.db import models

from jobs.models import Job


class DemoDataset(models.Model):
    """Marks a loaded demo data set and keeps the truths planted in it, for estimators to recover."""

    seed = models.IntegerField(unique=True)
    households = models.PositiveIntegerField()
    truths = models.JSONField(help_text="Planted effects, start date and calibration targets.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(Job, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        # Made when the demo's marker lived in outcomes; the name stays so existing rows keep their table.
        db_table = "outcomes_demodataset"

    def __str__(self) -> str:
        return f"Demo data (seed {self.seed}, {self.households:,} households)"
