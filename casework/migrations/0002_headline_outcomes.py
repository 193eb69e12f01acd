"""Reference data: the ten headline outcomes of the Supporting Families outcomes framework (2022)."""

from django.db import migrations

SOURCE = (
    "Department for Levelling Up, Housing and Communities, Supporting Families Programme Guidance 2022-25, "
    "chapter 3: the Supporting Families Outcome Framework (2022)"
)

# (number, code, name, description)
OUTCOMES = (
    (1, "education", "Getting a good education",
     "Children attend school regularly, are not excluded and are supported with special educational needs."),
    (2, "early-years", "Good early years development",
     "Children under five develop well; parents are supported with their children's early development."),
    (3, "health", "Improved mental and physical health",
     "Adults and children get help with their mental and physical health needs."),
    (4, "substance-use", "Promoting recovery and reducing harm from substance use",
     "Family members with drug or alcohol problems are supported in treatment and recovery."),
    (5, "family-relationships", "Improved family relationships",
     "Parents and children get on; conflict between parents is reduced; parenting is supported."),
    (6, "children-safe", "Children safe from abuse and exploitation",
     "Children are safe at home and outside it, including from criminal and sexual exploitation."),
    (7, "crime", "Crime prevention and tackling crime",
     "Family members are diverted from offending and anti-social behaviour, and kept safe from crime."),
    (8, "domestic-abuse", "Safe from domestic abuse",
     "Family members affected by domestic abuse are safe, and perpetrators are supported to change."),
    (9, "secure-housing", "Secure housing",
     "The family has a suitable, stable home and is not at risk of homelessness."),
    (10, "financial-stability", "Financial stability",
     "Adults are in work or progressing towards it, and the family manages its money and debts."),
)  # fmt: skip


def load(apps, schema_editor):
    HeadlineOutcome = apps.get_model("casework", "HeadlineOutcome")
    for number, code, name, description in OUTCOMES:
        HeadlineOutcome.objects.update_or_create(
            code=code, defaults={"number": number, "name": name, "description": description, "source": SOURCE}
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_case_plans_notes_tasks")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
