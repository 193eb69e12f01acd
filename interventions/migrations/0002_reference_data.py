"""Reference data: service categories."""

from django.db import migrations

CATEGORIES = (
    ("employment", "Employment"),
    ("housing", "Housing"),
    ("health", "Health"),
    ("mental-health", "Mental health"),
    ("substance-misuse", "Substance misuse"),
    ("family-support", "Family support"),
    ("debt-benefits", "Debt and benefits advice"),
    ("community-safety", "Community safety"),
    ("education", "Education"),
    ("other", "Other"),
)


def load(apps, schema_editor):
    ServiceCategory = apps.get_model("interventions", "ServiceCategory")
    for code, name in CATEGORIES:
        ServiceCategory.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
