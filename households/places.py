"""Writes of where things are: an area's boundary and a home's location. Each validates, then saves, in
one transaction, and says whether it created, changed or left the record as it was (imports count them)."""

from typing import Any, Literal

from django.db import transaction

from taskforce.org.models import Area

from .models import Boundary, PropertyLocation

Outcome = Literal["created", "updated", "unchanged"]


@transaction.atomic
def boundary_save(*, area: Area, geometry: dict[str, Any], source: str) -> Outcome:
    boundary = Boundary.objects.filter(area=area).first()
    if boundary is None:
        boundary = Boundary(area=area, geometry=geometry, source=source)
        outcome: Outcome = "created"
    elif boundary.geometry != geometry:
        boundary.geometry, boundary.source = geometry, source
        outcome = "updated"
    else:
        return "unchanged"
    boundary.full_clean()
    boundary.save()
    return outcome


@transaction.atomic
def property_locate(*, property_id: int, easting: float, northing: float, lsoa_id: int | None) -> Outcome:
    location = PropertyLocation.objects.filter(property_id=property_id).first()
    if location is None:
        location = PropertyLocation(
            property_id=property_id, easting=easting, northing=northing, lsoa_id=lsoa_id
        )
        outcome: Outcome = "created"
    elif (location.easting, location.northing, location.lsoa_id) != (easting, northing, lsoa_id):
        location.easting, location.northing, location.lsoa_id = easting, northing, lsoa_id
        outcome = "updated"
    else:
        return "unchanged"
    location.full_clean()
    location.save()
    return outcome
