"""Ward and LSOA boundaries from the ONS's GeoJSON (Open Geography Portal), one feature per area.

The file is a GeoJSON FeatureCollection, in British National Grid (declared in its `crs` member, as ONS
downloads are) or in longitude and latitude (no `crs`, as RFC 7946 says). A feature's row is its place in
the file (feature 1 is row 1). Its area is the first property holding a GSS code (`WD11CD`, `LSOA21CD`,
`code`...): a ward must already be known; an LSOA not yet known is created, named from its `...NM` property,
its vintage from the property's name (`LSOA11CD` is 2011) and its ward the known ward it falls in.
Problems are row errors: invalid geometry, an unknown code, coordinates in the wrong CRS. All or nothing.
"""

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from pyproj import CRS
from shapely.geometry import shape

from households.geometry import GeometryError, Locator, area_geometry, crs_of
from households.models import Boundary
from households.places import boundary_save
from taskforce.org.models import Area
from taskforce.org.validators import GSS_CODE_RE

from ..core import FileError, ImportReport, Problem, Progress, decode
from .shared import Kind

CODE_KEY = re.compile(r"^(?:[A-Z]+(\d{2})CD|code|gss_code|areacd)$", re.IGNORECASE)
LSOA_PREFIX = "E01"


@dataclass
class Feature:
    line: int
    code: str
    name: str
    vintage: int | None
    geometry: dict[str, Any]


class BoundariesImport(Kind):
    name = "boundaries"
    columns = ("code", "name", "geometry")  # what each feature carries; the file is GeoJSON, not CSV

    def __init__(self, *, user: User | None = None, source: str = "") -> None:
        super().__init__(user=user)
        self.source = source
        self.areas = {a.gss_code: a for a in Area.objects.filter(type__in=[Area.Type.WARD, Area.Type.LSOA])}

    def run_in_bulk(
        self,
        data: bytes,
        *,
        report: ImportReport,
        dry_run: bool,
        progress: Progress | None,
        on_written: Callable[[ImportReport], None] | None,
        max_bytes: int,
    ) -> ImportReport:
        try:
            features, crs = _features(data, max_bytes)
        except FileError as exc:
            report.problems = [Problem(row=0, column="(file)", value="", rule=str(exc))]
            return report
        checked = []
        for line, feature in enumerate(features, start=1):
            report.rows += 1
            try:
                checked.append(self._check(line, feature, crs))
            except _RowProblem as problem:
                report.problems.append(
                    Problem(row=line, column=problem.column, value=problem.value, rule=str(problem))
                )
        seen: dict[str, int] = {}
        for f in checked:
            if f.code in seen:
                report.problems.append(Problem(f.line, "code", f.code, f"repeats row {seen[f.code]}"))
            seen.setdefault(f.code, f.line)
        if report.problems or dry_run:
            return report
        with transaction.atomic():
            report.created, report.updated, report.unchanged = self._write(checked)
            report.committed = True
            if on_written:
                on_written(report)
        return report

    def _check(self, line: int, feature: Any, crs: CRS) -> Feature:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise _RowProblem("geometry", "", "not a GeoJSON Feature")
        properties = feature.get("properties") or {}
        code, vintage, name = "", None, ""
        for key, value in properties.items():
            match = CODE_KEY.match(str(key))
            if match and isinstance(value, str) and GSS_CODE_RE.match(value.strip()):
                code = value.strip()
                vintage = 2000 + int(match.group(1)) if match.group(1) else None
                name = str(properties.get(key[:-2] + "NM") or properties.get(key[:-2] + "nm") or "")
                break
        if not code:
            raise _RowProblem("code", "", "no property holds a GSS code (expected WD..CD, LSOA..CD or code)")
        if code not in self.areas and not (code.startswith(LSOA_PREFIX) and name and vintage):
            raise _RowProblem(
                "code",
                code,
                "unknown code: not a known ward or LSOA (an LSOA needs its LSOA..NM name to be created)",
            )
        try:
            geometry = area_geometry(feature.get("geometry") or {}, crs)
        except GeometryError as exc:
            raise _RowProblem("geometry", code, str(exc)) from exc
        return Feature(line, code, name, vintage, geometry)

    def _write(self, features: list[Feature]) -> tuple[int, int, int]:
        outcomes = Counter[str]()
        wards = Locator(Boundary.objects.filter(area__type=Area.Type.WARD).values_list("area_id", "geometry"))
        wards_here = Locator(
            (self.areas[f.code].pk, f.geometry) for f in features if not f.code.startswith(LSOA_PREFIX)
        )
        for f in features:
            area = self.areas.get(f.code)
            if area is None:
                point = shape(f.geometry).representative_point()
                parent = wards_here.find(point.x, point.y) or wards.find(point.x, point.y)
                area = Area.objects.create(
                    gss_code=f.code,
                    vintage=f.vintage or 2021,
                    name=f.name,
                    type=Area.Type.LSOA,
                    parent_id=parent,
                )
            outcomes[boundary_save(area=area, geometry=f.geometry, source=self.source)] += 1
        return outcomes["created"], outcomes["updated"], outcomes["unchanged"]

    def parse(self, row: dict[str, str], line: int) -> Feature:  # pragma: no cover - GeoJSON goes in bulk
        raise NotImplementedError

    def write(self, parsed: list[Feature]) -> tuple[int, int, int]:  # pragma: no cover
        raise NotImplementedError


class _RowProblem(Exception):
    def __init__(self, column: str, value: str, rule: str) -> None:
        super().__init__(rule)
        self.column, self.value = column, value


def _features(data: bytes, max_bytes: int) -> tuple[list[Any], CRS]:
    text = decode(data, max_bytes=max_bytes)
    try:
        geojson = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(f"The file is not GeoJSON: {exc.msg} at line {exc.lineno}.") from exc
    if not isinstance(geojson, dict) or geojson.get("type") != "FeatureCollection":
        raise FileError("The file is not a GeoJSON FeatureCollection.")
    try:
        crs = crs_of(geojson)
    except GeometryError as exc:
        raise FileError(f"Wrong CRS: {exc}.") from exc
    features = geojson.get("features")
    if not isinstance(features, list) or not features:
        raise FileError("The file holds no features.")
    return features, crs
