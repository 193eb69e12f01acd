"""Who gains from each default unit cost. Administration of an out-of-work claim is DWP's, so central
government's and a resource saving (social value), not a cashable local saving; the council's own saving is the
administration of the housing benefit claim that goes with it."""

from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    UnitCost = apps.get_model("outcomes", "UnitCost")
    UnitCost.objects.filter(code="employment-output").update(payer="the resident and the economy", level="central")
    UnitCost.objects.filter(code="claim-administration", line="cashable").update(
        name="DWP administration of an out-of-work benefit claim avoided", line="social", payer="DWP", level="central"
    )
    UnitCost.objects.get_or_create(
        code="housing-benefit-administration",
        defaults={
            "name": "Council administration of a housing benefit claim avoided",
            "line": "cashable",
            "payer": "council",
            "level": "local",
            "unit": "claim-year",
            "value": Decimal("150.00"),
            "price_year": 2009,
            "source": "Illustrative assumption: replace with the council's own cost per housing benefit claim "
            "(net of DWP administration subsidy) before publishing.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0009_programme_costs_and_payers")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
