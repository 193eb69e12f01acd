"""The kinds of import, one module each: each declares its columns, parses and checks one row, and writes
all its rows (what they share is in shared.py).

Rows are matched to existing records by natural key, so importing the same rows again changes nothing:
household by case reference; person by National Insurance number, else by name and date of birth within
the household; property by UPRN; licence by number; intervention by (household, service, referred on);
placement by (household, placing authority, placed on); inspection by (property, inspected on) and its
hazard findings by hazard; area statistic by (area, measure, period); boundary by area; a home's location by
UPRN. An s208 notice always opens a new case. Records are written through the apps'
services (validated, with history), except benefit records and area statistics, which go in bulk (see
benefit_records.py and area_statistics.py).
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User

from ..core import ImportKind
from .area_statistics import AreaStatisticsImport
from .benefit_records import BenefitRecordsImport
from .boundaries import BoundariesImport
from .households import HouseholdsImport
from .inspections import InspectionsImport
from .interventions import InterventionsImport
from .licences import LicencesImport
from .placements import PlacementsImport
from .properties import PropertiesImport
from .property_locations import PropertyLocationsImport
from .s208_notices import S208NoticesImport


def _area_statistics(*, user: User | None, options: Mapping[str, Any]) -> ImportKind[Any]:
    return AreaStatisticsImport(
        source=options.get("source") or options.get("file_name") or "import",
        vintage=options.get("vintage"),
        release=options.get("release", ""),
    )


KindFactory = Callable[..., ImportKind[Any]]
KINDS: dict[str, KindFactory] = {
    "households": lambda *, user, options: HouseholdsImport(user=user),
    "benefit-records": lambda *, user, options: BenefitRecordsImport(user=user),
    "interventions": lambda *, user, options: InterventionsImport(user=user),
    "placements": lambda *, user, options: PlacementsImport(user=user),
    "properties": lambda *, user, options: PropertiesImport(user=user),
    "licences": lambda *, user, options: LicencesImport(user=user),
    "inspections": lambda *, user, options: InspectionsImport(user=user),
    "area-statistics": _area_statistics,
    "s208-notices": lambda *, user, options: S208NoticesImport(user=user),
    "boundaries": lambda *, user, options: BoundariesImport(
        user=user, source=options.get("source") or options.get("file_name") or "import"
    ),
    "property-locations": lambda *, user, options: PropertyLocationsImport(user=user),
}
COLUMNS: dict[str, Sequence[str]] = {
    "households": HouseholdsImport.columns,
    "benefit-records": BenefitRecordsImport.columns,
    "interventions": InterventionsImport.columns,
    "placements": PlacementsImport.columns,
    "properties": PropertiesImport.columns,
    "licences": LicencesImport.columns,
    "inspections": InspectionsImport.columns,
    "area-statistics": AreaStatisticsImport.columns,
    "s208-notices": S208NoticesImport.columns,
    "boundaries": BoundariesImport.columns,
    "property-locations": PropertyLocationsImport.columns,
}


def kind_for(
    name: str, *, user: User | None = None, options: Mapping[str, Any] | None = None
) -> ImportKind[Any]:
    return KINDS[name](user=user, options=options or {})
