"""Ward dashboards: aggregates per ward (or the wards combined) and period, published through disclosure.

Who sees them is decided in `access`; every count on every panel passes through `disclosure.publish`,
whoever looks. The figures are computed for all wards and years at once and cached on a fingerprint of the
records (`facts`); each panel built from them for an (audience, wards, period) is cached on the same key.
Panels are data (`panel.Panel`): the page, its CSV downloads and the API's aggregates each present them.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from ..disclosure import COMBINED_MEMBER, publish_family
from . import benefits, casework, housing, place, placements
from .access import COMBINED, Access, Filters, filters_from
from .facts import CACHE_SECONDS, data_version, facts, staff_version
from .panel import Panel

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


def dashboard_for(access: Access, params: Any) -> tuple[Filters, list[Panel]]:
    """The filters from the query string and every panel for them, published and cached."""
    version = data_version()
    figures = facts(version)
    filters = filters_from(params, access, latest_year=figures["latest_year"])
    return filters, _panels(version, figures, filters, access)


def _panels(version: str, figures: dict[str, Any], filters: Filters, access: Access) -> list[Panel]:
    audience = access.audience
    base = f"outcomes:dashboard-panel:{version}:{audience}:{','.join(filters.codes)}:{filters.first_year}-{filters.last_year}"
    staff = staff_version()
    keys = {slug: f"{base}:{slug}" + (f":{staff}" if slug == "caseload" else "") for slug in PANELS}
    found = cache.get_many(list(keys.values()))
    panels = []
    for slug in PANELS:
        panel = found.get(keys[slug])
        if panel is None:
            panel = protected_panel(slug, figures, filters, access)
            cache.set(keys[slug], panel, CACHE_SECONDS)
        panels.append(panel)
    return panels


def dashboard_table(access: Access, params: Any, slug: str) -> tuple[Filters, Panel]:
    """One panel (the API's table endpoints): built from the cached figures, published like the page's,
    without building the rest of the dashboard."""
    figures = facts(data_version())
    filters = filters_from(params, access, latest_year=figures["latest_year"])
    return filters, protected_panel(slug, figures, filters, access)


def protected_panel(slug: str, figures: dict[str, Any], filters: Filters, access: Access) -> Panel:
    """Panel `slug` for `filters`, published jointly with the same panel for each of the caller's wards and
    for the wards combined (for the same years): no cell hidden in one of them can be had as the difference
    of the others (`disclosure.complementary`)."""
    build = PANELS[slug]
    if len(access.wards) < 2:
        return build(figures, filters, access.audience)
    family = {
        (COMBINED_MEMBER if ward == COMBINED else ward): filters_from(
            {"ward": ward, "from": filters.first_year, "to": filters.last_year},
            access,
            latest_year=figures["latest_year"],
        )
        for ward in [COMBINED, *(w.gss_code for w in access.wards)]
    }
    panels = publish_family(lambda name: build(figures, family[name], access.audience), list(family))
    return panels[COMBINED_MEMBER if filters.ward == COMBINED else filters.ward]
