"""A batch's status holds only what became of its file; queued, running and failed are its job's state.

A batch queued, being written or failed had nothing written: it goes back to valid, and its job says where
the write is or what went wrong (ImportBatch.state). Going back, such a batch takes its job's state again.
"""

from django.db import migrations, models

# The job's state a batch not yet written showed, and the status it showed it by.
SHOWN = (("pending", "queued"), ("running", "running"), ("failed", "failed"))


def forwards(apps, schema_editor):
    ImportBatch = apps.get_model("imports", "ImportBatch")
    ImportBatch.objects.filter(status__in=[status for _, status in SHOWN]).update(status="valid")


def backwards(apps, schema_editor):
    ImportBatch = apps.get_model("imports", "ImportBatch")
    for job_state, status in SHOWN:
        ImportBatch.objects.filter(status__in=["uploaded", "valid"], job__state=job_state).update(status=status)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_job_moves_to_jobs"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("uploaded", "Uploaded, not yet checked"),
                    ("valid", "Checked: every row is good"),
                    ("invalid", "Checked: some rows are bad"),
                    ("committed", "Written"),
                    ("already_imported", "The same file was already written"),
                ],
                default="uploaded",
                max_length=20,
            ),
        ),
    ]
