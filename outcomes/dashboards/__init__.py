"""Ward dashboards: aggregates per ward (or the wards combined) and period, published through disclosure.

Who sees them is decided in `access`; every count on every panel passes through `disclosure.publish`,
whoever looks. The figures are computed for all wards and years at once and cached on a fingerprint of the
records (`facts`); each panel built from them for an (audience, wards, period) is cached on the same key.
Panels are data (`panel.Panel`): the page, its CSV downloads and the API's aggregates each present them.

Year ranges: the panels in `SUMMED_OVER_YEARS` add their figures up over the years asked for; over more
than one year they are published as the sum of the same panel published for each single year
(`disclosure.by_period`), so no two ranges differ by anything but published single-year figures. The other
panels show one row per year with no total over the years, or a snapshot at the end of the last year, so
a row is published the same whatever range it is shown in.
"""

from collections.abc import Callable
from typing import Any

import pandas as pd
from django.core.cache import cache

from ..disclosure import COMBINED_MEMBER, Cells, as_cells, by_period, cells_of, jointly, publish_family
from . import benefits, casework, housing, place, placements
from .access import COMBINED, Access, Filters, filters_from
from .facts import CACHE_SECONDS, Versions, facts, staff_version, versions
from .panel import Panel, memo_scope

PANELS: dict[str, Callable[[dict[str, Any], Filters, str], Panel]] = {
    "dependency": benefits.dependency_panel,
    "spend": benefits.spend_panel,
    "placements-authority": placements.placements_by_authority_panel,
    "placements-type": placements.placements_by_type_panel,
    "compliance": placements.compliance_panel,
    "housing": housing.housing_panel,
    "housing-benefit": housing.housing_benefit_panel,
    "interventions": casework.interventions_panel,
    "caseload": casework.caseload_panel,
    "transience": casework.transience_panel,
    "turnover": place.turnover_panel,
}

# The parts of the figures (`facts.PARTS`) each panel reads: its cache key is their fingerprint, so a
# change to other records leaves it cached (a test builds each panel and checks what it reads).
PANEL_PARTS: dict[str, tuple[str, ...]] = {
    "dependency": ("areas",),
    "spend": ("areas",),
    "placements-authority": ("placements",),
    "placements-type": ("placements",),
    "compliance": ("placements",),
    "housing": ("housing",),
    "housing-benefit": ("housing_benefit",),
    "interventions": ("interventions",),
    "caseload": ("households", "interventions"),
    "transience": ("moves", "households"),
    "turnover": ("residences", "areas"),
}

# The panels whose figures are totals over the years asked for.
SUMMED_OVER_YEARS = frozenset({"placements-authority", "placements-type", "interventions", "compliance"})
# For a panel summed over the years, the one table it publishes, built alone: its single years are
# published for their tables only, without building the rest of the panel (summary, chart) each time. Each
# returns what `publish` gives as it is: for a range's single years, the table's cells (`_year_cells`).
YEAR_TABLES: dict[str, Callable[[dict[str, Any], Filters, str], pd.DataFrame]] = {
    "placements-authority": placements.placements_by_authority_table,
    "placements-type": placements.placements_by_type_table,
    "interventions": casework.interventions_table,
    "compliance": placements.compliance_table,
}


def dashboard_for(access: Access, params: Any) -> tuple[Filters, list[Panel]]:
    """The filters from the query string and every panel for them, published and cached."""
    found = versions()
    figures = facts(found)
    filters = filters_from(params, access, latest_year=figures["latest_year"])
    return filters, _panels(found, figures, filters, access)


def panel_version(found: Versions, slug: str) -> str:
    """The fingerprint of the records panel `slug` is built from."""
    return found.of(PANEL_PARTS[slug])


def _panels(found: Versions, figures: dict[str, Any], filters: Filters, access: Access) -> list[Panel]:
    audience = access.audience
    # The ward family (every ward the caller sees) is in the key: it decides which cells are hidden. The
    # years are too, and with them the last year with figures (a default view's last year).
    base = f"outcomes:dashboard-panel:{audience}:{_family(access)}:{filters.ward}:{filters.first_year}-{filters.last_year}"
    staff = staff_version()
    keys = {
        slug: f"{base}:{slug}:{panel_version(found, slug)}" + (f":{staff}" if slug == "caseload" else "")
        for slug in PANELS
    }
    cached = cache.get_many(list(keys.values()))
    panels = []
    with memo_scope():
        for slug in PANELS:
            panel = cached.get(keys[slug])
            if panel is None:
                panel = protected_panel(slug, figures, filters, access, version=panel_version(found, slug))
                cache.set(keys[slug], panel, CACHE_SECONDS)
            panels.append(panel)
    return panels


def _family(access: Access) -> str:
    return ",".join(sorted(w.gss_code for w in access.wards))


