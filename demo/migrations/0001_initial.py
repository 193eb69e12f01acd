"""DemoDataset moves here from outcomes: the model's state only, on the table it already has. The
table keeps its name: renaming it would leave SQLite's foreign keys naming the old one."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("outcomes", "0005_benefit_person_month_index"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DemoDataset",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("seed", models.IntegerField(unique=True)),
                        ("households", models.PositiveIntegerField()),
                        (
                            "truths",
                            models.JSONField(help_text="Planted effects, start date and calibration targets."),
                        ),
                        ("loaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "job",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="jobs.job",
                            ),
                        ),
                    ],
                    options={"db_table": "outcomes_demodataset"},
                ),
            ],
            database_operations=[],
        ),
    ]
