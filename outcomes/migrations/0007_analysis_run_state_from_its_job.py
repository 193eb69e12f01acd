"""An analysis run reads running, finished or failed from its job: its own status, error and finishing
time go (the job has kept each of them since runs began)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0006_job_and_demo_dataset_move_out"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="analysisrun", name="analysis_latest_idx"),
        migrations.RemoveField(model_name="analysisrun", name="status"),
        migrations.RemoveField(model_name="analysisrun", name="error"),
        migrations.RemoveField(model_name="analysisrun", name="finished_at"),
        migrations.AddIndex(
            model_name="analysisrun",
            index=models.Index(fields=["kind", "-created_at"], name="analysis_kind_latest_idx"),
        ),
    ]
