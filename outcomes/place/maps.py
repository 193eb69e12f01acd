"""Maps of where HMOs, Category 1 hazards, unlicensed HMOs and placements are, drawn on the server as SVG.

No tiles and no script: the boundaries imported from the ONS (households.Boundary) are the only base map,
so the page makes no outside request and the Content Security Policy stays strict. Two kinds of map:

- points, one per home, for those who may see the homes it marks (housing officers and ward managers see
  properties and housing records in their wards; placements are case records, so only ward managers see
  their points), each with the table of those homes;
- LSOA aggregates for everyone else who may see maps (policy leads): each LSOA shaded by its count, and
  the counts published through `disclosure.publish`, so a shade never shows what the table suppresses.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

import pandas as pd
from django.db.models import Count, Exists, OuterRef, Q
from shapely.geometry import shape

from households.hhsrs import CATEGORY_1_THRESHOLD
from households.models import Boundary, HazardFinding, Licence, Placement, Property
from taskforce.org import scoping
from taskforce.org.models import Area, StaffProfile

from ..disclosure import SUPPRESSED, publish
from ..tables import Column

Role = StaffProfile.Role
LAYERS = {
    "hmos": "Houses in multiple occupation",
    "hazards": "Homes with an open Category 1 hazard",
    "unlicensed": "HMOs with no licence in force",
    "placements": "Homes where households are placed by other authorities",
}
MAP_ROLES = frozenset({Role.HOUSING_OFFICER, Role.WARD_MANAGER, Role.POLICY_LEAD})
WIDTH, HEIGHT, MARGIN = 640.0, 480.0, 12.0
INK, LINE, POINT = "#0b0c0c", "#505a5f", "#d4351c"
SHADES = ("#f3f2f1", "#d2e2f1", "#9fc1e3", "#5694ca", "#1d70b8", "#003078")
POINT_COLUMNS = (
    Column("address", "Home", "text"),
    Column("postcode", "Postcode", "text"),
    Column("ward", "Ward", "text"),
    Column("lsoa", "LSOA", "text"),
)
AREA_COLUMNS = (Column("lsoa", "LSOA", "text"), Column("homes", "Homes"))


def sees_maps(user: scoping.User | None) -> bool:
    return scoping.role_of(user) in MAP_ROLES


def sees_points(user: scoping.User | None, layer: str) -> bool:
    """Whether `user` sees one point per home on this layer, rather than LSOA aggregates."""
    if layer == "placements":
        return scoping.sees_cases(user) and scoping.sees_housing_records(user)
    return scoping.sees_housing_records(user)


def homes_on_layer(layer: str, *, today: date, homes: Any = None) -> Any:
    """The homes a layer marks. An HMO counts as licensed while a licence is in force on `today` (granted, begun, not expired or revoked)."""
    homes = Property.objects.all() if homes is None else homes
    if layer == "hmos":
        return homes.filter(is_hmo=True)
    if layer == "hazards":
        return homes.filter(
            Exists(
                HazardFinding.objects.filter(
                    inspection__property=OuterRef("pk"), status="open", score__gte=CATEGORY_1_THRESHOLD
                )
            )
        )
    if layer == "unlicensed":
        in_force = Licence.objects.in_force(today).filter(property=OuterRef("pk"))
        return homes.filter(is_hmo=True).filter(~Exists(in_force))
    if layer == "placements":
        current = Placement.objects.filter(accommodation=OuterRef("pk"), placed_on__lte=today).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )
        return homes.filter(Exists(current))
    raise KeyError(layer)


@dataclass(frozen=True)
class Map:
    layer: str
    title: str
    svg: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    points: bool
    summary: str
    property_ids: tuple[int, ...] = ()


class _Frame:
    """Grid metres to SVG pixels: the boundaries' extent fitted to the drawing, north up."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = bounds
        self.scale = min((WIDTH - 2 * MARGIN) / max(x1 - x0, 1.0), (HEIGHT - 2 * MARGIN) / max(y1 - y0, 1.0))
        self.x0, self.y1 = x0, y1
        # As tall as the area needs, so a wide pair of wards leaves no empty band below the map.
        self.height = 2 * MARGIN + (y1 - y0) * self.scale

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return MARGIN + (x - self.x0) * self.scale, MARGIN + (self.y1 - y) * self.scale

    def path(self, geometry: dict[str, Any]) -> str:
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        parts = []
        for polygon in polygons:
            for ring in polygon:
                points = [self.xy(x, y) for x, y in ring]
                parts.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in points) + "Z")
        return "".join(parts)


