"""The dashboards' figures in parts, each cached on a fingerprint of the records it reads, and each panel
on the parts it reads: a change to some records computes again only what reads them."""

import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interventions.models import Intervention
from outcomes import dashboards
from outcomes.dashboards.access import dashboard_access, filters_from
from outcomes.dashboards.facts import PARTS, VERSIONED, Part, facts, versions
from taskforce.org.models import StaffProfile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

# Read by the parts besides their records: reference data (names and codes of areas, agencies, services,
# placing authorities and placement types, the benefit types, the ward managers' wards), which the date
# in every fingerprint refreshes daily.
REFERENCE = {
    "taskforce.Area",
    "taskforce.Agency",
    "taskforce.StaffProfile",
    "taskforce.StaffProfile_wards",
    "interventions.Service",
    "households.PlacingAuthority",
    "households.PlacementType",
    "outcomes.BenefitType",
}

# Tables kept in step with a model's records: its history (the fingerprint the housing benefit ledger is
# checked against) and the ledger (rebuilt with the benefit records, and read only while built from them as
# they are). A part owning the model may read them.
DERIVED = {
    "outcomes.HistoricalBenefitRecord": "outcomes.BenefitRecord",
    "outcomes.HousingBenefitLedger": "outcomes.BenefitRecord",
    "outcomes.LedgerState": "outcomes.BenefitRecord",
}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN)\s+"([a-z0-9_]+)"', sql))


def test_each_part_reads_only_its_own_records_and_reference_data() -> None:
    by_table = {m._meta.db_table: m._meta.label for m in apps.get_models(include_auto_created=True)}
    assert {m._meta.label for part in PARTS.values() for m in part.models} <= {
        m._meta.label for m in VERSIONED
    }
    for name, part in PARTS.items():
        with CaptureQueriesContext(connection) as captured:
            part.compute()
        read = {by_table[t] for q in captured.captured_queries for t in _tables(q["sql"]) if t in by_table}
        assert read, name
        own = {m._meta.label for m in part.models}
        own |= {derived for derived, source in DERIVED.items() if source in own}
        assert read - own <= REFERENCE, (name, sorted(read - own - REFERENCE))


class _Reading(dict):
    """The figures, noting which of them a panel reads."""

    def __init__(self, figures: dict[str, Any]) -> None:
        super().__init__(figures)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


@pytest.mark.parametrize("slug", list(dashboards.PANELS))
def test_each_panel_reads_only_the_parts_it_is_keyed_on(ward_manager: StaffProfile, slug: str) -> None:
    access = dashboard_access(ward_manager.user)
    assert access is not None
    produced = {name: set(part.compute()) for name, part in PARTS.items()}
    figures = _Reading(facts(versions()))
    for params in ({}, {"from": 2011, "to": 2011}):
        filters = filters_from(params, access, latest_year=figures["latest_year"])
        figures.read.clear()
        dashboards.protected_panel(slug, figures, filters, access)
        # The last year with figures only gives the years their default, and the years are in every key.
        allowed = {"latest_year"}.union(*(produced[name] for name in dashboards.PANEL_PARTS[slug]))
        assert figures.read, slug
        assert figures.read <= allowed, (slug, sorted(figures.read - allowed))


def test_a_new_intervention_computes_again_only_what_reads_interventions(
    ward_manager: StaffProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    access = dashboard_access(ward_manager.user)
    assert access is not None
    dashboards.dashboard_for(access, {})  # every part and panel cached
    before = versions()
    intervention = Intervention.objects.first()
    intervention.save()  # a history row, as every change through the services writes
    after = versions()
    assert after.data != before.data
    assert {name for name in PARTS if after.parts[name] != before.parts[name]} == {"interventions"}

    def not_again() -> dict[str, Any]:
        raise AssertionError("a part whose records did not change was computed again")

    for name, part in PARTS.items():
        if name != "interventions":
            monkeypatch.setitem(PARTS, name, Part(part.models, not_again))
    built: list[str] = []
    protected = dashboards.protected_panel
    monkeypatch.setattr(
        dashboards, "protected_panel", lambda slug, *a, **k: built.append(slug) or protected(slug, *a, **k)
    )
    _, panels = dashboards.dashboard_for(access, {})
    assert [p.slug for p in panels] == list(dashboards.PANELS)
    assert sorted(built) == ["caseload", "interventions"]


def test_one_computation_of_the_figures_reads_the_residences_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The moves and the residences are both made from every residence: computed together (the cache
    empty) they share one read of them, and are what each part computed alone gives."""
    facts_module = importlib.import_module("outcomes.dashboards.facts")
    read = facts_module.residence_rows
    calls: list[int] = []

    def counted() -> Any:
        calls.append(1)
        return read()

    monkeypatch.setattr(facts_module, "residence_rows", counted)
    figures = facts(versions())
    assert len(calls) == 1
    for name in ("moves", "residences"):
        alone = PARTS[name].compute()[name]
        assert figures[name].equals(alone), name
    assert len(calls) == 3  # alone, each reads them itself
