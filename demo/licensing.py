"""Write the demo's present-day licensing (demo/generate/licensing.py): designations through the service,
licences and recent notices in bulk, then lower a few licences' limits below the people living there, so
every list of the work queue has rows."""

from datetime import date

import pandas as pd

from households import services
from households.models import EnforcementAction, Licence, Property
from taskforce.org.bulk import insert_rows
from taskforce.org.models import Area

from .generate.licensing import designation_table, licence_table, recent_enforcement

OVER_OCCUPIED = 8


def load_licensing(properties: pd.DataFrame, *, today: date, seed: int) -> int:
    """Write the tables for the demo's `properties` table; returns the rows written."""
    wards = {a.gss_code: a for a in Area.objects.filter(type=Area.Type.WARD, is_target=True)}
    designations = designation_table(today)
    for row in designations.to_dict("records"):
        services.designation_record(
            name=row["name"],
            scheme=row["scheme"],
            wards=[wards[code] for code in row["wards"]],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            description=row["description"],
        )
    homes = dict(Property.objects.filter(uprn__in=properties["uprn"].tolist()).values_list("uprn", "pk"))
    licences = licence_table(properties, today=today, seed=seed)
    fields = [
        "property_id",
        "scheme",
        "number",
        "holder",
        "manager",
        "starts_on",
        "expires_on",
        "max_occupiers",
        "max_households",
        "conditions",
        "decision",
        "revoked_on",
    ]
    insert_rows(
        Licence,
        fields,
        ([homes[r["uprn"]], *(r[f] for f in fields[1:])] for r in licences.to_dict("records")),
    )
    notices = recent_enforcement(properties, today=today, seed=seed)
    insert_rows(
        EnforcementAction,
        ["property_id", "type", "served_on", "comply_by", "status"],
        (
            [homes[r["uprn"]], r["type"], r["served_on"], r["comply_by"], r["status"]]
            for r in notices.to_dict("records")
        ),
    )
    # Homes where more people live than their licence permits: additional licences, whose limits have no
    # statutory floor, set one below the people living there today.
    crowded = (
        Property.objects.with_licensing(today)
        .filter(licensed_now=True, people_now__gte=2)
        .order_by("pk")
        .values_list("pk", "people_now")[:OVER_OCCUPIED]
    )
    for pk, people in crowded:
        Licence.objects.in_force(today).filter(property_id=pk, scheme="additional").update(
            max_occupiers=people - 1, max_households=1
        )
    return len(designations) + len(licences) + len(notices)
