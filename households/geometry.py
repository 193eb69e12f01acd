"""Geometry with shapely and pyproj: reading GeoJSON into British National Grid, and finding the area a
point falls in. Kept apart from the models so imports, maps and the demo share one set of rules."""

import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import shapely
from pyproj import CRS, Transformer
from shapely import STRtree
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

BNG = CRS.from_epsg(27700)
WGS84 = CRS.from_epsg(4326)
GRID_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)
# Great Britain and its islands, in longitude and latitude, generously.
LONLAT_BOUNDS = (-9.0, 49.0, 3.0, 61.5)


class GeometryError(ValueError):
    pass


@cache
def _to_grid() -> Transformer:
    return Transformer.from_crs(WGS84, BNG, always_xy=True)


def crs_of(geojson: Mapping[str, Any]) -> CRS:
    """The CRS a GeoJSON file declares (the old `crs` member ONS files carry), or WGS 84 by RFC 7946."""
    declared = geojson.get("crs")
    if not declared:
        return WGS84
    try:
        name = declared["properties"]["name"]
        crs = CRS.from_user_input(name)
    except (KeyError, TypeError, ValueError) as exc:
        raise GeometryError(f"the file's crs member cannot be read: {declared!r}") from exc
    if crs.equals(BNG):
        return BNG
    if crs.equals(WGS84) or crs.equals(CRS.from_user_input("OGC:CRS84")):
        return WGS84
    raise GeometryError(
        f"the file is in {crs.name}; expected British National Grid (EPSG:27700) or longitude and latitude (EPSG:4326)"
    )


def lonlat_to_grid(longitude: float, latitude: float) -> tuple[float, float]:
    x, y = _to_grid().transform(longitude, latitude)
    return float(x), float(y)


def in_bounds(x: float, y: float, bounds: tuple[float, float, float, float]) -> bool:
    return bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]


def area_geometry(geometry: Mapping[str, Any], crs: CRS) -> dict[str, Any]:
    """A Polygon or MultiPolygon as GeoJSON in British National Grid, or GeometryError saying what is wrong."""
    try:
        shp = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise GeometryError(f"the geometry cannot be read: {exc}") from exc
    if shp.geom_type not in {"Polygon", "MultiPolygon"}:
        raise GeometryError(f"a boundary is a Polygon or MultiPolygon, not a {shp.geom_type}")
    if shp.is_empty:
        raise GeometryError("the geometry is empty")
    bounds = LONLAT_BOUNDS if crs is WGS84 else GRID_BOUNDS
    x0, y0, x1, y1 = shp.bounds
    looks_like_degrees = crs is BNG and max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90
    if looks_like_degrees or not (in_bounds(x0, y0, bounds) and in_bounds(x1, y1, bounds)):
        expected = (
            "longitude and latitude in Great Britain" if crs is WGS84 else "British National Grid metres"
        )
        raise GeometryError(
            f"coordinates {x0:.6g}, {y0:.6g} to {x1:.6g}, {y1:.6g} are not {expected}: is the file's CRS declared?"
        )
    if not shp.is_valid:
        raise GeometryError(f"invalid geometry: {explain_validity(shp)}")
    if crs is WGS84:
        shp = shapely.transform(shp, lambda x, y: _to_grid().transform(x, y), interleaved=False)
    # Through JSON, so the result compares equal to what a JSONField gives back (lists, not tuples).
    return dict(json.loads(json.dumps(mapping(shp.simplify(0.5, preserve_topology=True)))))


def as_shape(geometry: Mapping[str, Any]) -> BaseGeometry:
    return shape(geometry)


class Locator:
    """Which of a set of areas each point falls in (an STRtree over their boundaries)."""

    def __init__(self, boundaries: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
        pairs = list(boundaries)
        self.ids = [pk for pk, _ in pairs]
        self.shapes = [shape(g) for _, g in pairs]
        self.tree = STRtree(self.shapes) if self.shapes else None

    def find(self, x: float, y: float) -> int | None:
        if self.tree is None:
            return None
        point = Point(x, y)
        for i in self.tree.query(point, predicate="intersects"):
            return self.ids[int(i)]
        return None
