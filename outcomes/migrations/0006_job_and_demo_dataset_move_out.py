"""Job has moved to the jobs app and DemoDataset to the demo app (their tables with them): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0005_benefit_person_month_index"),
        ("jobs", "0001_initial"),
        ("imports", "0002_job_moves_to_jobs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="analysisrun",
                    name="job",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="analysis_run",
                        to="jobs.job",
                    ),
                ),
                migrations.DeleteModel(name="DemoDataset"),
                migrations.DeleteModel(name="Job"),
            ],
            database_operations=[],
        ),
    ]
