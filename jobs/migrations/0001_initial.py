"""Job moves here from outcomes: the model's state only, on the table it already has. The table
keeps its name: renaming it would leave SQLite's foreign keys naming the old one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("outcomes", "0005_benefit_person_month_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.SlugField(max_length=40)),
                        ("parameters", models.JSONField(blank=True, default=dict)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting to start"),
                                    ("running", "Running"),
                                    ("succeeded", "Finished"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("total", models.PositiveIntegerField(default=0)),
                        ("done", models.PositiveIntegerField(default=0)),
                        (
                            "message",
                            models.CharField(blank=True, help_text="What the job is doing now.", max_length=200),
                        ),
                        ("errors", models.JSONField(blank=True, default=list)),
                        ("result", models.JSONField(blank=True, default=dict)),
                        (
                            "worker",
                            models.CharField(blank=True, help_text="Host and process that ran it.", max_length=120),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at"],
                        "db_table": "outcomes_job",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("finished_at__isnull", True), ("started_at__isnull", False), _connector="OR"
                                ),
                                name="job_finishes_after_start",
                                violation_error_message="finished_at: a job cannot finish before it started.",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