def _svg(slug: str, title: str, description: str, body: Sequence[str], height: float = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {height:.0f}" width="100%" '
        f'role="img" class="chart" aria-labelledby="{slug}-title {slug}-desc">'
        f'<title id="{slug}-title">{escape(title)}</title><desc id="{slug}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _bounds(boundaries: Sequence[Boundary]) -> tuple[float, float, float, float]:
    boxes = [shape(b.geometry).bounds for b in boundaries]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _shade(value: Any, top: float) -> str:
    if value == SUPPRESSED:
        return SHADES[1]
    if not value or pd.isna(value):
        return SHADES[0]
    return SHADES[min(len(SHADES) - 1, 2 + int(3 * float(value) / max(top, 1.0)))]


def build_map(user: scoping.User | None, layer: str, *, wards: Sequence[Area], today: date) -> Map:
    """The layer's map of `wards` for `user`: points or LSOA aggregates as `sees_points` decides."""
    title = f"{LAYERS[layer]}, {', '.join(w.name for w in wards)}"
    ward_boundaries = list(Boundary.objects.filter(area__in=wards).select_related("area"))
    lsoa_boundaries = list(
        Boundary.objects.filter(area__type=Area.Type.LSOA, area__parent__in=wards).select_related("area")
    )
    if not ward_boundaries:
        return Map(layer, title, "", (), (), False, "No boundaries have been imported for these wards yet.")
    frame = _Frame(_bounds(ward_boundaries + lsoa_boundaries))
    points = sees_points(user, layer)
    homes = homes_on_layer(
        layer,
        today=today,
        homes=Property.objects.visible_to(user) if points else Property.objects.filter(area__in=wards),
    ).filter(location__isnull=False)
    body: list[str] = []
    if points:
        located = list(
            homes.select_related("area", "location__lsoa").order_by("postcode", "address_line_1")[:2000]
        )
        for b in lsoa_boundaries:
            body.append(
                f'<path d="{frame.path(b.geometry)}" fill="{SHADES[0]}" stroke="{LINE}" stroke-width="0.5"/>'
            )
        for b in ward_boundaries:
            body.append(f'<path d="{frame.path(b.geometry)}" fill="none" stroke="{INK}" stroke-width="2"/>')
        for home in located:
            cx, cy = frame.xy(home.location.easting, home.location.northing)
            body.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{POINT}" stroke="#ffffff" stroke-width="0.5"/>'
            )
        rows: tuple[tuple[Any, ...], ...] = tuple(
            (
                home.address_line_1,
                home.postcode,
                home.area.name,
                home.location.lsoa.name if home.location.lsoa else "",
            )
            for home in located
        )
        summary = f"{len(located)} homes marked, one point each, within the ward boundaries."
        svg = _svg(f"map-{layer}", title, summary, body, frame.height)
        return Map(layer, title, svg, POINT_COLUMNS, rows, True, summary, tuple(h.pk for h in located))
    counts = dict(
        homes.exclude(location__lsoa=None)
        .order_by()
        .values("location__lsoa__gss_code")
        .annotate(n=Count("pk"))
        .values_list("location__lsoa__gss_code", "n")
    )
    table = pd.DataFrame(
        {
            "lsoa": [b.area.name for b in lsoa_boundaries],
            "homes": [counts.get(b.area.gss_code, 0) for b in lsoa_boundaries],
        },
        index=[b.area.gss_code for b in lsoa_boundaries],
    )
    table.loc["Total"] = ["Total", int(table["homes"].sum())]
    published = publish(table, counts=["homes"], total_row="Total")
    top = max((float(v) for v in published["homes"].drop(index="Total") if v != SUPPRESSED), default=1.0)
    for code, b in zip(table.index, lsoa_boundaries, strict=False):
        fill = _shade(published.loc[code, "homes"], top)
        body.append(f'<path d="{frame.path(b.geometry)}" fill="{fill}" stroke="{LINE}" stroke-width="0.5"/>')
    for b in ward_boundaries:
        body.append(f'<path d="{frame.path(b.geometry)}" fill="none" stroke="{INK}" stroke-width="2"/>')
    area_rows: tuple[tuple[Any, ...], ...] = tuple((r["lsoa"], r["homes"]) for _, r in published.iterrows())
    summary = (
        "Each LSOA shaded by how many homes it holds on this layer, darker for more; counts of 1 to 9 are "
        "shown as [c] and others rounded to the nearest 5."
    )
    return Map(
        layer,
        title,
        _svg(f"map-{layer}", title, summary, body, frame.height),
        AREA_COLUMNS,
        area_rows,
        False,
        summary,
    )
