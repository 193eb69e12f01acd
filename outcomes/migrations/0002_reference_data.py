"""Reference data: benefit types, and which of them count as out-of-work benefits."""

from django.db import migrations

# (code, name, out_of_work). A household is dependent in a month when a member receives an
# out-of-work benefit: JSA, ESA, IS, IB, or Universal Credit in the searching-for-work or
# no-work-requirements conditionality groups.
BENEFIT_TYPES = (
    ("jsa", "Jobseeker's Allowance", True),
    ("esa", "Employment and Support Allowance", True),
    ("is", "Income Support", True),
    ("ib", "Incapacity Benefit", True),
    ("uc-sfw", "Universal Credit: searching for work", True),
    ("uc-nwr", "Universal Credit: no work requirements", True),
    ("uc-pfw", "Universal Credit: planning for work", False),
    ("uc-wp", "Universal Credit: preparing for work", False),
    ("uc-work", "Universal Credit: working", False),
    ("hb", "Housing Benefit", False),
    ("ctr", "Council Tax Benefit / Reduction", False),
    ("pip-dla", "PIP / Disability Living Allowance", False),
    ("carers", "Carer's Allowance", False),
    ("other", "Other benefits", False),
)


def load(apps, schema_editor):
    BenefitType = apps.get_model("outcomes", "BenefitType")
    for code, name, out_of_work in BENEFIT_TYPES:
        BenefitType.objects.update_or_create(code=code, defaults={"name": name, "out_of_work": out_of_work})


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
