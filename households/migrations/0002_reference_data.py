"""Reference data: the 29 HHSRS hazards and the types of placement into the wards."""

from django.db import migrations

# Housing Act 2004 Part 1; HHSRS Operating Guidance (2006), in statutory order.
HAZARDS = (
    (1, "Physiological: hygrothermal", "Damp and mould growth"),
    (2, "Physiological: hygrothermal", "Excess cold"),
    (3, "Physiological: hygrothermal", "Excess heat"),
    (4, "Physiological: pollutants", "Asbestos and manufactured mineral fibres"),
    (5, "Physiological: pollutants", "Biocides"),
    (6, "Physiological: pollutants", "Carbon monoxide and fuel combustion products"),
    (7, "Physiological: pollutants", "Lead"),
    (8, "Physiological: pollutants", "Radiation"),
    (9, "Physiological: pollutants", "Uncombusted fuel gas"),
    (10, "Physiological: pollutants", "Volatile organic compounds"),
    (11, "Psychological", "Crowding and space"),
    (12, "Psychological", "Entry by intruders"),
    (13, "Psychological", "Lighting"),
    (14, "Psychological", "Noise"),
    (15, "Protection against infection", "Domestic hygiene, pests and refuse"),
    (16, "Protection against infection", "Food safety"),
    (17, "Protection against infection", "Personal hygiene, sanitation and drainage"),
    (18, "Protection against infection", "Water supply"),
    (19, "Protection against accidents", "Falls associated with baths etc"),
    (20, "Protection against accidents", "Falling on level surfaces etc"),
    (21, "Protection against accidents", "Falling on stairs etc"),
    (22, "Protection against accidents", "Falling between levels"),
    (23, "Protection against accidents", "Electrical hazards"),
    (24, "Protection against accidents", "Fire"),
    (25, "Protection against accidents", "Flames and hot surfaces etc"),
    (26, "Protection against accidents", "Collision and entrapment"),
    (27, "Protection against accidents", "Explosions"),
    (28, "Protection against accidents", "Position and operability of amenities etc"),
    (29, "Protection against accidents", "Structural collapse and falling elements"),
)

# (code, name, notification rule)
PLACEMENT_TYPES = (
    ("ta-s188", "Temporary accommodation (s188 interim duty)", "s208_14_days"),
    ("ta-s193", "Temporary accommodation (s193 main duty)", "s208_14_days"),
    ("prso", "Private rented sector offer", "s208_14_days"),
    ("lac", "Looked-after child", "lac_5_working_days"),
    ("care-leaver", "Care leaver", "none"),
    ("cas3", "Probation approved premises / CAS3", "none"),
    ("asylum", "Asylum dispersal", "none"),
    ("supported", "Supported housing", "none"),
    ("other", "Other", "none"),
)


def load(apps, schema_editor):
    Hazard = apps.get_model("households", "Hazard")
    for number, group, name in HAZARDS:
        Hazard.objects.update_or_create(number=number, defaults={"group": group, "name": name})
    PlacementType = apps.get_model("households", "PlacementType")
    for code, name, rule in PLACEMENT_TYPES:
        PlacementType.objects.update_or_create(code=code, defaults={"name": name, "notice_rule": rule})


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
