"""Reference data: Kent, Thanet, the two target wards, and the task force's partner agencies."""

from django.db import migrations

# (gss_code, vintage, name, type, parent code, is_target). Ward codes are the 2003-2015 vintage.
AREAS = (
    ("E10000016", 2009, "Kent", "county", None, False),
    ("E07000114", 2009, "Thanet", "district", "E10000016", False),
    ("E05005088", 2003, "Cliftonville West", "ward", "E07000114", True),
    ("E05005093", 2003, "Margate Central", "ward", "E07000114", True),
)

# (code, name, sector)
PARTNERS = (
    ("kcc", "Kent County Council", "county council"),
    ("tdc", "Thanet District Council", "district council"),
    ("jcp", "Jobcentre Plus", "employment"),
    ("nhs", "NHS Eastern and Coastal Kent", "health"),
    ("police", "Kent Police", "police"),
    ("fire", "Kent Fire and Rescue Service", "fire"),
    ("probation", "Kent Probation", "probation"),
    ("vcs", "Voluntary and community sector", "voluntary"),
)


def load(apps, schema_editor):
    Area = apps.get_model("taskforce", "Area")
    for code, vintage, name, type_, parent, is_target in AREAS:
        Area.objects.update_or_create(
            gss_code=code,
            vintage=vintage,
            defaults={
                "name": name,
                "type": type_,
                "is_target": is_target,
                "parent": Area.objects.get(gss_code=parent) if parent else None,
            },
        )
    Agency = apps.get_model("taskforce", "Agency")
    for code, name, sector in PARTNERS:
        Agency.objects.update_or_create(
            code=code, defaults={"name": name, "sector": sector, "kind": "partner"}
        )


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