def dashboard_table(access: Access, params: Any, slug: str) -> tuple[Filters, Panel]:
    """One panel (the API's table endpoints): built from the cached figures, published like the page's,
    without building the rest of the dashboard."""
    found = versions()
    figures = facts(found)
    filters = filters_from(params, access, latest_year=figures["latest_year"])
    return filters, protected_panel(slug, figures, filters, access, version=panel_version(found, slug))


def protected_panel(
    slug: str, figures: dict[str, Any], filters: Filters, access: Access, *, version: str | None = None
) -> Panel:
    """Panel `slug` for `filters`, published jointly with the same panel for each of the caller's wards and
    for the wards combined (for the same years): no cell hidden in one of them can be had as the difference
    of the others (`disclosure.complementary`). Over several years, a panel summed over them is the sum of
    its single years so published (`disclosure.by_period`); with `version` (`panel_version`: of the records
    the panel reads), each year's tables are cached on it, whether published for a range or for that year's
    own view."""
    with memo_scope():
        return _protected_panel(slug, figures, filters, access, version)


def _protected_panel(
    slug: str, figures: dict[str, Any], filters: Filters, access: Access, version: str | None
) -> Panel:
    build = PANELS[slug]
    # A summed panel's single years as published, in one cache entry for the panel (by year), each year's
    # tables as their cells (`cells_of`): a cold range computes a score of years, and a file written for
    # each, of tables pickled as pandas tables, cost a sixth of its time.
    key = f"outcomes:dashboard-year-cells:{version}:{access.audience}:{_family(access)}:{filters.ward}:{slug}"
    if slug in SUMMED_OVER_YEARS and filters.first_year == filters.last_year and version:
        # A single year's tables, kept for the ranges that take it in.
        panel: Panel
        panel, published = _one_year(slug, figures, filters, access, None)
        _keep_years(key, cache.get(key) or {}, {filters.first_year: [cells_of(t) for t in published]})
        return panel
    if slug in SUMMED_OVER_YEARS and filters.first_year < filters.last_year:
        kept: dict[int, list[Cells]] = (cache.get(key) or {}) if version else {}
        computed = {
            year: _year_cells(slug, figures, filters, access, year)
            for year in filters.years
            if year not in kept
        }
        if version:
            _keep_years(key, kept, computed)
        with by_period([kept[year] if year in kept else computed[year] for year in filters.years]):
            return build(figures, filters, access.audience)
    return _one_year(slug, figures, filters, access, None)[0]


def _keep_years(key: str, kept: dict[int, list[Cells]], computed: dict[int, list[Cells]]) -> None:
    """Add the years `computed` to those `kept` under `key` (read just before). Two processes adding years
    at once may each keep only their own: a year lost is computed again when next wanted."""
    if any(year not in kept for year in computed):
        cache.set(key, {**kept, **computed}, CACHE_SECONDS)


def _year_cells(
    slug: str, figures: dict[str, Any], filters: Filters, access: Access, year: int
) -> list[Cells]:
    """The tables summed panel `slug` publishes for `year` alone with its ward family, as their cells: made
    as cells by `publish` itself (`disclosure.as_cells`) where the panel's table builder returns what
    `publish` gives (`YEAR_TABLES`), without making the tables."""
    if slug in YEAR_TABLES:
        with as_cells():
            return _one_year(slug, figures, filters, access, year)[1]
    return [cells_of(table) for table in _one_year(slug, figures, filters, access, year)[1]]


def _one_year(
    slug: str, figures: dict[str, Any], filters: Filters, access: Access, year: int | None
) -> tuple[Any, list[pd.DataFrame]]:
    """The panel for `filters` published with its ward family, and the tables it published; for `year`
    alone, if given, only its tables matter (for a panel in `YEAR_TABLES`, the first item is its table)."""
    build: Callable[[dict[str, Any], Filters, str], Any] = PANELS[slug]
    if year is not None and slug in YEAR_TABLES:
        build = YEAR_TABLES[slug]  # only the tables it publishes are wanted
    first, last = (filters.first_year, filters.last_year) if year is None else (year, year)

    def filters_for(ward: str) -> Filters:
        params = {"ward": ward, "from": first, "to": last}
        return filters_from(params, access, latest_year=figures["latest_year"])

    if len(access.wards) < 2:
        with jointly() as joint:
            panel = build(figures, filters if year is None else filters_for(filters.ward), access.audience)
        return panel, joint.tables
    family = {
        (COMBINED_MEMBER if ward == COMBINED else ward): filters_for(ward)
        for ward in [COMBINED, *(w.gss_code for w in access.wards)]
    }
    tables: dict[str, list[pd.DataFrame]] = {}
    panels = publish_family(lambda name: build(figures, family[name], access.audience), list(family), tables)
    member = COMBINED_MEMBER if filters.ward == COMBINED else filters.ward
    return panels[member], tables[member]
