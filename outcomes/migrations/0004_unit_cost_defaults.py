"""Default unit costs for the savings layer. The Exchequer cost of out-of-work dependency is measured from
the benefit records at run time; these are the other lines, marked illustrative until a policy lead enters
figures from a current source (they are editable in the admin and the API)."""

from decimal import Decimal

from django.db import migrations

UNIT_COSTS = (
    (
        "employment-output",
        "Economic output of a resident moving from out-of-work benefits into work",
        "social",
        "person-year in work",
        Decimal("14000.00"),
        2009,
        "Illustrative assumption: replace with the current 'economic benefit of a workless claimant entering "
        "work' figure (e.g. the GMCA / New Economy Unit Cost Database) before publishing.",
    ),
    (
        "claim-administration",
        "Administration of an out-of-work benefit claim avoided",
        "cashable",
        "claim-year",
        Decimal("500.00"),
        2009,
        "Illustrative assumption: replace with the current DWP administrative cost per claim before publishing.",
    ),
)


def load(apps, schema_editor):
    UnitCost = apps.get_model("outcomes", "UnitCost")
    for code, name, line, unit, value, year, source in UNIT_COSTS:
        UnitCost.objects.get_or_create(
            code=code,
            defaults={"name": name, "line": line, "unit": unit, "value": value, "price_year": year, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_unit_costs_and_analysis_runs")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
