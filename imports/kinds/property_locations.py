"""Where homes stand, from an OS Open UPRN-style CSV: `uprn,x_coordinate,y_coordinate,latitude,longitude`.

Either pair may be blank: X/Y are British National Grid metres (used as they are), latitude and longitude
are converted to it. OS Open UPRN covers all of Great Britain, so a row whose UPRN is not a home on the
system is passed over (counted as unchanged), not refused. Each home's LSOA is the boundary it falls in.
"""

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import User

from households.geometry import GRID_BOUNDS, LONLAT_BOUNDS, Locator, in_bounds, lonlat_to_grid
from households.models import Boundary, Property
from households.places import property_locate
from taskforce.org.models import Area

from ..core import Problem, RowError, duplicates
from .shared import Counts, Kind, parse_uprn, visible


@dataclass
class LocationRow:
    line: int
    uprn: int
    easting: float
    northing: float


def _number(text: str, column: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise RowError(column, "expected a number", text) from None


class PropertyLocationsImport(Kind):
    name = "property-locations"
    columns = ("uprn", "x_coordinate", "y_coordinate", "latitude", "longitude")

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.mine = dict(visible(Property.objects.exclude(uprn=None), user).values_list("uprn", "pk"))
        self.everyone = set(Property.objects.exclude(uprn=None).values_list("uprn", flat=True))

    def parse(self, row: dict[str, str], line: int) -> LocationRow:
        uprn = parse_uprn(row["uprn"])
        if uprn in self.everyone and uprn not in self.mine:
            raise RowError("uprn", "a home outside your wards", row["uprn"])
        if row["x_coordinate"] or row["y_coordinate"]:
            x, y = _number(row["x_coordinate"], "x_coordinate"), _number(row["y_coordinate"], "y_coordinate")
            if not in_bounds(x, y, GRID_BOUNDS):
                raise RowError(
                    "x_coordinate",
                    "not British National Grid metres (0-700000, 0-1300000)",
                    row["x_coordinate"],
                )
        elif row["latitude"] or row["longitude"]:
            lat, lon = _number(row["latitude"], "latitude"), _number(row["longitude"], "longitude")
            if not in_bounds(lon, lat, LONLAT_BOUNDS):
                raise RowError("latitude", "not a latitude and longitude in Great Britain", row["latitude"])
            x, y = lonlat_to_grid(lon, lat)
        else:
            raise RowError("x_coordinate", "give x_coordinate and y_coordinate, or latitude and longitude")
        return LocationRow(line, uprn, round(x, 1), round(y, 1))

    def check_together(self, parsed: list[tuple[int, LocationRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: r.uprn, "uprn")

    def write(self, rows: list[LocationRow]) -> Counts:
        lsoas = Locator(
            Boundary.objects.filter(area__type=Area.Type.LSOA).values_list("area_id", "geometry").iterator()
        )
        outcomes = Counter[str]()
        for r in rows:
            home = self.mine.get(r.uprn)
            if home is None:
                outcomes["unchanged"] += 1
                continue
            lsoa = lsoas.find(r.easting, r.northing)
            outcomes[
                property_locate(property_id=home, easting=r.easting, northing=r.northing, lsoa_id=lsoa)
            ] += 1
        return outcomes["created"], outcomes["updated"], outcomes["unchanged"]
